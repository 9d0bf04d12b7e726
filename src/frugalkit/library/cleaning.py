"""What a real report's pages carry besides its text (issue 24, item 3: margin line numbers
inside 4 of 5 quotes, "Final Government Distribution Chapter 15 ... Total pages: 157" inside
156 of 577 passages, the watermark as a section, Word bookmark names as sections, no
printed page found although every page prints "15-N"):

- lines that repeat on many pages at the page's head or foot, or as a large watermark,
  are running headers, footers and watermarks: removed, and a page label they hold
  ("1-9", "SPM-12", "TS-3") is the printed page;
- a page whose lines mostly start with increasing numbers is line-numbered: the numbers
  go, and a word hyphenated across two lines is joined again (pdfium marks the break with
  U+FFFE, and the next line's number followed it);
- outline entries that are a word processor's own bookmarks (_Hlk..., _Toc..., _Ref...)
  are not sections.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace

from frugalkit.library.layout import Line, Page, PdfText

# Our choices, not published figures, checked on the IPCC WGIII chapter and the WGI SPMs
# (tests/library/test_cleaning.py): no text passage lost, every header and number gone.
EDGE_LINES = 3  # lines at a page's head and at its foot where running text sits
REPEATED_SHARE = 0.3  # on at least this share of the pages with text: boilerplate
MIN_REPEATS = 3
WATERMARK_SCALE = 1.8  # a line this many times the body size, repeated: a watermark
NUMBERED_SHARE = 0.6  # lines of a line-numbered page that start with their number
INCREASING_SHARE = 0.8
LABEL = re.compile(r"(?<![\w-])((?:[A-Z]{1,4}|\d{1,3})-\d{1,4})(?![\w-])")
LEADING = re.compile(r"^(\d{1,3})(?:\s+(.*))?$")
HYPHEN_BREAK = re.compile(r"\ufffe(?:\d{1,3}\s)?")
# after a lower-case word or a bracket and their punctuation: 'effect.2 ', 'Chapter 2).3 '
# (never after a capital: 'SPM.1', 'A.1.2' are names)
FOOTNOTE_MARK = re.compile(r"(?<=[a-zà-ÿ)][.,;:])\d{1,2}(?=\s|$)")
FOOTNOTE_LABEL = re.compile(r"^FOOTNOTE\s?\d*\s*")
BOOKMARK = re.compile(r"^_(?:Hlk|Toc|Ref|GoBack)\w*", re.I)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _boilerplate(document: PdfText) -> set[str]:
    """The keys of lines repeated at the edges of many pages, or as large watermarks."""
    with_text = [page for page in document.pages if page.has_text]
    counts: Counter[str] = Counter()
    for page in with_text:
        edges = page.lines[:EDGE_LINES] + page.lines[-EDGE_LINES:]
        large = [ln for ln in page.lines if ln.size_pt >= WATERMARK_SCALE * document.body_size_pt]
        counts.update({_key(line.text) for line in edges + large})
    floor = max(MIN_REPEATS, REPEATED_SHARE * len(with_text))
    return {key for key, n in counts.items() if n >= floor and key.strip("# ")}


def _numbered(lines: list[Line], body_pt: float) -> bool:
    """Most body-size lines start with a number, and the numbers rise (a page's footnotes,
    in a smaller size, carry none)."""
    body = [ln for ln in lines if ln.size_pt >= body_pt - 0.5]
    numbers = [int(m.group(1)) for ln in body if (m := LEADING.match(ln.text))]
    if len(body) < 5 or len(numbers) < NUMBERED_SHARE * len(body):
        return False
    rising = sum(b > a for a, b in itertools.pairwise(numbers))
    return rising >= INCREASING_SHARE * (len(numbers) - 1)


def _unnumbered(lines: list[Line]) -> list[Line]:
    """The lines without their margin numbers. A number that pdfium read after a
    footnote marker sits at the end or inside the line ('effect.2 5', 'Chapter 2).3 14 In
    total'): it is the one that comes next in the page's count."""
    kept, last = [], 0
    for line in lines:
        text = line.text
        match = LEADING.match(text)
        if match and last < int(match.group(1)) <= last + 3:
            last, text = int(match.group(1)), match.group(2) or ""
        else:
            for expected in range(last + 1, last + 4):
                inside = re.compile(rf"(?<=\S)\s{expected}(?=\s|$)")
                if inside.search(text):
                    text, last = inside.sub("", text, count=1), expected
                    break
        if text.strip():
            kept.append(replace(line, text=text))
    return kept


def _page(page: Page, boilerplate: set[str], body_pt: float) -> Page:
    # a watermark that pdfium read into a line of text ('bail-ACCEPTED VERSION outs')
    inline = [key for key in boilerplate if "#" not in key and len(key) >= 8]
    kept: list[Line] = []
    printed = page.printed
    for position, line in enumerate(page.lines):
        if _key(line.text) in boilerplate:
            label = LABEL.search(line.text)
            edge = position < EDGE_LINES or position >= len(page.lines) - EDGE_LINES
            if label and edge and not printed:
                printed = label.group(1)
            continue
        for phrase in inline:
            if phrase in line.text:
                # a word broken around it ('bail-' ... 'outs') is joined again
                pattern = rf"(-?)\s*{re.escape(phrase)}\s*"
                text = re.sub(pattern, lambda m: m.group(1) or " ", line.text)
                line = replace(line, text=text)
        kept.append(line)
    if _numbered(kept, body_pt):
        kept = _unnumbered(kept)
    kept = [replace(ln, text=_markless(ln.text)) for ln in kept]
    return replace(page, lines=[ln for ln in kept if ln.text.strip()], printed=printed)


def _markless(text: str) -> str:
    """A line without the marks that are not its words: the hyphen break (and the line
    number pdfium put after it), a footnote marker glued after a word's punctuation
    ('effect.2 ', 'Chapter 2).3 '), a 'FOOTNOTE 3' label."""
    text = HYPHEN_BREAK.sub("-", text)
    text = FOOTNOTE_MARK.sub("", text)
    return FOOTNOTE_LABEL.sub("", text)


LIGATURE_SPLIT = re.compile(r"(?<!\w)(\w*?(?:ffi|ffl|fi|fl|ff)) ([a-zà-ÿ]\w*)")


def _ligatures(pages: list[Page]) -> list[Page]:
    """Words that a ligature's glyph split ('confi ance', 'infl uence', 'acidifi cation':
    the IPCC's French edition maps its fi and fl glyphs to the letters and a space) joined
    again: where the part after the space never stands alone elsewhere in the document,
    or the joined word appears whole in it. 'défi de' stays: 'de' stands alone."""
    text = " ".join(line.text for page in pages for line in page.lines)
    words = Counter(re.findall(r"\w+", text.casefold()))
    split = Counter(m.group(2).casefold() for m in LIGATURE_SPLIT.finditer(text))

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        alone = words[right.casefold()] - split[right.casefold()]
        whole = words[(left + right).casefold()] > 0
        return left + right if alone <= 0 or whole else match.group(0)

    return [
        replace(
            page, lines=[replace(ln, text=LIGATURE_SPLIT.sub(join, ln.text)) for ln in page.lines]
        )
        for page in pages
    ]


def clean(document: PdfText) -> PdfText:
    """The document without its running headers, footers, watermarks, margin line numbers
    and bookmark names, its words whole; each page with the label it prints."""
    boilerplate = _boilerplate(document)
    pages = [_page(page, boilerplate, document.body_size_pt) for page in document.pages]
    pages = _ligatures(pages)
    outline = [entry for entry in document.outline if not BOOKMARK.match(entry[1])]
    return replace(document, pages=pages, outline=outline)
