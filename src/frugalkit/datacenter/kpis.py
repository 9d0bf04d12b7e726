"""Monthly and yearly ISO/IEC 30134 KPIs from metered readings, each with its PUE category,
a data-quality flag and a plain reading.

Quality: `complete` when every meter covers the whole month; `interpolated` when a meter's
gaps (at most 10 % of the month) are filled at its mean rate over the month; `estimated`
beyond that; `missing` when a meter has no reading in a month inside the period.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from frugalkit import safeyaml
from frugalkit.datacenter.facility import RENEWABLE_SOURCES, Facility, Meter, contracts_kwh
from frugalkit.datacenter.meters import Readings
from frugalkit.impact import kpis
from frugalkit.impact.data import field

INTERPOLATED_MAX_GAP = 0.10
QUALITY_ORDER = ("complete", "interpolated", "estimated", "missing")
PLAUSIBLE_PUE = (1.0, 5.0)  # outside: most likely a unit error (kWh given as MWh)
SOURCES = safeyaml.load(Path(__file__).parent / "data" / "kpi_sources.yaml")
FUEL_KG_CO2_PER_KWH: dict[str, float] = SOURCES["fuel_kg_co2_per_kwh"]


def meter_keys(meter: Meter, facility: Facility) -> list[str]:
    """The totals a meter adds to: its role, and what its kind of generation or its
    metering point tells."""
    keys = [meter.role]
    if meter.role == "onsite_generation":
        renewable = meter.source in RENEWABLE_SOURCES
        keys.append("onsite_renewable" if renewable else "onsite_fossil")
        if renewable and not meter.subsidised:
            keys.append("onsite_renewable_unsubsidised")
    if meter.role == "fuel":
        keys.append(f"fuel:{meter.fuel}")
    if meter.role == "it":
        keys.append(f"it@{meter.point or facility.it_metering}")
    return keys


def _months(readings: Readings) -> np.ndarray:
    first, last = int(readings.start.min()), int(readings.end.max()) - 1
    edges, moment = (
        [],
        datetime.fromtimestamp(first, UTC).replace(day=1, hour=0, minute=0, second=0),
    )
    while True:
        edges.append(int(moment.timestamp()))
        if edges[-1] > last:
            break
        year, month = (
            (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        )
        moment = moment.replace(year=year, month=month)
    return np.array(edges, dtype=np.int64)


def monthly_totals(
    readings: Readings, meter_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(month edges, value per meter and month, covered share per meter and month); a
    reading across a month's end is shared by time."""
    edges = _months(readings)
    months = len(edges) - 1
    value = np.zeros((meter_count, months))
    covered = np.zeros((meter_count, months))
    start_month = np.searchsorted(edges, readings.start, side="right") - 1
    end_month = np.searchsorted(edges, readings.end - 1, side="right") - 1
    inside = start_month == end_month
    np.add.at(value, (readings.meter[inside], start_month[inside]), readings.value[inside])
    duration = (readings.end - readings.start).astype(np.float64)
    np.add.at(covered, (readings.meter[inside], start_month[inside]), duration[inside])
    for i in np.nonzero(~inside)[0]:  # few: monthly or yearly readings
        for m in range(int(start_month[i]), int(end_month[i]) + 1):
            overlap = min(readings.end[i], edges[m + 1]) - max(readings.start[i], edges[m])
            value[readings.meter[i], m] += readings.value[i] * overlap / duration[i]
            covered[readings.meter[i], m] += overlap
    covered /= np.diff(edges).astype(np.float64)
    return edges, value, np.minimum(covered, 1.0)


