"""Real, schema-valid ImpactReports for tests (built by the impact model, not by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from frugalkit.impact import build_report, resolve_zone
from frugalkit.impact.report import ImpactReport

HOST = {
    "hostname": "test-host",
    "os": "Linux",
    "python": "3.11",
    "cpu_model": "AMD EPYC",
    "logical_cpus": 8,
    "ram_total_gb": 16.0,
    "gpus": [],
}


def report_dict(
    report_id: str = "report-0001",
    *,
    name: str = "train",
    minutes: int = 0,
    energy_kwh: float = 0.001,
    status: str = "completed",
    **overrides: Any,
) -> dict[str, Any]:
    """A report as JSON-ready dict; `energy_kwh` of CPU energy, PUE 1, France."""
    started = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    component = {
        "component": "cpu",
        "energy_kwh": energy_kwh,
        "low_kwh": energy_kwh / 2,
        "high_kwh": energy_kwh * 2,
        "kind": "estimate",
        "meter": "estimate",
        "sampling": "test",
        "share": None,
        "note": "",
    }
    report = build_report(
        report_id=report_id,
        name=name,
        phase="training",
        functional_unit="sample",
        units=10,
        started_at=started,
        ended_at=started + timedelta(seconds=5),
        duration_s=5.0,
        status=status,
        exit_code=None,
        error=None,
        scope="process",
        command=["python", "train.py"],
        host=dict(HOST),
        components=[component],
        windows=[],
        zone=resolve_zone("FR"),
        pue=1.0,
        wue_l_per_kwh=0.0,
    )
    report.update(overrides)
    return ImpactReport.model_validate(report).model_dump(mode="json")


def make_report(report_id: str = "report-0001", **options: Any) -> ImpactReport:
    return ImpactReport.model_validate(report_dict(report_id, **options))
