"""A cited figure shown, not only its caption (issue 24, item 4; ClimateQ&A calls figures a
highly requested feature): the stored PDF's page that holds it, rendered by pypdfium2 to a
PNG, in a process of its own under the reader's memory cap (a page is drawn as the file
says, and a hostile file can say anything).

The whole page is rendered: the IPCC's figures are vector drawings with no image object
whose bounds would give the figure's box, so a crop would be a guess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from frugalkit.errors import InputError
from frugalkit.library.pdf import MAX_READER_BYTES

WIDTH_PX = 900  # wide enough to read a figure's labels on a laptop, small on a phone
RENDER_TIMEOUT_S = 30


def page_png(path: Path, number: int) -> bytes:
    """Page `number` (1-based) of the PDF at `path` as PNG bytes, WIDTH_PX wide."""
    command = [sys.executable, "-I", "-m", "frugalkit.library.render", str(path), str(number)]
    if shutil.which("prlimit"):
        command = ["prlimit", f"--data={MAX_READER_BYTES}", "--", *command]
    try:
        done = subprocess.run(command, capture_output=True, timeout=RENDER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"page {number} of {path.name} took over {RENDER_TIMEOUT_S} s") from None
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no image"]
        raise InputError(f"page {number} of {path.name} cannot be drawn: {reason[0]}")
    return done.stdout


def _main(argv: list[str]) -> int:
    import io

    import pypdfium2 as pdfium

    path, number = Path(argv[0]), int(argv[1])
    document = pdfium.PdfDocument(path)
    try:
        if not 1 <= number <= len(document):
            print(f"the document has {len(document)} pages", file=sys.stderr)
            return 2
        page = document[number - 1]
        width_pt = page.get_width()
        image = page.render(scale=WIDTH_PX / width_pt).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        sys.stdout.buffer.write(out.getvalue())
    finally:
        document.close()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
