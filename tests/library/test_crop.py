"""A cited figure cut from its page as the page draws it (issue 24 item 4), on the real WGI
SPM (../shared/corpus, skipped when absent) and on the demonstration report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from frugalkit.library import service
from frugalkit.library.crop import clusters, figure_box
from frugalkit.library.render import page_png

SPM = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ipcc-ar6-wg1-spm-en.pdf"


def _page(path: Path, number: int):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(path)[number - 1]


def _texts_in(page, box: list[float]) -> str:  # type: ignore[no-untyped-def]
    left, bottom, right, top = box
    return page.get_textpage().get_text_bounded(left, bottom, right, top)


@pytest.fixture
def spm() -> Path:
    if not SPM.is_file():
        pytest.skip(f"the WGI SPM is not at {SPM} (shared/corpus, never copied here)")
    return SPM


def test_figure_spm2_keeps_its_three_panels_and_leaves_the_caption(spm: Path) -> None:
    """PDF page 7 (printed 7): Figure SPM.2's panels (a) to (c), then its caption."""
    page = _page(spm, 7)
    box = figure_box(page)
    assert box is not None
    inside = _texts_in(page, box)
    for label in ("(a) Observed warming", "(b) Aggregated contributions", "(c) Contributions"):
        assert label in " ".join(inside.split())
    assert "Aviation contrails" in inside and "Carbon dioxide" in inside
    assert "Figure SPM.2" not in inside  # the caption is shown beside, as text
    assert box[1] > 0.3 * page.get_height()  # the body text below is left out


def test_figure_spm1_leaves_out_the_side_tab_and_the_page_number(spm: Path) -> None:
    page = _page(spm, 6)
    box = figure_box(page)
    assert box is not None
    inside = " ".join(_texts_in(page, box).split())
    assert "Changes in global surface temperature relative to 1850" in inside
    assert "observed" in inside and "simulated" in inside
    width, height = page.get_width(), page.get_height()
    assert (box[2] - box[0]) * (box[3] - box[1]) < 0.4 * width * height
    assert "Summary for Policymakers" not in inside  # the page's running header


def test_stacked_panels_are_one_figure(spm: Path) -> None:
    """PDF page 10: Figure SPM.3's three maps one above the other, titles between them."""
    page = _page(spm, 10)
    box = figure_box(page)
    assert box is not None
    inside = " ".join(_texts_in(page, box).split())
    assert "hot extremes" in inside and "heavy precipitation" in inside
    assert "agricultural and ecological drought" in inside


def test_a_page_of_text_is_drawn_whole(spm: Path) -> None:
    assert figure_box(_page(spm, 4)) is None  # statements A.1.1 to A.1.3: text only


def test_the_drawn_crop_is_the_figure_and_not_the_page(spm: Path) -> None:
    from PIL import Image

    whole = Image.open(io.BytesIO(page_png(spm, 7)))
    figure = Image.open(io.BytesIO(page_png(spm, 7, figure=True)))
    assert figure.width <= whole.width and figure.height < 0.6 * whole.height


def test_the_demonstration_figure_is_cut_from_its_page() -> None:
    path = service.DEMO_DIR / "demo-report-en.pdf"
    page = _page(path, 2)  # Figure SPM.1's bars below statement A.2.1
    box = figure_box(page)
    assert box is not None
    inside = _texts_in(page, box)
    assert "Low: 55" in inside and "Very high: 90" in inside
    assert "A.2.1" not in inside and "demonstration report" not in inside


def test_near_boxes_merge_and_far_ones_do_not() -> None:
    boxes = [[0, 0, 10, 10], [20, 0, 30, 10], [100, 100, 110, 110], [5, 15, 8, 25]]
    assert clusters(boxes, gap=12) == [[0, 0, 30, 25], [100, 100, 110, 110]]
