"""The ENTSO-E grid provider (impact/grid_entsoe.py) against a local fake of its API (no test
reaches the internet): generation per type to an intensity, with the factors' sources."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from frugalkit.impact.data import field
from frugalkit.impact.grid_entsoe import intensities
from frugalkit.impact.grid_live import live_zone
from frugalkit.impact.zones import resolve_zone
from frugalkit.settings import Settings

NS = "urn:iec62325.351:tc57wg16:451-6:generationloaddocument:3:0"


def series(psr: str, start: datetime, mw: list[float], resolution: str = "PT60M",
           zone: str = "inBiddingZone_Domain.mRID") -> str:  # fmt: skip
    step = {"PT60M": 60, "PT15M": 15}[resolution]
    end = start + timedelta(minutes=step * len(mw))
    points = "".join(f"<Point><position>{i + 1}</position><quantity>{q}</quantity></Point>"
                     for i, q in enumerate(mw))  # fmt: skip
    return (f"<TimeSeries><{zone}>10YFR-RTE------C</{zone}><MktPSRType><psrType>{psr}"
            f"</psrType></MktPSRType><Period><timeInterval><start>{start:%Y-%m-%dT%H:%MZ}</start>"
            f"<end>{end:%Y-%m-%dT%H:%MZ}</end></timeInterval><resolution>{resolution}"
            f"</resolution>{points}</Period></TimeSeries>")  # fmt: skip


def document(*parts: str) -> bytes:
    return f'<GL_MarketDocument xmlns="{NS}">{"".join(parts)}</GL_MarketDocument>'.encode()


T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_an_hour_is_the_generation_weighted_mean_of_its_fuels_factors() -> None:
    found = intensities(document(
        series("B14", T0, [600, 600]),  # nuclear, 29 g/kWh
        series("B04", T0, [400, 100]),  # gas, 743 g/kWh
        series("B10", T0, [50, 50], zone="outBiddingZone_Domain.mRID"),  # pumping: not generation
    ))  # fmt: skip
    assert [(a, b) for a, b, _, _ in found] == [
        (T0, T0 + timedelta(hours=1)),
        (T0 + timedelta(hours=1), T0 + timedelta(hours=2)),
    ]
    assert found[0][2] == pytest.approx((600 * 29 + 400 * 743) / 1000)
    assert found[1][2] == pytest.approx((600 * 29 + 100 * 743) / 700)


def test_quarter_hours_and_missing_positions_repeat_the_last_quantity() -> None:
    with_gap = document(series("B19", T0, [100, 100, 100, 100], "PT15M").replace(
        "<Point><position>2</position><quantity>100</quantity></Point>", ""))  # fmt: skip
    found = intensities(with_gap)
    assert len(found) == 4 and all(g == pytest.approx(26) for _, _, g, _ in found)


def test_generation_without_a_factor_is_left_out_and_too_much_of_it_refused() -> None:
    from frugalkit.impact.grid_entsoe import EntsoeError

    (step,) = intensities(document(series("B14", T0, [900]), series("B20", T0, [100])))
    assert step[2] == pytest.approx(29) and step[3] == pytest.approx(0.1)
    with pytest.raises(EntsoeError, match="50% of the generation has no factor"):
        intensities(document(series("B14", T0, [500]), series("B15", T0, [500])))


@pytest.mark.skipif(importlib.util.find_spec("codecarbon") is None,
                    reason="compares with codecarbon's table (make bench installs it)")  # fmt: skip
def test_the_factors_are_codecarbons_table_as_its_sources_give_them() -> None:
    import codecarbon

    shipped = (
        Path(codecarbon.__file__).parent / "data/private_infra/carbon_intensity_per_source.json"
    )
    theirs = json.loads(shipped.read_text())
    for fuel, factor in field("fuel_intensity", "factors").items():
        assert factor["value"] == theirs[fuel], fuel


@pytest.fixture
def entsoe(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, list[str]]]]:
    asked: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            asked.append(query)
            if query["securityToken"] != ["good"]:
                body = (b'<Acknowledgement_MarketDocument xmlns="urn:x"><Reason><code>999</code>'
                        b"<text>Unauthorized. Missing or invalid security token</text></Reason>"
                        b"</Acknowledgement_MarketDocument>")  # fmt: skip
                self.send_response(401)
            else:
                start = datetime.strptime(query["periodStart"][0], "%Y%m%d%H%M").replace(tzinfo=UTC)
                body = document(series("B14", start, [700] * 3), series("B05", start, [300] * 3))
                self.send_response(200)
            self.send_header("content-type", "text/xml")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setenv("FRUGALKIT_GRID_PROVIDER", "entsoe")
    monkeypatch.setenv("FRUGALKIT_GRID_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield asked
    server.shutdown()


def test_a_run_in_france_gets_the_hours_intensity_from_entsoe(
    entsoe: list[dict[str, list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRUGALKIT_GRID_TOKEN", "good")
    start = datetime.now(UTC) - timedelta(hours=2)
    zone, how = live_zone(
        Settings.from_env(), resolve_zone("FR"), start, start + timedelta(minutes=5)
    )
    assert how == "hourly" and zone.intensity_g_per_kwh == pytest.approx(0.7 * 29 + 0.3 * 995)
    assert "ENTSO-E" in zone.intensity_source and "codecarbon 3.3.2" in zone.intensity_source
    (query,) = entsoe
    assert query["in_Domain"] == ["10YFR-RTE------C"] and query["documentType"] == ["A75"]


@pytest.mark.parametrize(("token", "reason"), [
    ("", "ENTSO-E needs a security token: set FRUGALKIT_GRID_TOKEN"),
    ("bad", "ENTSO-E: Unauthorized. Missing or invalid security token"),
])  # fmt: skip
def test_without_a_figure_the_yearly_value_stays_with_entsoes_reason(
    entsoe: list[dict[str, list[str]]], monkeypatch: pytest.MonkeyPatch, token: str, reason: str
) -> None:
    monkeypatch.setenv("FRUGALKIT_GRID_TOKEN", token)
    yearly = resolve_zone("FR")
    start = datetime.now(UTC) - timedelta(hours=2)
    zone, how = live_zone(Settings.from_env(), yearly, start, start + timedelta(minutes=5))
    assert zone is yearly and how == f"yearly value kept: {reason}"


def test_a_zone_outside_entsoe_keeps_its_yearly_value(
    entsoe: list[dict[str, list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRUGALKIT_GRID_TOKEN", "good")
    start = datetime.now(UTC) - timedelta(hours=2)
    _, how = live_zone(Settings.from_env(), resolve_zone("US"), start, start)
    assert "ENTSO-E has no area for US" in how and not entsoe
