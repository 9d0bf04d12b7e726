"""A facility's KPIs, EU report and scores, from its files or the store; the
demonstration tenders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frugalkit.datacenter import criteria as criteria_sets
from frugalkit.datacenter import eu_report as eu
from frugalkit.datacenter.facility import load_facility
from frugalkit.datacenter.kpis import compute
from frugalkit.datacenter.meters import read_readings
from frugalkit.datacenter.workload import at_site
from frugalkit.errors import InputError
from frugalkit.store import Store
from frugalkit.store.facilities import get_facility, save_facility

DEMO_DIR = Path(__file__).parent / "data" / "demo"
DEMO_SITES = ("nordic-hall", "metro-colo", "sunbelt-park")


def demo_pairs() -> list[tuple[Path, Path]]:
    return [(DEMO_DIR / f"{n}.yaml", DEMO_DIR / f"{n}.csv") for n in DEMO_SITES]


def facility_kpis(facility_path: Path, readings_path: Path) -> dict[str, Any]:
    facility = load_facility(facility_path)
    result = compute(facility, read_readings(readings_path, facility))
    from frugalkit.datacenter.kpis import SOURCES

    standards = {k: v["part"] for k, v in SOURCES["editions"].items()}
    return {"facility": facility.model_dump(mode="json"), **result, "standards": standards}


def compare(
    pairs: list[tuple[Path, Path]],
    criteria_name: str,
    year: int | None = None,
    workload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every facility scored on one criteria set for one year, ranked; with a workload,
    its footprint at each site."""
    chosen = criteria_sets.load(criteria_name)
    scores, footprints = [], []
    for facility_path, readings_path in pairs:
        facility = load_facility(facility_path)
        result = compute(facility, read_readings(readings_path, facility))
        years = {row["period"]: row for row in result["years"]}
        wanted = str(year) if year is not None else (max(years) if years else "")
        if wanted not in years:
            raise InputError(f"{facility.name}: no readings in {wanted or 'any year'}")
        row = years[wanted]
        score = criteria_sets.score(
            chosen, facility, int(wanted), criteria_sets.facts(facility, row)
        )
        scores.append(
            {
                **score,
                "kpis": row["kpis"],
                "quality": row["quality"],
                "warnings": row["warnings"],
                "demonstration": facility.demonstration,
            }
        )
        if workload is not None:
            footprints.append(at_site(workload, facility.name, facility.country, row["kpis"]))
    return {
        "criteria": criteria_sets.summary(chosen),
        "ranking": criteria_sets.rank(scores),
        "workload": footprints,
    }


def register(store: Store, facility_path: Path, readings_path: Path) -> dict[str, Any]:
    """Store a facility with its latest complete year's KPIs, for `measure --facility`."""
    data = facility_kpis(facility_path, readings_path)
    if not data["years"]:
        raise InputError(f"{readings_path.name} holds no reading")
    latest = data["years"][-1]
    if latest["kpis"]["pue"] is None:
        raise InputError(f"{data['facility']['name']}: no PUE in {latest['period']}")
    payload = {
        **data["facility"],
        "latest": latest,
        "years": data["years"],
        "months": data["months"],
        "warnings": data["warnings"],
    }
    save_facility(store, data["facility"]["name"], data["facility"]["country"], payload)
    return payload


def hosting(store: Store, name: str) -> dict[str, Any]:
    """What a report hosted at a registered facility takes from it: PUE, WUE, grid zone."""
    facility = get_facility(store, name)
    kpis = facility["latest"]["kpis"]
    return {
        "pue": kpis["pue"],
        "wue": kpis["wue"] or 0.0,
        "country": facility["country"],
        "period": facility["latest"]["period"],
        "quality": facility["latest"]["quality"],
    }


def eu_report(
    facility: dict[str, Any],
    years: list[dict[str, Any]],
    year: int | None = None,
    against: int | None = None,
) -> dict[str, Any]:
    """The EU yearly report for `year` (default: the latest metered), and its diff from
    `against` (default: the year before, when metered)."""
    report = eu.build(facility, eu.pick_year(years, year))
    metered = {int(r["period"]) for r in years}
    if against is not None and against not in metered:
        known = ", ".join(str(y) for y in sorted(metered))
        raise InputError(f"no readings in {against} to compare with; metered years: {known}")
    earlier = report["year"] - 1 if against is None else against
    changes = None
    if earlier in metered and earlier != report["year"]:
        old = eu.build(facility, eu.pick_year(years, earlier))
        changes = {"year": earlier, "rows": eu.diff(old, report)}
    return {"report": report, "diff": changes}


def eu_report_of(
    store: Store, name: str, year: int | None = None, against: int | None = None
) -> dict[str, Any]:
    """The EU report of a registered facility, from what `datacenter add` stored."""
    facility = get_facility(store, name)
    return eu_report(facility, facility["years"], year, against)
