"""The observatory in the browser and through its API: pages and JSON from one handler,
CSV a spreadsheet cannot be tricked by, a map that needs no CDN, a scenario that follows
its levers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frugalkit.observatory.releases import ensure_packaged, import_file
from frugalkit.settings import Settings
from frugalkit.store import open_store


def test_each_page_has_a_json_twin_with_the_same_figures(client: TestClient) -> None:
    page = client.get("/observatory?metric=dc_electricity_twh&region=USA")
    data = client.get("/api/observatory?metric=dc_electricity_twh&region=USA").json()
    assert page.status_code == 200 and data["region"] == "USA"
    lbnl = [p for s in data["series"] for p in s["points"] if p["source_id"] == "lbnl-2024"]
    assert {p["year"] for p in lbnl} == {2014, 2018, 2023, 2028}
    for p in lbnl:
        assert p["source_title"] in page.text
    assert "176 TWh" in page.text  # LBNL 2023, as published
    assert {p["region"] for p in data["bars"]} == {
        "USA",
        "CHN",
        "iea-europe",
        "iea-asia-pacific-ex-china",
        "iea-rest-of-world",
    }
    assert len(data["map"]["countries"]) == 213


def test_the_series_page_keeps_both_editions_and_flags_secondary_sources(
    client: TestClient,
) -> None:
    series = client.get("/api/observatory/series?metric=dc_electricity_twh&region=world").json()
    names = {s["series"] for s in series["series"]}
    assert {
        "iea-2025:dc_electricity_twh:world:base",
        "iea-2026:dc_electricity_twh:world:base",
    } <= names
    page = client.get("/observatory/series/iea-2025-secondary:dc_electricity_twh:world:lift-off")
    assert "secondary source" in page.text and "1,264" in page.text


def test_scenario_levers_in_the_address_change_the_result(client: TestClient) -> None:
    base = client.get("/api/observatory/scenario").json()
    lean = client.get("/api/observatory/scenario?pue_2035=1.1&efficiency_gain_pct=3").json()
    assert lean["world"][-1]["electricity_twh"] < base["world"][-1]["electricity_twh"]
    bad = client.get("/api/observatory/scenario?pue_2035=zero")
    assert bad.status_code == 422 and "pue_2035 must be a number" in bad.json()["detail"]
    assert client.get("/observatory/scenario?load_factor_2035=7").status_code == 422
    csv_text = client.get("/observatory/scenario.csv?pue_2035=1.1").text
    assert (
        csv_text.splitlines()[0]
        == "region,year,it_capacity_gw,electricity_twh,emissions_mt,share_pct"
    )


def test_csv_cells_never_start_a_spreadsheet_formula(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "metric,region,year,value,unit,kind,source,published,licence,note\n"
        'dc_pue,FRA,2024,1.3,ratio,measurement,Survey,2026,CC0,"=HYPERLINK(""http://x"")"\n'
    )
    with open_store(Settings.from_env()) as store:
        ensure_packaged(store)
        import_file(store, path)
    body = client.get("/observatory/points.csv?metric=dc_pue&region=FRA").text
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_unknown_names_are_clear_errors(client: TestClient) -> None:
    assert client.get("/api/observatory?region=Atlantis").status_code == 422
    assert "unknown metric" in client.get("/api/observatory?metric=x").json()["detail"]
    assert client.get("/observatory/catalogue/gossip").status_code == 404
    assert client.get("/api/observatory/series/nope:nope").status_code == 404
    assert client.get("/api/observatory/releases/99").status_code == 404


def _until(page, script: str, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `script` until true (the page's policy forbids wait_for_function's eval)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


@pytest.mark.browser
def test_the_map_draws_offline_and_the_scenario_follows_a_lever(  # type: ignore[no-untyped-def]
    live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None
    )
    page.goto(live_server + "/observatory")
    page.wait_for_selector("#obs-map .main-svg")
    _until(page, "document.querySelectorAll('#obs-map path.choroplethlocation').length > 200")
    page.screenshot(path=str(artefacts / "observatory.png"), full_page=True)
    page.goto(live_server + "/observatory/scenario")
    page.wait_for_selector("#scenario-chart .main-svg")
    before = page.inner_text("#twh-2035")
    page.fill("input[name=pue_2035]", "1.1")
    _until(page, f"document.getElementById('twh-2035').textContent !== {before!r}")
    assert "pue_2035=1.1" in page.url  # the address can be shared
    page.fill("input[name=pue_2035]", "9")
    page.wait_for_selector("#scenario-form [role=alert]:not([hidden])")
    assert "pue_2035 must be between 1 and 3" in page.inner_text("#scenario-form [role=alert]")
    assert not outside, outside
