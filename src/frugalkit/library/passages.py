"""Cut a report's pages into passages a citation can point at: a numbered statement
(`A.1.2`), a table or figure with its caption, or a paragraph under a heading; each with
its section path, PDF and printed page, and the calibrated-language qualifiers it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from frugalkit.library.layout import Line, PdfText

MAX_PASSAGE_CHARS = 1200  # about 256 tokens, the anchor's chunk size
HEADING_STEP_PT = 2.0  # a heading's font is at least this much larger than the body's
STATEMENT = re.compile(r"^([A-F](?:\.\d{1,2}){1,3})\s+\S")
CAPTION = re.compile(
    r"^(Table|Tableau|Figure|Box|Encadré)\s+((?:[A-Z]{2,4}\.)?\d+(?:\.\d+)*)\s*[:.]?", re.I
)
REFERENCES = re.compile(r"\{([^{}]{1,300})\}")
# IPCC calibrated language (AR6 guidance note), in English and French, longest first; the
# French edition of the WGI SPM writes "quasi-certain" and the adverbs "très probablement".
QUALIFIERS = [
    "virtually certain",
    "extremely likely",
    "very likely",
    "about as likely as not",
    "exceptionally unlikely",
    "very unlikely",
    "unlikely",
    "likely",
    "very high confidence",
    "high confidence",
    "medium confidence",
    "very low confidence",
    "low confidence",
    "quasiment certain",
    "quasi-certain",
    "extrêmement probablement",
    "extrêmement probable",
    "très probablement",
    "très probable",
    "aussi probable qu'improbable",
    "exceptionnellement improbable",
    "très improbable",
    "improbable",
    "probablement",
    "probable",
    "degré de confiance très élevé",
    "degré de confiance élevé",
    "degré de confiance moyen",
    "degré de confiance très faible",
    "degré de confiance faible",
]
# A report's apparatus: its list of references and its table of contents. Searched by its
# words (a reader may look for a cited paper), never embedded nor quoted as an answer: in
# the WGIII chapter 1 (shared/corpus) its references were 108 of 308 passages, a third of
# the embedding time, and no question is answered by a bibliography.
APPARATUS = re.compile(
    r"^(references|bibliography|table of contents|contents|références|bibliographie|"
    r"table des matières|sommaire)( bibliographiques)?\s*:?$",
    re.I,
)


def apparatus(section: str) -> bool:
    """Whether a passage of this section path is the report's apparatus.

    >>> apparatus("Chapter 1 > References"), apparatus("Table des matières")
    (True, True)
    >>> apparatus("1.2 Previous Assessments"), apparatus("Contents of the ocean")
    (False, False)
    """
    last = section.rsplit(" > ", 1)[-1].strip()
    return bool(APPARATUS.match(last))


QUALIFIER = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, QUALIFIERS)) + r")s?(?!\w)", re.I)


@dataclass
class Passage:
    ordinal: int
    section: str
    pdf_page: int
    printed_page: str
    text: str
    paragraph_id: str = ""
    table_id: str = ""
    figure_id: str = ""
    caption: str = ""
    qualifiers: list[str] = field(default_factory=list)
    references: str = ""
    anchor: str = ""  # an HTML report's element id (its '#...' fragment)


def qualifiers_in(text: str) -> list[str]:
    """The calibrated qualifiers of `text`, verbatim, once each, in order."""
    found: list[str] = []
    for match in QUALIFIER.finditer(text):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower():
            text = text[:-1] + line  # a word cut at the end of a line
        else:
            text = f"{text} {line}" if text else line
    return text


def cut(document: PdfText) -> list[Passage]:
    """The passages of a document, in reading order."""
    passages: list[Passage] = []
    outline = sorted(document.outline, key=lambda entry: entry[2])
    heading = ""
    current: dict[str, str] = {}
    lines: list[str] = []
    where = (1, "")

    def close() -> None:
        text = _join(lines).strip()
        if text:
            chapter = next((t for _, t, p in reversed(outline) if p <= where[0]), "")
            parts = [chapter] + ([heading] if heading and heading != chapter else [])
            section = " > ".join(x for x in parts if x)
            refs = REFERENCES.findall(text)
            passages.append(
                Passage(
                    ordinal=len(passages),
                    section=section,
                    pdf_page=where[0],
                    printed_page=where[1],
                    text=text,
                    qualifiers=qualifiers_in(text),
                    references="; ".join(refs),
                    **current,
                )
            )
        lines.clear()

    for page in document.pages:
        for line in page.lines:
            kind = _kind(line, document.body_size_pt)
            if kind == "heading":
                close()
                heading, current = line.text, {}
                continue
            if kind in ("statement", "caption") or sum(map(len, lines)) > MAX_PASSAGE_CHARS:
                close()
                if kind == "statement":
                    current = {"paragraph_id": STATEMENT.match(line.text).group(1)}  # type: ignore[union-attr]
                elif kind == "caption":
                    current = _caption(line.text)
            if not lines:
                where = (page.number, page.printed)
            lines.append(line.text)
        if current.get("table_id") or current.get("figure_id"):
            close()  # a table or figure ends with its page
            current = {}
    close()
    return passages


def _kind(line: Line, body_pt: float) -> str:
    if line.size_pt >= body_pt + HEADING_STEP_PT and len(line.text) < 150:
        return "heading"
    if STATEMENT.match(line.text):
        return "statement"
    if CAPTION.match(line.text):
        return "caption"
    return "text"


def _caption(text: str) -> dict[str, str]:
    match = CAPTION.match(text)
    assert match is not None
    kind = match.group(1).lower()
    key = "figure_id" if kind == "figure" else "table_id"
    name = {"tableau": "Table", "encadré": "Box"}.get(kind, match.group(1).capitalize())
    return {key: f"{name} {match.group(2)}", "caption": text}
