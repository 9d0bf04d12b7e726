"""A report in BoAmps JSON (issue 25, item 4), Boavizta's format for sharing the energy of an
AI task, beside the CodeCarbon CSV and the model card.

Fields as the BoAmps schemas define them (github.com/Boavizta/BoAmps, model/report_schema.json,
hardware_schema.json, dataset_schema.json, algorithm_schema.json; formatVersion 0.1 as in
its examples/energy-report-llm-inference.json): powerConsumption in kWh (the facility energy),
measurementDuration in seconds, dates as "YYYY-MM-DD HH:MM:SS", powerSourceCarbonIntensity
in gCO2eq/kWh. What frugalkit does not know is left out or said plainly: the task family is
"unspecified" and the algorithm list holds one empty entry (the schema asks for at least one,
with no required field); the user adds them. `quality` follows the schema's own bands (high:
+/-10 %, medium: +/-25 %, low: +/-50 %) applied to the report's energy band.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

FORMAT_VERSION = "0.1"
QUALITY_BANDS = ((0.10, "high"), (0.25, "medium"))  # report_schema.json, "quality"


def _moment(text: str) -> str:
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S")


def _quality(energy: dict[str, Any]) -> str:
    value = energy["facility_kwh"]
    if value <= 0:
        return "low"
    half_width = max(energy["high_kwh"] - value, value - energy["low_kwh"]) / value
    return next((name for limit, name in QUALITY_BANDS if half_width <= limit), "low")


def _tracking(report: dict[str, Any], component: str) -> str:
    return next((m["meter"] for m in report["methods"] if m["component"] == component), "none")


def _components(report: dict[str, Any]) -> list[dict[str, Any]]:
    host = report["host"]
    parts: list[dict[str, Any]] = [
        {"componentName": host["cpu_model"], "componentType": "cpu", "nbComponent": 1}
    ]
    gpu_share = next((m["share"] for m in report["methods"]
                      if m["component"] == "gpu" and m["share"] is not None), None)  # fmt: skip
    for name, count in Counter(g["name"] for g in host["gpus"]).items():
        gpu = {"componentName": f"{count} x {name}", "componentType": "gpu", "nbComponent": count}
        if gpu_share is not None:
            gpu["share"] = round(min(max(gpu_share, 0.0), 1.0), 6)
        parts.append(gpu)
    if host["ram_total_gb"] >= 1:
        parts.append({"componentType": "ram", "nbComponent": 1,
                      "memorySize": round(host["ram_total_gb"])})  # fmt: skip
    return parts


def boamps_report(report: dict[str, Any]) -> dict[str, Any]:
    """The BoAmps object of one frugalkit report."""
    energy, ghg = report["energy"], report["ghg"]
    inference = report["phase"] == "inference"
    task: dict[str, Any] = {
        "taskStage": report["phase"],
        "taskFamily": "unspecified",
        "algorithms": [{}],
        "dataset": [{"dataUsage": "input", "dataType": "other", "dataQuantity": report["units"]}],
        "taskDescription": f"{report['name']}: {report['units']:g} {report['functional_unit']}",
    }
    if inference:
        task["nbRequest"] = report["units"]
    return {
        "header": {
            "formatVersion": FORMAT_VERSION,
            "reportId": report["id"],
            "reportDatetime": _moment(report["ended_at"]),
            "reportStatus": "final" if report["status"] == "completed" else "other",
        },
        "task": task,
        "measures": [
            {
                "measurementMethod": "frugalkit",
                "version": report["frugalkit_version"],
                "cpuTrackingMode": _tracking(report, "cpu"),
                "gpuTrackingMode": _tracking(report, "gpu"),
                "powerConsumption": energy["facility_kwh"],
                "measurementDuration": report["duration_s"],
                "measurementDateTime": _moment(report["started_at"]),
            }
        ],
        "system": {"os": report["host"]["os"]},
        "software": {"language": "python", "version": report["host"]["python"]},
        "infrastructure": {"infraType": "other", "components": _components(report)},
        "environment": {
            "country": ghg["zone_name"],
            "powerSourceCarbonIntensity": ghg["intensity_g_per_kwh"],
        },
        "quality": _quality(energy),
    }


def to_boamps(report: dict[str, Any]) -> str:
    return json.dumps(boamps_report(report), indent=2, ensure_ascii=False) + "\n"
