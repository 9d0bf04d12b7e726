"""A report's figures as flat metrics, each name with its unit: what every integration logs
(MLflow, Weights & Biases, Hugging Face Trainer, Lightning, OpenTelemetry), under its own
prefix."""

from __future__ import annotations

from typing import Any


def figures(report: dict[str, Any]) -> dict[str, float]:
    energy, ghg, water = report["energy"], report["ghg"], report["water"]
    return {
        "energy_kwh": energy["facility_kwh"],
        "energy_low_kwh": energy["low_kwh"],
        "energy_high_kwh": energy["high_kwh"],
        "cpu_kwh": energy["cpu_kwh"],
        "gpu_kwh": energy["gpu_kwh"],
        "ram_kwh": energy["ram_kwh"],
        "ghg_g": ghg["location_based_g"],
        "water_l": water["total_l"],
        "embodied_gwp_g": report["embodied"]["gwp_g"],
        "duration_s": report["duration_s"],
    }


def predicted(prediction: dict[str, Any]) -> dict[str, float]:
    """A progress mark's prediction of the whole run (measure/forecast.py)."""
    return {
        "predicted_energy_kwh": prediction["facility_kwh"],
        "predicted_energy_low_kwh": prediction["low_kwh"],
        "predicted_energy_high_kwh": prediction["high_kwh"],
        "predicted_ghg_g": prediction["ghg_g"],
    }


def prefixed(prefix: str, values: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}{name}": value for name, value in values.items()}


def method_tags(report: dict[str, Any]) -> dict[str, str]:
    return {
        "report_id": report["id"],
        "status": report["status"],
        "method": ", ".join(sorted({m["kind"] for m in report["methods"]})),
        "grid": f"{report['ghg']['zone']} {report['ghg']['resolution']}",
    }
