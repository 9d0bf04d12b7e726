"""Real PDFs give clean quotes (issue 24, item 3), tried on the IPCC AR6 WGIII chapter 1 in
its "Final Government Distribution" form (shared/corpus, 107 pages): margin line numbers,
running headers with page labels "1-N", a watermark, footnote markers."""

from __future__ import annotations

import re

import pytest

from frugalkit.library.cleaning import clean
from frugalkit.library.layout import Line, Page, PdfText
from frugalkit.library.passages import cut
from frugalkit.library.pdf import _read_pdf, read_pdf
from tests.library.conftest import IPCC

CHAPTER = IPCC.with_name("ipcc-ar6-wg3-ch01-fgd.pdf")
BOILERPLATE = re.compile(
    r"Final Government Distribution|Total pages|ACCEPTED VERSION|SUBJECT TO FINAL EDITS|"
    r"_Hlk|_Toc|\ufffe"
)


@pytest.fixture(scope="module")
def chapter() -> tuple[PdfText, PdfText]:
    if not CHAPTER.is_file():
        pytest.skip(f"the IPCC chapter is not at {CHAPTER} (shared/corpus, never copied here)")
    return _read_pdf(CHAPTER), read_pdf(CHAPTER)


def test_no_quote_and_no_section_holds_a_header_a_watermark_or_a_line_number(
    chapter: tuple[PdfText, PdfText],
) -> None:
    raw, cleaned = chapter
    passages = cut(cleaned)
    assert len(passages) > 200
    dirty = [p.text[:80] for p in passages if BOILERPLATE.search(p.text + " " + p.section)]
    assert not dirty, dirty[:3]
    # Each margin number of the raw pages, with the words that followed it: none survives.
    numbered = {
        m.group(0)
        for page in raw.pages
        for line in page.lines
        if (m := re.match(r"\d{1,2} [A-Za-z]{4,} [a-z]{2,}", line.text))
    }
    assert len(numbered) > 1000  # the chapter is line-numbered throughout
    text = " ".join(p.text for p in passages)
    left = sorted(n for n in numbered if n in text)
    assert len(left) <= 0.01 * len(numbered), left[:10]


def test_each_page_reads_its_printed_label(chapter: tuple[PdfText, PdfText]) -> None:
    _, cleaned = chapter
    labels = [page.printed for page in cleaned.pages if page.has_text]
    assert labels[:5] == ["1-1", "1-2", "1-3", "1-4", "1-5"]  # a cover page without a label aside
    assert sum(bool(re.fullmatch(r"1-\d+", label)) for label in labels) >= 0.95 * len(labels)


def test_a_word_broken_across_two_numbered_lines_is_whole_again(
    chapter: tuple[PdfText, PdfText],
) -> None:
    _, cleaned = chapter
    text = " ".join(line.text for page in cleaned.pages for line in page.lines)
    assert "upper-middle-income" in text and "decision-maker" in text


def _page(number: int, *texts: str, size: float = 10.0) -> Page:
    return Page(number, [Line(t, size, False) for t in texts])


def test_a_repeated_header_goes_and_body_text_stays() -> None:
    pages = [
        _page(n, "Chapter X Report Total pages: 9", f"X-{n}", "A sentence of text here.",
              f"Body of page {n} with its own words.", "SUBJECT TO EDITS")
        for n in range(1, 6)
    ]  # fmt: skip
    pages.append(_page(6, "Heading only once", "Text that appears once."))
    cleaned = clean(PdfText("t", pages, [(1, "_Hlk12345", 1), (1, "1. Intro", 1)], 10.0))
    assert [p.printed for p in cleaned.pages[:5]] == ["X-1", "X-2", "X-3", "X-4", "X-5"]
    assert all("Total pages" not in ln.text for p in cleaned.pages for ln in p.lines)
    assert "Text that appears once." in [ln.text for ln in cleaned.pages[5].lines]
    assert cleaned.outline == [(1, "1. Intro", 1)]  # a Word bookmark is not a section


def test_numbers_that_are_text_are_kept() -> None:
    """A page that is not line-numbered keeps the numbers it starts lines with, and a
    name such as 'Table SPM.1' or 'A.1.2' is not a footnote marker."""
    page = _page(1, "3 of the 5 regions grew.", "Table SPM.1 gives them.", "A.1.2 Sea level",
                 "rose (Figure SPM.2). More text follows here.", "Last line.")  # fmt: skip
    lines = [ln.text for ln in clean(PdfText("t", [page], [], 10.0)).pages[0].lines]
    assert lines[:3] == ["3 of the 5 regions grew.", "Table SPM.1 gives them.", "A.1.2 Sea level"]


def test_the_chapters_references_and_contents_are_its_apparatus(
    chapter: tuple[PdfText, PdfText],
) -> None:
    """A third of the chapter's passages are its reference list: searched by words, never
    embedded (a third of the indexing time) nor quoted."""
    from frugalkit.library.passages import apparatus

    passages = cut(chapter[1])
    kept = [p for p in passages if apparatus(p.section)]
    assert len(kept) >= 100 and {p.section.rsplit(" > ", 1)[-1] for p in kept} == {
        "References",
        "Table of Contents",
    }
    first_reference = min(p.pdf_page for p in kept if p.section.endswith("References"))
    assert all(p.pdf_page >= first_reference for p in passages if p.section.endswith("References"))
    assert not any(apparatus(p.section) for p in passages if "Executive Summary" in p.section)
