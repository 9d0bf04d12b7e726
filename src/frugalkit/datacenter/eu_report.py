"""The EU's yearly data-centre report (Delegated Regulation (EU) 2024/1364, Annexes I-III)
for one facility and one calendar year: every field with its annex point and where its
value came from, a completeness check naming each missing field and how to supply it, the
reporting deadline, and a year-on-year diff. The field list, with its sources, is
`data/eu-2024-1364.yaml`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from frugalkit.datacenter.facility import contracts_kwh, reported_year
from frugalkit.errors import InputError
from frugalkit.i18n import gettext
from frugalkit.impact.exports import csv_text

SCHEMA_PATH = Path(__file__).parent / "data" / "eu-2024-1364.yaml"
CSV_COLUMNS = (
    "annex",
    "point",
    "key",
    "symbol",
    "label",
    "unit",
    "value",
    "from",
    "source",
    "note",
)
DERIVED = ("sum:", "ratio:")
METER_ROLE = {"onsite_renewable": "onsite_generation (source: a renewable)"}


@cache
def schema() -> dict[str, Any]:
    return dict(yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8")))


def deadline(year: int) -> date:
    """Article 3(1): the 2023 data by 15 September 2024; each later year's by 15 May of
    the year after."""
    return date(2024, 9, 15) if year == 2023 else date(year + 1, 5, 15)


def _value(source: str, facility: dict[str, Any], row: dict[str, Any], unit: str) -> Any:
    kind, _, name = source.partition(":")
    if kind == "facility":
        value = facility.get(name)
        return ", ".join(value) if isinstance(value, list) else value
    if kind == "eu":
        return (facility.get("eu") or {}).get(name)
    if kind == "year":
        return reported_year(facility, int(row["period"])).get(name)
    if kind == "metered":
        if name not in row["totals"] and not any(m["role"] == name for m in facility["meters"]):
            return None
        value = float(row["totals"].get(name, 0.0))
        return value / 1000 if unit == "m3" else value  # water is metered in litres
    if kind == "eit":  # IT energy at the metering point Annex II asks for, else at any
        at_point = row["totals"].get(f"it@{name}")
        if at_point is None and facility.get("it_metering") == name:
            at_point = row["totals"].get("it")
        return float(at_point if at_point is not None else row["totals"].get("it", 0.0))
    if kind == "contracts":
        return contracts_kwh(facility, int(row["period"]))[name] * row["months"] / 12
    raise ValueError(f"unknown source {source!r}")


def _derived(source: str, values: dict[str, Any], scale: float) -> float | None:
    kind, _, expression = source.partition(":")
    if kind == "sum":
        parts = [values[k] for k in expression.split("+") if values[k] is not None]
        return float(sum(parts)) if parts else None
    top, bottom = (values[k] for k in expression.split("/"))
    if top is None or not bottom:
        return None
    return float(top) / float(bottom) * scale


def _fix(field: dict[str, Any], year: int) -> str:
    kind, _, name = field["from"].partition(":")
    words = {
        "facility": gettext("add %(key)s to the facility file"),
        "eu": gettext("add %(key)s to the facility file"),
        "year": gettext("add %(key)s to the facility file"),
        "metered": gettext("add a meter with the role %(role)s and its readings"),
        "eit": gettext("add an IT meter and its readings"),
        "sum": gettext("computed from fields that are missing"),
        "ratio": gettext("computed from fields that are missing"),
    }[kind]
    key = {"eu": f"eu.{name}", "year": f"reported.{year}.{name}"}.get(kind, name)
    return words % {"key": key, "role": METER_ROLE.get(name, name)}


def build(facility: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """The report for the calendar year of `row` (a yearly KPI row: period, months,
    quality, totals) of `facility` (a Facility as a dict, or a stored facility)."""
    spec, year = schema(), int(row["period"])
    values: dict[str, Any] = {}
    for field in spec["fields"]:
        if not field["from"].startswith(DERIVED):
            values[field["key"]] = _value(field["from"], facility, row, field["unit"])
    for prefix in DERIVED:  # sums first: the ratios divide them
        for field in spec["fields"]:
            if field["from"].startswith(prefix):
                values[field["key"]] = _derived(field["from"], values, field.get("scale", 1))
    fields = [
        {**{k: field.get(k) for k in CSV_COLUMNS if k != "value"}, "value": values[field["key"]]}
        for field in spec["fields"]
    ]
    missing = [
        {**{k: f[k] for k in ("annex", "point", "key", "label")}, "fix": _fix(f, year)}
        for f in spec["fields"]
        if values[f["key"]] in (None, "") and not f.get("optional")
    ]
    deviations = _deviations(facility, row, fields)
    return {
        "regulation": spec["regulation"],
        "pending": spec.get("pending"),
        "deviations": deviations,
        "url": spec["url"],
        "sources": spec["sources"],
        "facility": facility["name"],
        "year": year,
        "deadline": deadline(year).isoformat(),
        "in_scope": float(facility["installed_it_kw"]) >= spec["threshold_kw"],
        "demonstration": bool(facility.get("demonstration")),
        "quality": row["quality"],
        "months": row["months"],
        "fields": fields,
        "missing": missing,
        "complete": not missing and row["quality"] in ("complete", "interpolated"),
        "warnings": _warnings(values, row, spec["threshold_kw"]),
    }


def _deviations(
    facility: dict[str, Any], row: dict[str, Any], fields: list[dict[str, Any]]
) -> list[str]:
    """Where a field is not measured as Annex II says: said on the field and listed."""
    found = []
    points = sorted(k[3:] for k in row["totals"] if k.startswith("it@"))
    if "ups_output" not in points and facility.get("it_metering") != "ups_output":
        where = ", ".join(points) or str(facility.get("it_metering"))
        found.append(
            gettext(
                "EIT is metered at %(where)s, not at the UPS outputs Annex II asks for (where "
                "the site has no UPS, at the PDU outputs): PUE and WUE are of that metering point"
            )
            % {"where": ", ".join(gettext(p.replace("_", " ")) for p in where.split(", "))}
        )
        for f in fields:
            if f["key"] in ("EIT", "PUE", "WUE"):
                f["note"] = found[-1]
    return found


def _warnings(values: dict[str, Any], row: dict[str, Any], threshold_kw: float) -> list[str]:
    warnings = []
    if row["quality"] not in ("complete", "interpolated"):
        warnings.append(
            gettext(
                "%(year)s: the data are %(quality)s (%(months)s of 12 months metered): the "
                "report must state that its figures are estimated"
            )
            % {"year": row["period"], "quality": gettext(row["quality"]), "months": row["months"]}
        )
    if values["EDC"] and values["ERES-TOT"] and values["ERES-TOT"] > values["EDC"]:
        warnings.append(
            gettext("renewable energy (ERES-TOT) exceeds the total energy (EDC): REF above 1")
        )
    if values["PUE"] is not None and values["PUE"] < 1:
        warnings.append(gettext("IT energy (EIT) exceeds the total energy (EDC): check the meters"))
    if values["PDIT"] is not None and values["PDIT"] < threshold_kw:
        warnings.append(
            gettext(
                "installed IT power %(power)s kW is under %(threshold)s kW: reporting is not "
                "required by Article 1"
            )
            % {"power": f"{values['PDIT']:g}", "threshold": f"{threshold_kw:g}"}
        )
    return warnings


def pick_year(years: list[dict[str, Any]], year: int | None) -> dict[str, Any]:
    """The yearly row for `year`, or the latest; InputError naming the years there are."""
    by_period = {int(r["period"]): r for r in years}
    if not by_period:
        raise InputError("no metered year to report")
    chosen = max(by_period) if year is None else year
    if chosen not in by_period:
        known = ", ".join(str(y) for y in sorted(by_period))
        raise InputError(f"no readings in {chosen}; metered years: {known}")
    return by_period[chosen]


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field by field, the change from `old` to `new` (two reports of one facility)."""
    before = {f["key"]: f["value"] for f in old["fields"]}
    rows = []
    for field in new["fields"]:
        was, now = before.get(field["key"]), field["value"]
        row = {"key": field["key"], "label": field["label"], "unit": field["unit"]}
        row |= {"before": was, "after": now, "change": None, "change_pct": None}
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (was, now))
        if numbers:
            row["change"] = now - was
            row["change_pct"] = (now - was) / abs(was) * 100 if was else None
        row["changed"] = was != now
        rows.append(row)
    return rows


def to_csv(report: dict[str, Any]) -> str:
    """One row per field; text that a spreadsheet would run as a formula is escaped."""
    rows = [
        {**f, "value": round(f["value"], 6) if isinstance(f["value"], float) else f["value"]}
        for f in report["fields"]
    ]
    return csv_text(rows, CSV_COLUMNS)
