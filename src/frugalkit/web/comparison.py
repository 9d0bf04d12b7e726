"""Two to five runs or reports side by side (issue 23: compare refuses a ratio between
unlike units), in the reader's language."""

from __future__ import annotations

from typing import Any

from frugalkit.errors import InputError, NotFoundError
from frugalkit.i18n import gettext as _
from frugalkit.messages import N_
from frugalkit.store import Store, get_report, get_run

# The rows of a comparison: (key, words, unit or None for text).
COMPARE_ROWS = (
    ("kind", N_("What"), None),
    ("status", N_("Status"), None),
    ("accuracy", N_("Accuracy"), ""),
    ("energy_wh", N_("Energy (runs: per 1,000 samples)"), "Wh"),
    ("ghg_g", N_("Greenhouse gases (runs: per 1,000 samples)"), "gCO2e"),
    ("water_l", N_("Water"), "L"),
    ("zone", N_("Grid zone"), None),
    ("intensity_g_per_kwh", N_("Grid intensity"), "gCO2e/kWh"),
    ("duration_s", N_("Measured time"), "s"),
    ("hardware", N_("Hardware"), None),
    ("method", N_("Energy method"), None),
)
METHOD_WORDS = {"counter": N_("measured"), "estimate": N_("estimated"), "reported": N_("reported")}


def _compared_run(run: dict[str, Any]) -> dict[str, Any]:
    payload = run["payload"] or {}
    energy, ghg = run["energy_wh_per_1000"], run["ghg_g_per_1000"]
    return {
        "id": run["id"],
        "href": f"/bench/runs/{run['id']}",
        "name": run["description"] or run["submission"].rsplit("/", 1)[-1],
        "kind": _("bench run, %(task)s") % {"task": run["task"]},
        "family": "run",
        "status": _(run["status"]),
        "accuracy": run["accuracy"],
        "energy_wh": energy,
        "ghg_g": ghg,
        "water_l": None,
        "zone": payload.get("zone"),
        "intensity_g_per_kwh": ghg / energy * 1000 if energy and ghg is not None else None,
        "duration_s": (payload.get("timing") or {}).get("measured_s"),
        "hardware": run["hardware"],
        "method": _(METHOD_WORDS.get(run["energy_method"], run["energy_method"])),
    }


def _compared_report(report: dict[str, Any]) -> dict[str, Any]:
    kinds = sorted({m["kind"] for m in report["methods"]})
    return {
        "id": report["id"],
        "href": f"/reports/{report['id']}",
        "name": report["name"],
        "kind": _("report, %(phase)s") % {"phase": _(report["phase"])},
        "family": "report",
        "status": _(report["status"]),
        "accuracy": None,
        "energy_wh": report["energy"]["facility_kwh"] * 1000,
        "ghg_g": report["ghg"]["location_based_g"],
        "water_l": report["water"]["total_l"],
        "zone": f"{report['ghg']['zone_name']} ({report['ghg']['zone']})",
        "intensity_g_per_kwh": report["ghg"]["intensity_g_per_kwh"],
        "duration_s": report["duration_s"],
        "hardware": f"{report['host']['logical_cpus']} x {report['host']['cpu_model']}",
        "method": _(" and ").join(_(METHOD_WORDS.get(k, k)) for k in kinds),
    }


def compare_page(store: Store, ids: list[str]) -> dict[str, Any]:
    """Two to five runs or reports side by side (each id is tried as a run, then a report),
    headed by their names, each figure also as a ratio to the first column's."""
    wanted = [i for part in ids for i in part.split(",") if i]
    if not 2 <= len(wanted) <= 5:
        raise InputError(_("compare takes 2 to 5 ids: tick them on a leaderboard or the reports"))
    items = []
    for item_id in wanted:
        try:
            items.append(_compared_run(get_run(store, item_id)))
        except NotFoundError:
            items.append(_compared_report(get_report(store, item_id)))
    # A bench run's figures are per 1,000 samples, a report's for a whole run: side by side
    # they may stand, divided they may not (a x5.48 between the two misled, issue 23).
    alike = len({item["family"] for item in items}) == 1
    rows = []
    for key, words, unit in COMPARE_ROWS:
        values = [item[key] for item in items]
        if all(v is None for v in values):
            continue
        first = values[0]
        ratios = [
            v / first
            if alike and unit is not None and isinstance(v, int | float) and first
            else None
            for v in values
        ]
        row = {"key": key, "words": _(words), "unit": unit, "values": values, "ratios": ratios}
        rows.append(row)
    unlike = (
        None
        if alike
        else _(
            "bench runs are measured per 1,000 samples and reports for a whole run: their figures "
            "stand side by side, with no ratio between them; compare runs with runs, reports with "
            "reports"
        )
    )
    return {"items": items, "rows": rows, "unlike": unlike}
