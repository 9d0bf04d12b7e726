"""Read a PDF with pypdfium2: lines of text per page with their font size and weight, the
printed page number, the outline, and which pages have no text layer.

Trap (REFERENCE.md): pdfium gives a raw font size of 1.0 for every character of some PDFs
(the IPCC's); the size on the page is the raw size times the text matrix's vertical scale.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from frugalkit.errors import InputError
from frugalkit.library.cleaning import clean
from frugalkit.library.layout import Line, Page, PdfText

MAX_PDF_BYTES = 200_000_000  # a stated limit: larger reports are refused, not half-read
# Our limits, not published figures. A dense two-column report page holds under 10,000
# characters and a 169-page IPCC chapter about 600,000; a 1.2 KB PDF drawing 152,000
# characters on one page took 39 s (issue 21).
MAX_CHARS_PER_PAGE = 50_000
MAX_CHARS = 5_000_000
# The reader's heap, in a process of its own: a 1 MB PDF that inflates to 1 GiB took 2.1 GB.
MAX_READER_BYTES = 2 * 1024**3
SIZE_SAMPLES = 16  # characters per line whose font size and weight are read
PAGE_NUMBER = re.compile(r"^(?:.{0,120}?\D)?(\d{1,4})$")
BOLD_WEIGHT = 600


def read_pdf(path: Path) -> PdfText:
    """The text of `path`, read by a process of its own (`python -m frugalkit.library.pdf`)
    under MAX_READER_BYTES of heap; InputError for a file that is not a readable,
    unencrypted PDF within the limits."""
    import json
    import shutil
    import subprocess
    import sys

    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise InputError(
            f"{path.name} is {size / 1e6:.0f} MB; the limit is {MAX_PDF_BYTES / 1e6:.0f} MB"
        )
    with path.open("rb") as file:
        if file.read(5) != b"%PDF-":
            raise InputError(f"{path.name} is not a PDF file")
    command = [sys.executable, "-I", "-m", "frugalkit.library.pdf", str(path)]
    if shutil.which("prlimit"):  # util-linux: the heap cap, set before the reader starts
        command = ["prlimit", f"--data={MAX_READER_BYTES}", "--", *command]
    done = subprocess.run(command, capture_output=True, check=False)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise InputError(
            f"{path.name} could not be read within {MAX_READER_BYTES >> 30} GiB of memory "
            f"(the reader stopped with status {done.returncode}); it is refused"
        )
    if "error" in answer:
        raise InputError(str(answer["error"]))
    pages = [
        Page(p["number"], [Line(**line) for line in p["lines"]], p["printed"])
        for p in answer["pages"]
    ]
    outline = [(int(a), str(b), int(c)) for a, b, c in answer["outline"]]
    return clean(PdfText(answer["title"], pages, outline, float(answer["body_size_pt"])))


def _main(argv: list[str]) -> int:
    """The reader's process: the PdfText of argv[0] as JSON on stdout, or its error."""
    import json
    import sys
    from dataclasses import asdict

    try:
        text = _read_pdf(Path(argv[0]))
    except InputError as exc:
        json.dump({"error": str(exc)}, sys.stdout)
        return 2
    except MemoryError:
        json.dump(
            {"error": f"{Path(argv[0]).name} needs more than {MAX_READER_BYTES >> 30} GiB "
             "to read (a compressed stream that inflates far beyond its file?)"},
            sys.stdout,
        )  # fmt: skip
        return 3
    json.dump(asdict(text), sys.stdout)
    return 0


def _read_pdf(path: Path) -> PdfText:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise InputError(f"{path.name} is encrypted; give an unprotected copy") from None
        raise InputError(f"{path.name} cannot be read as a PDF ({reason})") from None
    try:
        pages, chars = [], 0
        for i in range(len(document)):
            page, count = _page(document, i, raw, path.name)
            chars += count
            if chars > MAX_CHARS:
                raise InputError(f"{path.name} holds more than {MAX_CHARS:,} characters")
            pages.append(page)
        outline = [
            (b.level, b.get_title().strip(), b.get_dest().get_index() + 1)
            for b in document.get_toc()
            if b.get_dest() is not None and b.get_dest().get_index() is not None
        ]
        title = str(document.get_metadata_value("Title") or "").strip()
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path.name} is damaged ({exc})") from None
    finally:
        document.close()
    sizes = [line.size_pt for page in pages for line in page.lines if len(line.text) > 40]
    body = statistics.median(sizes) if sizes else 10.0
    return PdfText(title=title, pages=pages, outline=outline, body_size_pt=body)


def _page(document: object, index: int, raw: object, name: str) -> tuple[Page, int]:
    page = document[index]  # type: ignore[index]
    textpage = page.get_textpage()
    count = textpage.count_chars()
    if count > MAX_CHARS_PER_PAGE:
        raise InputError(
            f"{name}: page {index + 1} draws {count:,} characters, over {MAX_CHARS_PER_PAGE:,}"
        )
    text = textpage.get_text_range()
    lines: list[Line] = []
    start = 0
    for chunk in text.split("\r\n"):
        sizes, weights = [], []
        step = max(1, len(chunk) // SIZE_SAMPLES)  # a sample: two pdfium calls a character
        for i in range(start, start + len(chunk), step):
            matrix = raw.FS_MATRIX()  # type: ignore[attr-defined]
            raw.FPDFText_GetMatrix(textpage.raw, i, matrix)  # type: ignore[attr-defined]
            sizes.append(raw.FPDFText_GetFontSize(textpage.raw, i) * abs(matrix.d or 1.0))  # type: ignore[attr-defined]
            weights.append(raw.FPDFText_GetFontWeight(textpage.raw, i))  # type: ignore[attr-defined]
        start += len(chunk) + 2
        if chunk.strip():
            lines.append(
                Line(
                    chunk.strip(),
                    round(statistics.median(sizes), 1) if sizes else 0.0,
                    bool(weights) and statistics.median(weights) >= BOLD_WEIGHT,
                )
            )
    textpage.close()
    page.close()
    result = Page(number=index + 1, lines=lines)
    _take_page_number(result)
    return result, count


def _take_page_number(page: Page) -> None:
    """The printed page number: a first or last line that ends in a number (a running
    header or footer); that line is not text of the report."""
    for position in (0, -1):
        if not page.lines:
            return
        match = PAGE_NUMBER.match(page.lines[position].text)
        if match and (len(page.lines[position].text) <= 4 or " - " in page.lines[position].text):
            page.printed = match.group(1)
            page.lines.pop(position)
            return


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
