"""BoAmps JSON (issue 25, item 4): every field the BoAmps schemas require, with BoAmps' units
(github.com/Boavizta/BoAmps, model/report_schema.json and the schemas it references, checked
field by field here: they are not copied into the project), from the CLI and the API."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from frugalkit.impact.boamps import boamps_report
from frugalkit.settings import Settings
from frugalkit.store import open_store
from frugalkit.store.reports import save_reports
from frugalkit.web import create_app
from tests.factories import make_report, report_dict

# The "required" lists of the BoAmps schemas (report_schema.json and the schemas it names).
REQUIRED = {
    "": ["task", "measures", "infrastructure"],
    "header": ["reportDatetime"],
    "task": ["taskStage", "taskFamily", "algorithms", "dataset"],
    "system": ["os"],
    "software": ["language"],
    "infrastructure": ["infraType", "components"],
    "environment": ["country"],
}
ENUMS = {"reportStatus": {"draft", "final", "corrective", "other"},
         "infraType": {"publicCloud", "privateCloud", "onPremise", "other"},
         "quality": {"high", "medium", "low"}}  # fmt: skip


def test_a_report_holds_every_field_boamps_requires_in_its_units() -> None:
    report = report_dict("report-0001", energy_kwh=0.002, phase="inference", units=500)
    out = boamps_report(report)
    for part, fields in REQUIRED.items():
        where = out[part] if part else out
        assert all(f in where for f in fields), (part, fields)
    measure = out["measures"][0]
    assert measure["powerConsumption"] == report["energy"]["facility_kwh"]  # kWh
    assert measure["measurementDuration"] == report["duration_s"]  # s
    assert len(measure["measurementDateTime"]) == len("2026-01-01 00:00:00")
    assert out["task"]["nbRequest"] == 500 and out["task"]["algorithms"] == [{}]
    assert all(
        {"componentType", "nbComponent"} <= set(c) for c in out["infrastructure"]["components"]
    )
    assert all({"dataUsage", "dataType"} <= set(d) for d in out["task"]["dataset"])
    assert out["header"]["reportStatus"] in ENUMS["reportStatus"]
    assert out["infrastructure"]["infraType"] in ENUMS["infraType"]
    assert out["quality"] in ENUMS["quality"]
    assert out["environment"]["powerSourceCarbonIntensity"] == report["ghg"]["intensity_g_per_kwh"]


def test_the_cli_and_the_api_export_boamps(cli, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with open_store(settings) as store:
        save_reports(store, [make_report("report-0001", name="<script>alert(1)</script>")])
    result = cli("reports", "export", "report-0001", "--format", "boamps")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["header"]["reportId"] == "report-0001"
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/reports/report-0001/export?format=boamps")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert json.loads(answer.text)["measures"][0]["measurementMethod"] == "frugalkit"
    assert answer.headers["content-disposition"].endswith('-boamps.json"')
