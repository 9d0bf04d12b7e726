"""`/metrics` (issue 25, item 4): the stored reports' counts, energy and emissions per phase
and status, in Prometheus's text format as prometheus-client's own parser reads it; equal
to the store's totals; private when the site is; no free text (report names) in labels."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frugalkit.settings import Settings
from frugalkit.store import open_store
from frugalkit.store.reports import report_totals, save_reports
from frugalkit.web import create_app
from tests.factories import make_report


def _scraped(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def test_metrics_add_up_to_the_store_s_totals(settings: Settings) -> None:
    reports = [
        make_report("report-0001", name='x"}\nfrugalkit_fake 1', energy_kwh=0.002),
        make_report("report-0002", name="inference", energy_kwh=0.003),
        make_report("report-0003", name="train", phase="inference", energy_kwh=0.5),
    ]
    with open_store(settings) as store:
        save_reports(store, reports)
        totals = report_totals(store)
    with TestClient(create_app(settings)) as client:
        scraped = _scraped(client)
    count = sum(v for (name, _), v in scraped.items() if name == "frugalkit_reports")
    energy = sum(v for (name, _), v in scraped.items() if name == "frugalkit_energy_kwh")
    ghg = sum(v for (name, _), v in scraped.items() if name == "frugalkit_ghg_grams")
    assert count == totals["reports"] == 3
    assert energy == pytest.approx(totals["energy_kwh"])
    assert ghg == pytest.approx(totals["ghg_g"])
    phases = {dict(labels)["phase"] for (name, labels) in scraped if name == "frugalkit_reports"}
    assert phases == {r.phase for r in reports}
    assert not any(name == "frugalkit_fake" for name, _ in scraped)  # a name is never a label


def test_a_private_site_keeps_its_metrics_private(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRUGALKIT_WEB_PRIVATE", "1")
    with TestClient(create_app(Settings.from_env())) as client:
        assert client.get("/metrics").status_code == 401
