"""The library in the browser: an answer's citations open the stored PDF at the cited
page; a hostile document title is shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frugalkit.library import service
from frugalkit.settings import Settings

HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


@pytest.fixture
def hostile_document(home: Path, tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    document.set_title(HOSTILE)
    document.add_page()
    document.set_font("Helvetica", size=10)
    document.multi_cell(
        0, 5, f"A.1 The hostile report says {HOSTILE} about water (high confidence)."
    )
    path = tmp_path / "hostile.pdf"
    document.output(str(path))
    settings = Settings.from_env()
    index = service.open_index(settings)
    service.add_demo(settings, index)
    service.add_file(settings, index, path, body=HOSTILE[:60], licence=HOSTILE)
    index.close()


def test_the_answer_page_cites_and_links_to_the_cited_page(
    client: TestClient, hostile_document: None
) -> None:
    page = client.get("/library", params={"q": "What was the average PUE of large sites in 2024?"})
    assert page.status_code == 200
    assert 'href="#source-1"' in page.text and "#page=3" in page.text and "Limits." in page.text
    data = client.get(
        "/api/library", params={"q": "What was the average PUE of large sites in 2024?"}
    )
    card = data.json()["answer"]["sources"][0]
    pdf = client.get(card["link"].split("#")[0])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert HOSTILE not in client.get("/library").text  # escaped, never raw
    assert client.get("/api/library", params={"q": "x", "audience": "toddler"}).status_code == 422


@pytest.mark.browser
def test_no_hostile_document_field_runs_script(  # type: ignore[no-untyped-def]
    hostile_document: None, live_server: str, browser_page
) -> None:
    page = browser_page
    for path in ("/library", "/library?q=hostile+report+water", "/library?q=Population+of+Mars"):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, path
        assert page.evaluate("document.querySelectorAll('img[onerror]').length") == 0, path
    page.goto(live_server + "/library?q=hostile+report+water")
    assert "<script>" in page.locator("main").inner_text()  # shown as text
    # this browser's own recent questions, as text; another browser sees none of them
    page.goto(live_server + "/library?q=%3Cimg+src%3Dx+onerror%3D__xss%3D1%3E")
    page.goto(live_server + "/library")
    recent = page.locator("#recent-questions li").all_inner_texts()
    assert recent[:3] == [
        "<img src=x onerror=__xss=1>",
        "hostile report water",
        "Population of Mars",
    ]
    assert page.evaluate("window.__xss") is None
    other = page.context.browser.new_page()  # type: ignore[union-attr]
    other.goto(live_server + "/library")
    assert other.locator("#recent-questions").is_hidden()
    other.close()


def test_a_stored_web_page_is_never_served(client: TestClient, home: Path) -> None:
    settings = Settings.from_env()
    index = service.open_index(settings)
    page = Path(__file__).parents[1] / "library" / "web_edition.html"
    document, _ = service.add_file(settings, index, page)
    index.close()
    assert client.get(f"/library/documents/{document['id']}/file").status_code == 404


def test_reading_an_answer_page_stores_nothing(
    client: TestClient, hostile_document: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every GET /library?q= stored an answer, an impact report and a 'recent question'
    shown to every visitor (issue 21); crawlers and link previews did the same."""
    from frugalkit.store import list_reports, open_store

    for question in ("visit example.invalid", "What was the average PUE of large sites?"):
        assert client.get("/library", params={"q": question}).status_code == 200
        assert client.get("/api/library", params={"q": question}).status_code == 200
    # recent questions are the browser's own (issue 23): none is served to anyone
    assert "recent" not in client.get("/api/library").json()
    assert "example.invalid" not in client.get("/library").text
    with open_store(Settings.from_env()) as store:
        assert not [r for r in list_reports(store) if r["name"] == "library answer"]


def test_a_model_answer_needs_a_signed_in_caller(
    client: TestClient, hostile_document: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRUGALKIT_LLM_URL", "http://127.0.0.1:9/v1")
    answer = client.get("/api/library", params={"q": "water", "generate": "true"})
    assert answer.status_code == 401 and "sign in" in answer.json()["detail"]


def test_a_cited_table_shows_its_cells_and_a_cited_figure_its_page(
    client: TestClient, settings: Settings
) -> None:
    """Issue 24, item 4: a table was run-on pipes, a figure only its caption."""
    pytest.importorskip("pdfplumber")
    from frugalkit.library.answer import card

    index = service.open_index(settings)
    service.add_demo(settings, index)
    rows = index.db.execute(
        "SELECT id FROM passages WHERE table_id = 'Table SPM.1' OR figure_id = 'Figure SPM.1'"
    ).fetchall()
    cards = [card(1, hit) for hit in index.passages([r[0] for r in rows]).values()]
    index.close()
    table = next(c for c in cards if c["table_id"])
    assert ["Average PUE", "1.45", "1.35"] in table["table"]
    figure = next(c for c in cards if c["figure_id"])
    image = client.get(figure["figure_image"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    missing = client.get(figure["figure_image"].replace(f"/{figure['pdf_page']}.png", "/999.png"))
    assert missing.status_code == 404
    asked = client.get("/library", params={"q": "How much electricity did AI servers use in 2024?"})
    assert "<td>Average PUE</td>" in asked.text  # the cited table, as a table
    drawn = client.get(
        "/library", params={"q": "Projected electricity use of data centres in 2030"}
    )
    assert f'<img src="{figure["figure_image"]}"' in drawn.text
