"""The hour's grid intensity from a live provider (issue 25, item 3), against a local fake of
the GB carbon intensity API and of Electricity Maps (no test reaches the internet): the run
gets its periods' time-weighted intensity, the report names the source and resolution, a
finished run is looked up once (cached), every failure keeps the yearly value with the
reason, and a start waits for a greener period."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from frugalkit.impact.grid_live import seconds, wait_for_greener
from frugalkit.impact.zones import resolve_zone
from frugalkit.measure.tracker import Run
from frugalkit.settings import Settings


class _Fake:
    """A provider answering GB-API or Electricity-Maps JSON; `intensity(t)` gives the value
    of the half hour (GB) or the hour (EM) holding t; `status` forces an error code."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.status = 200
        self.intensity = lambda moment: 200.0

    def answer(self, path: str) -> tuple[int, Any]:
        self.requests.append(path)
        if self.status != 200:
            return self.status, {"error": "down"}
        if path.startswith("/intensity/"):
            first, _, rest = path.removeprefix("/intensity/").partition("/")
            start = datetime.fromisoformat(first.replace("Z", "+00:00"))
            end = start + timedelta(hours=24) if rest == "fw24h" else (
                datetime.fromisoformat(rest.replace("Z", "+00:00")))  # fmt: skip
            moment = start.replace(minute=30 if start.minute >= 30 else 0, second=0)
            rows = []
            while moment < end:
                value = self.intensity(moment)
                rows.append({"from": f"{moment:%Y-%m-%dT%H:%MZ}",
                             "to": f"{moment + timedelta(minutes=30):%Y-%m-%dT%H:%MZ}",
                             "intensity": {"forecast": value + 5, "actual": value,
                                           "index": "moderate"}})  # fmt: skip
                moment += timedelta(minutes=30)
            return 200, {"data": rows}
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        hours = [hour - timedelta(hours=h) for h in range(24)]
        return 200, {
            "zone": "FR",
            "history": [
                {"carbonIntensity": self.intensity(h), "datetime": h.isoformat()} for h in hours
            ],
        }


@pytest.fixture
def provider() -> Iterator[tuple[_Fake, str]]:
    fake = _Fake()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = fake.answer(self.path)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _use(monkeypatch: pytest.MonkeyPatch, name: str, url: str, token: str = "") -> None:
    monkeypatch.setenv("FRUGALKIT_GRID_PROVIDER", name)
    monkeypatch.setenv("FRUGALKIT_GRID_URL", url)
    monkeypatch.setenv("FRUGALKIT_GRID_TOKEN", token)


