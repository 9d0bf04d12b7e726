"""Table cells, with pdfplumber (MIT; `frugalkit[library]`), only on the pages where a
caption names a table: run on every page, it takes seconds per page and mistakes the boxes
of infographics for tables (REFERENCE.md). Rows become 'cell | cell | cell' lines, so that
a question about one row finds it and a citation shows it."""

from __future__ import annotations

import logging
from pathlib import Path

from frugalkit.library.passages import Passage

log = logging.getLogger(__name__)


def add_cells(path: Path, passages: list[Passage]) -> int:
    """Put the cells of each captioned table into its passage; the tables read."""
    try:
        import pdfplumber
    except ImportError:
        return 0
    wanted = {p.pdf_page: p for p in passages if p.table_id}
    read = 0
    try:
        with pdfplumber.open(path) as document:
            for number, passage in wanted.items():
                for table in document.pages[number - 1].extract_tables():
                    rows = [" | ".join(c or "" for c in row) for row in table if any(row)]
                    if rows:
                        passage.text = f"{passage.caption}\n" + "\n".join(rows)
                        read += 1
                        break
    except Exception as exc:  # pdfminer raises many types on odd files: keep the text layer
        log.warning("table cells of %s not read (%s); its text is indexed as is", path.name, exc)
    return read
