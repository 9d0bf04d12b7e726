"""The real server, driven in headless Chromium as a person would use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.baselines import train_baseline
from frugalkit.bench.service import record
from frugalkit.measure import track
from frugalkit.settings import Settings
from frugalkit.store import open_store

pytestmark = pytest.mark.browser

SUBMISSION = '''
LABELS = {labels!r}
def keyword(quotes):
    """keyword rules"""
    return [LABELS[7] if "coal" in q else LABELS[0] for q in quotes]
'''


@pytest.fixture
def populated(home: Path, tmp_path: Path) -> dict[str, Any]:
    """Before the server starts: two runs of different kinds and one report."""
    task = get_task("text")
    path = tmp_path / "sub.py"
    path.write_text(SUBMISSION.format(labels=task.labels))
    majority = train_baseline(home, task, "majority")["path"]
    with open_store(Settings.from_env()) as store:
        runs = [
            record(store, evaluate(task, spec, repeats=1)) for spec in (f"{path}:keyword", majority)
        ]
    with track("browser-report", phase="training", units=100) as run:
        sum(range(100_000))
    return {"runs": runs, "report": run.report}


def test_home_page_in_chromium(live_server: str, browser_page, artefacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(live_server + "/")
    assert page.title() == "Home · frugalkit"
    links = page.locator("nav[aria-label=Main] a").all_inner_texts()
    assert links == [
        "Home",
        "Bench",
        "Challenges",
        "Reports",
        "Observatory",
        "Library",
        "Data centres",
        "Jobs",
    ]  # built modules only
    page.get_by_role("link", name="Jobs").click()
    page.wait_for_url(live_server + "/jobs")
    assert "Queued work" in page.locator("main").inner_text()
    page.goto(live_server + "/")
    shot = artefacts / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000


def test_leaderboard_chart_sort_filter_and_runs(
    populated, live_server: str, browser_page, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/bench/text/leaderboard")
    page.wait_for_selector("#scatter .main-svg")  # Plotly drew its SVG
    transferred = page.evaluate(
        "performance.getEntriesByType('navigation').concat(performance.getEntriesByType("
        "'resource')).reduce((total, e) => total + e.transferSize, 0)"
    )
    print(f"leaderboard page, first load: {transferred / 1e6:.2f} MB transferred")
    assert 0 < transferred < 1_500_000
    assert page.locator("#scatter .modebar").count() == 0  # no tool bar, no cloud sharing
    assert page.locator("#scatter .errorbar").count() == 2  # each entry's energy band
    assert page.locator("#scatter .scatterlayer .point").count() == 2
    page.screenshot(path=str(artefacts / "leaderboard.png"), full_page=True)

    rows = page.locator("#leaderboard tbody tr")
    energy_header = page.get_by_role("button", name="Energy (Wh / 1,000)")
    energy_header.click()
    values = [float(v) for v in rows.evaluate_all("rs => rs.map(r => r.cells[4].dataset.value)")]
    assert values == sorted(values)
    energy_header.press("Enter")  # keyboard too: a second press sorts descending
    values = [float(v) for v in rows.evaluate_all("rs => rs.map(r => r.cells[4].dataset.value)")]
    assert values == sorted(values, reverse=True)

    # Filters go to the server: the rows, the count, the chart and the address follow.
    page.get_by_label("Submission kind").select_option(label="joblib (1)")
    page.wait_for_url("**kind=joblib**")
    page.wait_for_selector("#scatter .main-svg")
    assert rows.count() == 1 and page.locator("#entry-count").inner_text() == "1"
    assert page.locator("#scatter .scatterlayer .point").count() == 1
    page.get_by_label("Submission kind").select_option("")
    page.wait_for_url("**kind=&**")
    assert rows.count() == 2
    assert "Demonstration data" in page.locator("main").inner_text()
    assert "not an accuracy" in page.locator("#ranking-rule").inner_text()  # the rule, on the page
    page.get_by_text("How this board ranks").first.click()
    assert "most frugal" in page.locator("details.explain").inner_text()

    page.locator("#leaderboard tbody tr a").first.click()
    page.wait_for_url("**/bench/runs/*")
    assert "Metrics" in page.locator("main").inner_text()
    page.screenshot(path=str(artefacts / "run.png"), full_page=True)

    page.goto(live_server + "/bench/text/leaderboard")
    page.wait_for_selector("#scatter .scatterlayer .point")
    box = page.locator("#scatter .scatterlayer .point").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/bench/runs/*", timeout=10_000)
    assert errors == []


def test_report_page_draws_and_exports(
    populated, live_server: str, browser_page, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    report_id = populated["report"]["id"]
    page.goto(live_server + "/reports")
    page.get_by_role("link", name="browser-report").click()
    page.wait_for_url(f"**/reports/{report_id}")
    page.wait_for_selector("#breakdown .main-svg")
    main_text = page.locator("main").inner_text()
    assert "of a 10 W LED bulb" in main_text and "e-0" not in main_text  # readable, no exponents
    page.screenshot(path=str(artefacts / "report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="CodeCarbon CSV").click()
    saved = artefacts / "emissions.csv"
    download.value.save_as(saved)
    assert saved.read_text().startswith("timestamp,project_name,run_id")
    ids = f"{populated['runs'][0]['id']},{report_id}"
    page.goto(f"{live_server}/compare?ids={ids}")
    assert page.locator("h1").inner_text() == "Side by side"


def test_the_api_explorers_work_offline(live_server: str, browser_page) -> None:  # type: ignore[no-untyped-def]
    """FastAPI's own /docs and /redoc loaded their scripts from a CDN: blank offline."""
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []  # requests that reached another host (CSP blocks ReDoc's logo)
    page.on(
        "requestfinished",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None,
    )
    page.goto(live_server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 5
    page.goto(live_server + "/redoc")
    page.wait_for_selector(".api-content h1", timeout=20_000)
    assert "frugalkit" in page.locator(".api-content h1").first.inner_text()
    assert errors == []
    assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []


def test_compare_from_the_check_boxes(  # type: ignore[no-untyped-def]
    populated, live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    page.goto(live_server + "/bench/text/leaderboard")
    boxes = page.locator("#leaderboard tbody input[type=checkbox]")
    assert boxes.count() == 2
    button = page.get_by_role("button", name="Compare selected")
    assert button.is_disabled()  # 0 ticked: a compare would be an error page (issue 23)
    boxes.nth(0).check()
    assert button.is_disabled() and "1 ticked" in (button.get_attribute("title") or "")
    boxes.nth(1).check()
    button.click()
    page.wait_for_url("**/compare?ids=*&ids=*")
    page.wait_for_selector("#compare-chart .main-svg")
    table = page.locator("table.compare")
    headers = table.locator("thead th").all_inner_texts()[1:]
    assert len(headers) == 2 and all(h and len(h) != 8 for h in headers)  # names, not hex ids
    rows = table.locator("tbody th").all_inner_texts()
    assert {"Accuracy", "Grid intensity", "Hardware", "Energy method"} <= set(rows)
    assert "\u00d7" in table.inner_text()  # ratios to the first column (a times sign)
    page.screenshot(path=str(artefacts / "compare.png"), full_page=True)
    # a run's per-1,000-samples figure against a whole run's: no ratio (issue 23: x5.48)
    run_id, report_id = populated["runs"][0]["id"], populated["report"]["id"]
    unlike = page.goto(f"{live_server}/compare?ids={run_id}&ids={report_id}")
    assert unlike is not None and unlike.status == 200
    assert "No ratios here" in page.content()
    assert "\u00d7" not in page.locator("table.compare tbody").inner_text()


def test_a_facility_draws_its_kpis_and_links_its_eu_report(
    home: Path, live_server: str, browser_page, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.datacenter.service import DEMO_DIR, register

    with open_store(Settings.from_env()) as store:
        register(store, DEMO_DIR / "nordic-hall.yaml", DEMO_DIR / "nordic-hall.csv")
    page = browser_page
    page.goto(live_server + "/datacenters")
    page.get_by_role("link", name="Nordic Hall (demonstration)").click()
    page.wait_for_selector("#kpi-chart .main-svg")
    assert page.locator("#kpi-chart .scatterlayer .trace").count() == 2  # PUE and WUE
    page.screenshot(path=str(artefacts / "facility.png"), full_page=True)
    page.get_by_role("link", name="The EU yearly report").click()
    page.wait_for_url("**/eu-report")
    main = page.locator("main").inner_text()
    assert "EU yearly report 2025" in main and "Change since 2024" in main
    page.get_by_role("link", name="2024", exact=True).click()
    assert "EU yearly report 2024" in page.locator("h1").inner_text()