def compute(facility: Facility, readings: Readings) -> dict[str, Any]:
    """KPIs per month and for each calendar year, with their quality and warnings."""
    if not len(readings.value):
        return {"months": [], "years": [], "warnings": ["no reading"]}
    edges, value, covered = monthly_totals(readings, len(facility.meters))
    quality = np.where(covered >= 0.9999, 0, np.where(covered >= 1 - INTERPOLATED_MAX_GAP, 1, 2))
    quality = np.where(covered == 0, 3, quality)
    filled = np.where(covered > 0, value / np.where(covered > 0, covered, 1), 0.0)
    keys = [meter_keys(m, facility) for m in facility.meters]
    names = {k for ks in keys for k in ks}
    # facts of the facility file, the same for every period: read once
    contracts = facility.model_dump(include={"reported", "renewable_contracts"})
    servers = _server_kpis(facility)

    def kpis_of(
        period: str, totals: dict[str, float], worst: str, share: float, n: int = 1
    ) -> dict[str, Any]:
        bought = sum(contracts_kwh(contracts, int(period[:4])).values())
        return _kpis(facility, period, totals, worst, share, n, bought, servers)

    months = []
    for m in range(len(edges) - 1):
        totals = {
            r: float(sum(filled[i, m] for i, ks in enumerate(keys) if r in ks)) for r in names
        }
        worst = QUALITY_ORDER[int(quality[:, m].max())]
        label = datetime.fromtimestamp(int(edges[m]), UTC).strftime("%Y-%m")
        months.append(kpis_of(label, totals, worst, (edges[m + 1] - edges[m]) / (365 * 86400)))
    years = []
    for year in sorted({row["period"][:4] for row in months}):
        rows = [r for r in months if r["period"].startswith(year)]
        totals = {k: sum(r["totals"].get(k, 0.0) for r in rows) for k in rows[0]["totals"]}
        worst = QUALITY_ORDER[max(QUALITY_ORDER.index(r["quality"]) for r in rows)]
        if len(rows) < 12:
            worst = QUALITY_ORDER[max(QUALITY_ORDER.index(worst), QUALITY_ORDER.index("estimated"))]
        years.append(kpis_of(year, totals, worst, len(rows) / 12, len(rows)))
    warnings = [w for row in months + years for w in row["warnings"]]
    return {"months": months, "years": years, "warnings": warnings}


def _kpis(
    facility: Facility,
    period: str,
    totals: dict[str, float],
    quality: str,
    share_of_year: float,
    months: int,
    bought_kwh_a_year: float,
    server_kpis: dict[str, float | None],
) -> dict[str, Any]:
    grid, onsite = totals.get("grid", 0.0), totals.get("onsite_generation", 0.0)
    it, backup = totals.get("it", 0.0), totals.get("backup_generation", 0.0)
    total = grid + onsite + backup
    bought = bought_kwh_a_year * share_of_year
    # ISO/IEC 30134-3 counts any renewable source; EnEfG section 11(5) only unsubsidised
    # ones (guarantees of origin and PPAs count as given: list only unsubsidised ones).
    renewable = totals.get("onsite_renewable", 0.0) + bought
    unsubsidised = totals.get("onsite_renewable_unsubsidised", 0.0) + bought
    water = totals.get("water_potable", 0.0) + totals.get("water_other", 0.0)
    intensity = float(field("grid_intensity", "countries", facility.country, "intensity_g_per_kwh"))
    warnings: list[str] = []
    values: dict[str, float | None] = {
        "pue": None,
        "pue_without_heat_upgrade": None,
        "wue": None,
        "ref": None,
        "unsubsidised_renewable_share": None,
        "erf": None,
        "cer": None,
        "cue": None,
        "itee_sv": None,
        "iteu_sv": None,
    }
    if it > 0 and total > 0:
        pue = values["pue"] = kpis.pue(total, it)
        upgrade = totals.get("heat_upgrade", 0.0)
        values["pue_without_heat_upgrade"] = kpis.pue(max(total - upgrade, it), it)
        values["wue"] = (
            kpis.wue(water, it) if "water_potable" in totals or "water_other" in totals else None
        )
        values["cue"] = _cue(totals, grid * intensity / 1000, it, period, warnings)
        low, high = PLAUSIBLE_PUE
        if pue < low:
            warnings.append(
                f"{period}: IT energy above total facility energy (PUE {pue:.2f}): "
                "check the meters' roles and units"
            )
        elif pue > high:
            warnings.append(f"{period}: PUE {pue:.1f} is implausible: a unit error (kWh as MWh)?")
    if total > 0:
        values["ref"] = min(1.0, kpis.ref(renewable, total))
        values["unsubsidised_renewable_share"] = min(1.0, unsubsidised / total)
        values["erf"] = (
            kpis.erf(totals.get("reuse_export", 0.0), total) if "reuse_export" in totals else None
        )
    if totals.get("cooling", 0.0) > 0 and "heat_removed" in totals:
        values["cer"] = kpis.cer(totals["heat_removed"], totals["cooling"])
    values |= server_kpis
    if quality == "missing":
        warnings.append(f"{period}: a meter has no reading")
    return {
        "period": period,
        "months": months,
        "quality": quality,
        "pue_category": kpis.PUE_CATEGORIES[facility.it_metering],
        # ISO/IEC 30134-2 PUE is a yearly figure; a month's ratio is an interim PUE (iPUE)
        "pue_kind": "iPUE (interim, one month)" if len(period) == 7 else "PUE (yearly)",
        "wue_category": facility.wue_category,
        "totals": totals,
        "kpis": values,
        "reading": plain(values),
        "warnings": warnings,
    }


