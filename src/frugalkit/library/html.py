"""Read an HTML report (the IPCC's web editions give each statement an id such as `A.1.2`):
text blocks with their element id, under their headings; tables and figures with their
captions. Scripts, styles and forms are skipped, never run; nothing of the page is kept
but its text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from frugalkit.errors import InputError
from frugalkit.library.passages import CAPTION, STATEMENT, Passage, qualifiers_in

MAX_HTML_BYTES = 50_000_000
SKIPPED = {"script", "style", "noscript", "template", "iframe", "svg", "form", "button", "nav"}
BLOCKS = {"p", "li", "tr", "figcaption", "caption", "dd", "dt", "blockquote", "div"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.title = ""
        self.in_title = False
        self.headings: list[str] = []
        self.heading_level = 0
        self.heading_text: list[str] = []
        self.blocks: list[tuple[str, str, str]] = []  # (section, element id, text)
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
        if tag in HEADINGS:
            self.flush()
            self.heading_level = HEADINGS[tag]
            self.heading_text = []
        elif tag in BLOCKS:
            self.flush()
        element_id = dict(attrs).get("id")
        if element_id:
            self.ids.append(element_id[:100])

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
        if tag in HEADINGS and self.heading_level:
            text = " ".join(" ".join(self.heading_text).split())
            self.headings = [*self.headings[: self.heading_level - 1], text]
            self.heading_level = 0
        elif tag in BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title += data
        elif self.heading_level:
            self.heading_text.append(data)
        else:
            self.text.append(data)

    def flush(self) -> None:
        text = " ".join(" ".join(self.text).split())
        if text:
            self.blocks.append(
                (" > ".join(h for h in self.headings if h), self.ids[-1] if self.ids else "", text)
            )
        self.text = []


def read_html(path: Path) -> tuple[str, list[Passage]]:
    """The page's title and its passages (pdf_page 0: an HTML report has no pages)."""
    if path.stat().st_size > MAX_HTML_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_HTML_BYTES / 1e6:.0f} MB")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text; save the page as UTF-8") from None
    if "<" not in text[:5000]:
        raise InputError(f"{path.name} is not an HTML page")
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader.flush()
    passages: list[Passage] = []
    for section, element_id, block in reader.blocks:
        statement = STATEMENT.match(block)
        caption = CAPTION.match(block)
        fields = {"paragraph_id": statement.group(1)} if statement else {}
        if caption:
            kind = "figure_id" if caption.group(1).lower() == "figure" else "table_id"
            fields = {
                kind: f"{caption.group(1).capitalize()} {caption.group(2)}",
                "caption": block[:300],
            }
        passages.append(
            Passage(
                ordinal=len(passages),
                section=section,
                pdf_page=0,
                printed_page="",
                text=block,
                anchor=element_id,
                qualifiers=qualifiers_in(block),
                **fields,
            )
        )
    if not passages:
        raise InputError(f"{path.name} holds no text")
    return " ".join(reader.title.split()), passages
