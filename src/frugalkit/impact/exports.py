"""Output formats of an impact report (a dict following ImpactReport)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from frugalkit.impact.indicators import J_PER_KWH

# A spreadsheet runs a text cell that starts with one of these as a formula (OWASP's
# "CSV injection"): such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    r"""`value` safe to open in a spreadsheet: text never starts a formula. Line breaks
    become "\n", which the writer quotes: a bare CR is not quoted by Python's csv, and a
    spreadsheet would start a new row, whose first cell could be a formula, at it.

    >>> csv_cell("cr\r=HYPERLINK(2).py"), csv_cell(" =1+1")
    ('cr\n=HYPERLINK(2).py', "' =1+1")
    """
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(FORMULA_STARTS) or text.lstrip(" \n").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(rows: list[dict[str, Any]], columns: list[str] | tuple[str, ...]) -> str:
    """Rows as CSV with a header; columns not in `columns` are left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


# CodeCarbon 3.x emissions.csv, in order (output_methods/emissions_data.py).
CODECARBON_COLUMNS = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "water_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "on_cloud",
    "pue",
    "wue",
]


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _power_w(energy_kwh: float, duration_s: float) -> float:
    return energy_kwh * J_PER_KWH / duration_s if duration_s > 0 else 0.0


def codecarbon_row(report: dict[str, Any]) -> dict[str, Any]:
    """One emissions.csv row in CodeCarbon's units: s, kg CO2e, kg/s, W, kWh, L.

    As CodeCarbon does, energy_consumed includes the PUE and water_consumed is the
    on-site water (WUE x energy); cpu/gpu/ram_energy are IT energy.
    """
    energy, host = report["energy"], report["host"]
    duration_s = float(report["duration_s"])
    emissions_kg = report["ghg"]["location_based_g"] / 1000.0
    gpus = host["gpus"]
    row = {
        "timestamp": report["ended_at"],
        "project_name": report["name"],
        "run_id": report["id"],
        "experiment_id": report["phase"],
        "duration": duration_s,
        "emissions": emissions_kg,
        "emissions_rate": emissions_kg / duration_s if duration_s > 0 else 0.0,
        "cpu_power": _power_w(energy["cpu_kwh"], duration_s),
        "gpu_power": _power_w(energy["gpu_kwh"], duration_s),
        "ram_power": _power_w(energy["ram_kwh"], duration_s),
        "cpu_energy": energy["cpu_kwh"],
        "gpu_energy": energy["gpu_kwh"],
        "ram_energy": energy["ram_kwh"],
        "energy_consumed": energy["facility_kwh"],
        "water_consumed": report["water"]["onsite_l"],
        "country_name": report["ghg"]["zone_name"],
        "country_iso_code": report["ghg"]["zone"],
        "region": "",
        "cloud_provider": "",
        "cloud_region": "",
        "os": host["os"],
        "python_version": host["python"],
        "codecarbon_version": f"frugalkit-{report['frugalkit_version']}",
        "cpu_count": host["logical_cpus"],
        "cpu_model": host["cpu_model"],
        "gpu_count": len(gpus),
        "gpu_model": ", ".join(sorted({g["name"] for g in gpus})),
        "longitude": "",
        "latitude": "",
        "ram_total_size": host["ram_total_gb"],
        "tracking_mode": report["scope"],
        "cpu_utilization_percent": "",
        "gpu_utilization_percent": "",
        "ram_utilization_percent": "",
        "ram_used_gb": "",
        "on_cloud": "N",
        "pue": energy["pue"],
        "wue": report["water"]["wue_l_per_kwh"],
    }
    return {column: row[column] for column in CODECARBON_COLUMNS}


def to_codecarbon_csv(reports: list[dict[str, Any]], header: bool = True) -> str:
    text = csv_text([codecarbon_row(r) for r in reports], CODECARBON_COLUMNS)
    return text if header else text.split("\n", 1)[1]


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def hardware_used(report: dict[str, Any]) -> str:
    host = report["host"]
    if host["gpus"]:
        names = sorted({g["name"] for g in host["gpus"]})
        return f"{len(host['gpus'])} x {', '.join(names)}"
    return f"{host['logical_cpus']} x {host['cpu_model']} (CPU threads)"


def to_model_card(report: dict[str, Any], training_type: str | None = None) -> str:
    """The Hugging Face model-card `co2_eq_emissions` block; emissions in GRAMS."""
    if training_type is None and report["phase"] == "training":
        training_type = "pre-training"
    methods = sorted({f"{m['component']}: {m['kind']} ({m['meter']})" for m in report["methods"]})
    source = f"frugalkit {report['frugalkit_version']}, location-based; {'; '.join(methods)}"
    lines = [
        "co2_eq_emissions:",
        f"  emissions: {report['ghg']['location_based_g']:.6g}",
        f"  source: {_yaml_str(source)}",
    ]
    if training_type:
        lines.append(f"  training_type: {_yaml_str(training_type)}")
    lines += [
        f"  geographical_location: {_yaml_str(report['ghg']['zone_name'])}",
        f"  hardware_used: {_yaml_str(hardware_used(report))}",
    ]
    return "\n".join(lines) + "\n"
