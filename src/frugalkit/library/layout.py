"""A PDF's text as read: lines with their font size and weight, per page, with the printed
page number; the document's outline and body size. pdf.py reads it, cleaning.py tidies it,
passages.py cuts it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str
    size_pt: float
    bold: bool


@dataclass
class Page:
    """One page: `number` is the 1-based PDF index (what `#page=N` uses), `printed` the
    number printed on it, when found."""

    number: int
    lines: list[Line] = field(default_factory=list)
    printed: str = ""

    @property
    def has_text(self) -> bool:
        return any(line.text.strip() for line in self.lines)


@dataclass
class PdfText:
    title: str
    pages: list[Page]
    outline: list[tuple[int, str, int]]  # (level, title, 1-based page)
    body_size_pt: float
