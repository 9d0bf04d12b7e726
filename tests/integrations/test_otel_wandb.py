"""The OpenTelemetry and Weights & Biases integrations against the real libraries: an
in-memory OTel reader, and W&B in offline mode (nothing leaves the machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frugalkit.measure import track


def finished_report() -> dict[str, object]:
    with track("fit", phase="training", country="FR") as run:
        sum(i * i for i in range(100_000))
    assert run.report is not None
    return run.report


def test_a_report_adds_to_the_open_telemetry_counters_with_its_units() -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    from frugalkit.integrations.otel import record_report

    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("frugalkit")
    report = finished_report()
    record_report(report, meter)
    record_report(report, meter)
    found = {}
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                (point,) = metric.data.data_points
                found[metric.name] = (metric.unit, point.value, dict(point.attributes))
    energy_kwh = report["energy"]["facility_kwh"]  # type: ignore[index]
    assert found["frugalkit.energy"][:2] == ("kW.h", pytest.approx(2 * energy_kwh))
    assert found["frugalkit.runs"][1] == 2
    assert found["frugalkit.ghg"][2] == {"phase": "training", "status": "completed",
                                         "zone": "FRA", "method": "estimate"}  # fmt: skip


def test_a_run_logged_to_weights_and_biases_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wandb = pytest.importorskip(
        "wandb", reason="the W&B integration needs wandb (make test installs it)"
    )
    from frugalkit.integrations.wandb_log import tracked

    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    for folder in ("WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_ARTIFACT_DIR"):
        monkeypatch.setenv(folder, str(tmp_path / folder.lower()))
    wb = wandb.init(project="frugalkit-test")
    with tracked("fit", phase="training", country="FR") as run:
        for epoch in range(1, 4):
            sum(i * i for i in range(50_000))
            run.progress(epoch, 3)
    summary = dict(wb.summary)
    wb.finish()
    assert run.report is not None
    assert summary["frugalkit/energy_kwh"] == pytest.approx(run.report["energy"]["facility_kwh"])
    assert summary["frugalkit/report_id"] == run.report["id"]
    assert "frugalkit/predicted_energy_kwh" in summary
    (offline,) = tmp_path.glob("wandb/offline-run-*")
    assert list(offline.glob("*.wandb"))  # the run's records, ready for `wandb sync`
    # the report artifact, staged for the sync
    staged = [
        json.loads(p.read_text()) for p in tmp_path.glob("wandb_data_dir/artifacts/staging/*")
    ]
    assert [s["id"] for s in staged] == [run.report["id"]]
