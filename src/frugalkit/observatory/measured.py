"""Measured AI energy: the impact reports and bench runs their owners opted in become
series. Energy per 1,000 inferences by task, hardware and model kind; the energy of
training runs; totals by grid zone and month. Each figure carries its method: 'counter'
when every component was read from a hardware counter, 'estimate' when none was, else
'mixed'.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from frugalkit.errors import InputError, NotFoundError
from frugalkit.impact.indicators import WH_PER_KWH
from frugalkit.store import Store, get_report, get_run
from frugalkit.store import observatory as stored

PER_UNITS = 1000
INFERENCE_PHASES = ("inference", "service", "evaluation")


def share(store: Store, record_id: str, shared: bool = True) -> tuple[str, str]:
    """Opt a report or a bench run (by id or unique prefix) in, or out; (kind, full id)."""
    found = []
    for kind, getter in (("report", get_report), ("run", get_run)):
        try:
            found.append((kind, str(getter(store, record_id)["id"])))
        except NotFoundError:
            continue
    if not found:
        raise NotFoundError(
            f"no report or bench run with id {record_id!r}; `frugalkit reports list` and "
            "`frugalkit bench leaderboard --task TASK` list them"
        )
    if len(found) > 1:
        raise InputError(
            f"{record_id!r} is both a report and a run id prefix; give more characters"
        )
    kind, full_id = found[0]
    stored.share(store, kind, full_id, shared)
    return kind, full_id


def _method(report: dict[str, Any]) -> str:
    kinds = {m["kind"] for m in report.get("methods", [])}
    return kinds.pop() if len(kinds) == 1 else "mixed" if kinds else "estimate"


def _hardware(report: dict[str, Any]) -> str:
    host = report["host"]
    gpus = sorted({g["name"] for g in host.get("gpus", [])})
    return ", ".join(gpus) if gpus else str(host.get("cpu_model", "unknown CPU"))


def _methods(methods: list[str]) -> str:
    unique = set(methods)
    return unique.pop() if len(unique) == 1 else "mixed"


def series(store: Store) -> dict[str, Any]:
    """The measured series, from what is shared now."""
    reports, runs = stored.shared_records(store)
    completed = [r for r in reports if r.get("status") == "completed"]
    groups: dict[tuple[str, str, str, str], list[tuple[float, str]]] = defaultdict(list)
    for report in completed:
        if report["phase"] in INFERENCE_PHASES:
            per_unit_wh = report["energy"]["facility_kwh"] * WH_PER_KWH / report["units"]
            key = (report["name"], _hardware(report), "measured run", report["functional_unit"])
            groups[key].append((per_unit_wh * PER_UNITS, _method(report)))
    for run in runs:
        if run["status"] == "completed" and run["energy_wh_per_1000"] is not None:
            key = (f"bench: {run['task']}", run["hardware"], run["kind"], "sample")
            groups[key].append((run["energy_wh_per_1000"], run["energy_method"]))
    inference = [
        {
            "task": task,
            "hardware": hardware,
            "model_kind": kind,
            "unit": f"Wh per 1,000 {unit}s",
            "median_wh_per_1000": statistics.median(v for v, _ in values),
            "runs": len(values),
            "method": _methods([m for _, m in values]),
        }
        for (task, hardware, kind, unit), values in sorted(groups.items())
    ]
    training = [
        {
            "name": r["name"],
            "hardware": _hardware(r),
            "energy_kwh": r["energy"]["facility_kwh"],
            "started_at": r["started_at"],
            "zone": r["host"]["zone"],
            "method": _method(r),
        }
        for r in completed
        if r["phase"] == "training"
    ]
    totals: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for report in completed:
        totals[(report["host"]["zone"], str(report["started_at"])[:7])].append(report)
    by_zone_month = [
        {
            "zone": zone,
            "month": month,
            "runs": len(items),
            "energy_kwh": sum(r["energy"]["facility_kwh"] for r in items),
            "ghg_g": sum(r["ghg"]["location_based_g"] for r in items),
            "method": _methods([_method(r) for r in items]),
        }
        for (zone, month), items in sorted(totals.items())
    ]
    return {
        "shared_reports": len(reports),
        "shared_runs": len(runs),
        "inference": inference,
        "training": sorted(training, key=lambda r: str(r["started_at"])),
        "by_zone_month": by_zone_month,
    }
