"""A document's title for readers: its metadata when that is a title, else the largest
heading of its first pages, else its typesetting file name made readable, else its own
file name. An IPCC summary was titled "spm fr" from its file name (issue 23)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

FILE_SUFFIXES = (".indd", ".doc", ".docx", ".pdf", ".tex", ".qxd")
FIRST_PAGES = 3  # a title sits on the cover or the first pages with text
HEADING_RATIO = 1.4  # a title is set larger than the body text


def _is_file_name(text: str) -> bool:
    return text.lower().endswith(FILE_SUFFIXES)


def _readable(file_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z]+$", "", file_name)
    stem = re.sub(r"[_-]0?\d{1,2}$", "", stem)  # a layout revision, "_06"
    return " ".join(stem.replace("_", " ").replace("-", " ").split())


def _heading(pages: list[Any], body_pt: float) -> str:
    """The largest lines of the first pages with text, leaving out lines printed on most
    pages (running heads, "ACCEPTED VERSION" watermarks)."""
    repeated = Counter(line.text.strip() for page in pages for line in page.lines)
    common = {text for text, n in repeated.items() if n >= max(3, len(pages) // 2)}
    with_text = [p for p in pages[:FIRST_PAGES] if p.has_text]
    for page in with_text:
        lines = [ln for ln in page.lines if ln.text.strip() and ln.text.strip() not in common]
        if not lines:
            continue
        top = max(ln.size_pt for ln in lines)
        if top < body_pt * HEADING_RATIO:
            continue
        words = " ".join(ln.text.strip() for ln in lines if ln.size_pt >= top - 0.5)
        words = re.sub(r"^\d+\s+", "", words)  # a line number before the heading
        if 3 <= len(words) <= 200:
            return words
    return ""


def title_of(metadata_title: str, pdf: Any | None, path: Path) -> str:
    if metadata_title and not _is_file_name(metadata_title):
        return metadata_title
    heading = _heading(pdf.pages, pdf.body_size_pt) if pdf is not None else ""
    if heading:
        return heading
    if metadata_title:
        return _readable(metadata_title)
    return _readable(path.name)
