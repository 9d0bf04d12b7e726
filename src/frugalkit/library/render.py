"""A cited figure shown, not only its caption (issue 24, item 4; ClimateQ&A calls figures a
highly requested feature): the stored PDF's page that holds it, rendered by pypdfium2 to a
PNG, in a process of its own under the reader's memory cap (a page is drawn as the file
says, and a hostile file can say anything).

With `figure`, the image is cropped to the figure's box as the page draws it (`crop.py`),
or is the whole page where no drawing stands out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from frugalkit.errors import InputError
from frugalkit.library.pdf import MAX_READER_BYTES

WIDTH_PX = 900  # wide enough to read a figure's labels on a laptop, small on a phone
MAX_SCALE = 3.0  # a small figure is drawn at most this many pixels per point, not blown up
RENDER_TIMEOUT_S = 30


def page_png(path: Path, number: int, figure: bool = False) -> bytes:
    """Page `number` (1-based) of the PDF at `path` as PNG bytes, WIDTH_PX wide; only the
    figure on it with `figure`."""
    command = [sys.executable, "-I", "-m", "frugalkit.library.render", str(path), str(number)]
    command += ["figure"] if figure else []
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

    from frugalkit.library.crop import figure_box

    path, number = Path(argv[0]), int(argv[1])
    document = pdfium.PdfDocument(path)
    try:
        if not 1 <= number <= len(document):
            print(f"the document has {len(document)} pages", file=sys.stderr)
            return 2
        page = document[number - 1]
        box = figure_box(page) if argv[2:] == ["figure"] else None
        width_pt, height_pt = page.get_width(), page.get_height()
        wide_pt = width_pt if box is None else box[2] - box[0]
        scale = min(WIDTH_PX / wide_pt, MAX_SCALE)
        image = page.render(scale=scale).to_pil()
        if box is not None:  # PDF points from the bottom left; pixels from the top left
            left, bottom, right, top = (v * scale for v in box)
            image = image.crop((left, height_pt * scale - top, right, height_pt * scale - bottom))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        sys.stdout.buffer.write(out.getvalue())
    finally:
        document.close()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
