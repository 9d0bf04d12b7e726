"""Document titles for readers (issue 23: an IPCC summary was listed as "spm fr", from its
file name), on the three real IPCC PDFs of shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from frugalkit.library.pdf import read_pdf
from frugalkit.library.titles import title_of

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("ipcc-ar6-wg1-spm-en.pdf", "Summary for Policymakers"),  # its metadata
        ("ipcc-ar6-wg3-ch01-fgd.pdf", "Chapter 1: Introduction and Framing"),  # page 2's heading
        ("ipcc-ar6-wg1-spm-fr.pdf", "IPCC AR6 WGI SPM Stand Alone WMO FR"),  # no text on its cover
    ],
)
def test_a_title_comes_from_metadata_then_the_first_pages_never_the_bare_file_name(
    name: str, title: str
) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in shared/corpus (never copied here)")
    text = read_pdf(path)
    found = title_of(text.title, text, path)
    assert found == title
    assert "ACCEPTED VERSION" not in found  # a watermark on every page is not a title


def test_a_typesetting_file_name_is_made_readable() -> None:
    assert title_of("Report_FINAL_03.indd", None, Path("x.pdf")) == "Report FINAL"
    assert title_of("", None, Path("annual-report_2025.pdf")) == "annual report 2025"