def _cue(
    totals: dict[str, float], grid_kg: float, it_kwh: float, period: str, warnings: list[str]
) -> float | None:
    """ISO/IEC 30134-8: grid electricity (location-based) plus fuel burnt on site; none
    where on-site fossil or backup generation has no fuel meter."""
    fuels = {k[5:]: v for k, v in totals.items() if k.startswith("fuel:")}
    burning = totals.get("onsite_fossil", 0.0) + totals.get("backup_generation", 0.0)
    if burning > 0 and not fuels:
        warnings.append(
            f"{period}: on-site fossil or backup generation without a fuel meter: no CUE"
        )
        return None
    fuel_kg = sum(kwh * FUEL_KG_CO2_PER_KWH[fuel] for fuel, kwh in fuels.items())
    return kpis.cue(grid_kg + fuel_kg, it_kwh)


def _server_kpis(facility: Facility) -> dict[str, float | None]:
    """ITEEsv from the declared server fleet, ITEUsv from the declared yearly utilisation:
    facts of the facility file, the same in every period."""
    fleet = facility.server_fleet
    itee = None
    if fleet:
        itee = kpis.itee_sv(
            [s.performance * s.count for s in fleet], [s.max_power_w * s.count for s in fleet]
        )
    utilisation = facility.cpu_utilisation
    return {
        "itee_sv": itee,
        "iteu_sv": None if utilisation is None else kpis.iteu_sv([utilisation]),
    }


def plain(values: dict[str, float | None]) -> list[str]:
    """The KPIs in words."""
    lines = []
    if values["pue"] is not None:
        overhead = values["pue"] - 1
        lines.append(
            f"for every kWh of IT, {overhead:.2f} kWh of overhead (PUE {values['pue']:.2f})"
        )
    if values["wue"] is not None:
        lines.append(f"{values['wue']:.2f} L of water per kWh of IT (WUE)")
    share = values.get("unsubsidised_renewable_share")
    if share is not None and values["ref"] is not None and share < values["ref"]:
        lines.append(f"{share * 100:.0f} % from unsubsidised renewables (EnEfG section 11(5))")
    if values["ref"] is not None:
        lines.append(f"{values['ref'] * 100:.0f} % of the energy is renewable (REF)")
    if values["erf"] is not None:
        lines.append(f"{values['erf'] * 100:.0f} % of the energy is reused outside the site (ERF)")
    if values["cer"] is not None:
        lines.append(f"{values['cer']:.1f} kWh of heat removed per kWh of cooling (CER)")
    iteu, itee = values.get("iteu_sv"), values.get("itee_sv")
    if iteu is not None:
        lines.append(f"servers' CPUs {iteu * 100:.0f} % utilised on average (ITEUsv)")
    if itee is not None:
        lines.append(f"{itee:.3g} units of declared server performance per W at peak (ITEEsv)")
    if values["cue"] is not None:
        lines.append(
            f"{values['cue']:.3f} kg CO2e per kWh of IT: grid location-based, plus fuels (CUE)"
        )
    return lines