def test_a_run_in_great_britain_gets_its_half_hours_intensity(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = provider
    _use(monkeypatch, "gb", url)
    fake.intensity = lambda moment: 123.0
    with Run("train", country="GB", persist=False) as run:
        pass
    assert run.report is not None
    ghg = run.report["ghg"]
    assert ghg["note"] == ""
    assert ghg["intensity_g_per_kwh"] == pytest.approx(123.0)  # the actual, not the forecast
    assert ghg["resolution"] == "half-hourly" and "National Grid ESO" in ghg["source"]
    assert ghg["year"] == datetime.now(UTC).year and ghg["note"] == ""
    asked = len(fake.requests)
    start, end = (datetime.fromisoformat(run.report[k]) for k in ("started_at", "ended_at"))
    from frugalkit.impact.grid_live import live_zone

    live_zone(Settings.from_env(), resolve_zone("GB"), start, end)  # the same run again
    assert len(fake.requests) == asked  # from the cache


def test_a_run_within_one_minute_of_a_half_hour_still_finds_its_period(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from frugalkit.impact.grid_live import live_zone

    _, url = provider
    _use(monkeypatch, "gb", url)
    start = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    zone, how = live_zone(Settings.from_env(), resolve_zone("GB"), start, start)
    assert how == "half-hourly" and zone.intensity_g_per_kwh == pytest.approx(200.0)


def test_hours_of_different_intensity_are_weighted_by_the_time_spent_in_each() -> None:
    from frugalkit.impact.grid_live import Period, weighted

    t0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    periods = [Period(t0, t0 + timedelta(minutes=30), 100.0),
               Period(t0 + timedelta(minutes=30), t0 + timedelta(hours=1), 300.0)]  # fmt: skip
    mean, covered = weighted(periods, t0 + timedelta(minutes=20), t0 + timedelta(minutes=50))
    assert mean == pytest.approx((10 * 100 + 20 * 300) / 30) and covered == 1.0


@pytest.mark.parametrize(
    ("name", "country", "token", "status", "reason"),
    [
        ("gb", "GB", "", 503, "gb answered 503"),
        ("gb", "FR", "", 200, "covers Great Britain only"),
        ("electricitymaps", "FR", "", 200, "needs a token"),
        ("electricitymaps", "FR", "t0k3n", 401, "electricitymaps answered 401"),
    ],
)
def test_any_failure_keeps_the_yearly_value_and_says_why(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch,
    name: str, country: str, token: str, status: int, reason: str,
) -> None:  # fmt: skip
    fake, url = provider
    _use(monkeypatch, name, url, token)
    fake.status = status
    with Run("train", country=country, persist=False) as run:
        pass
    assert run.report is not None
    ghg = run.report["ghg"]
    assert ghg["intensity_g_per_kwh"] == resolve_zone(country).intensity_g_per_kwh
    assert ghg["resolution"] == "yearly" and reason in ghg["note"]


@pytest.mark.parametrize("value", [float("nan"), -5.0, 1e9])
def test_a_provider_s_absurd_value_keeps_the_yearly_one_and_the_report_valid(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch, value: float
) -> None:
    from frugalkit.impact.report import ImpactReport

    fake, url = provider
    _use(monkeypatch, "gb", url)
    fake.intensity = lambda moment: value
    with Run("train", country="GB", persist=False) as run:
        pass
    assert run.report is not None and "unusable period" in run.report["ghg"]["note"]
    ImpactReport.model_validate(run.report)  # stored as measured, not lost


def test_a_bad_provider_setting_keeps_the_yearly_value_and_the_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRUGALKIT_GRID_PROVIDER", "carbon-oracle")
    with Run("train", country="GB", persist=False) as run:
        pass
    assert run.report is not None and "FRUGALKIT_GRID_PROVIDER" in run.report["ghg"]["note"]


def test_unreachable_provider_keeps_the_yearly_value(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, "gb", "http://127.0.0.1:9")  # nothing listens there
    with Run("train", country="GB", persist=False) as run:
        pass
    assert run.report is not None and "unreachable" in run.report["ghg"]["note"]


def test_electricity_maps_gives_the_hour_s_value(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = provider
    _use(monkeypatch, "electricitymaps", url, "t0k3n")
    fake.intensity = lambda moment: 42.0
    with Run("train", country="FR", persist=False) as run:
        pass
    assert run.report is not None
    assert run.report["ghg"]["intensity_g_per_kwh"] == pytest.approx(42.0)
    assert run.report["ghg"]["resolution"] == "hourly"
    assert "zone=FR" in fake.requests[-1]


def test_a_start_waits_for_the_first_greener_half_hour(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = provider
    _use(monkeypatch, "gb", url)
    t0 = datetime.now(UTC)
    fake.intensity = lambda moment: 300.0 if moment < t0 + timedelta(hours=2) else 90.0
    clock = [t0]

    def sleep(seconds_: float) -> None:
        clock[0] += timedelta(seconds=seconds_)

    settings, zone = Settings.from_env(), resolve_zone("GB")
    started = wait_for_greener(settings, zone, 150.0, 6 * 3600, sleep=sleep, clock=lambda: clock[0])
    assert started["started"] == "below" and started["intensity_g_per_kwh"] == 90.0
    assert 1.5 * 3600 <= started["waited_s"] <= 2.5 * 3600
    never = wait_for_greener(settings, zone, 10.0, 3600, sleep=sleep, clock=lambda: clock[0])
    assert never["started"] == "max wait" and never["waited_s"] >= 3600
    assert seconds("30m") == 1800


def test_the_cli_refuses_to_wait_without_a_live_provider(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("measure", "--start-below", "100", "--", "true")
    assert result.exit_code != 0
    assert "needs a live grid provider" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_page_says_the_resolution_or_why_the_yearly_value_was_kept(
    provider: tuple[_Fake, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from frugalkit.impact.report import ImpactReport
    from frugalkit.store import open_store
    from frugalkit.store.reports import save_reports
    from frugalkit.web import create_app

    _, url = provider
    _use(monkeypatch, "gb", url)
    with Run("live", country="GB", persist=False) as live:
        pass
    with Run("kept", country="FR", persist=False) as kept:
        pass
    settings = Settings.from_env()
    with open_store(settings) as store:
        save_reports(store, [ImpactReport.model_validate(r.report) for r in (live, kept)])
    with TestClient(create_app(settings)) as client:
        shown = client.get(f"/reports/{live.id}", headers={"Accept-Language": "fr"}).text
        assert "Intensité du réseau : valeurs" in shown and "half-hourly" in shown
        shown = client.get(f"/reports/{kept.id}").text
        assert "Grid intensity:" in shown and "covers Great Britain only" in shown
