"""The bench and the store: record a run with its impact reports, build leaderboards."""

from __future__ import annotations

import math
from typing import Any

from frugalkit.bench.records import BenchRun
from frugalkit.bench.scoring import POINTS_PER_DECADE, leaderboard, ranking_rule
from frugalkit.bench.tasks import Task
from frugalkit.errors import InputError, NotFoundError
from frugalkit.store import Store, save_run
from frugalkit.store.bench import fit_lengths, latest_completed, payload_field, test_sets

# The web's bound too (web.bench: Query(le=10)); a tenfold energy buying 10 points of
# accuracy already ranks on energy alone.
MAX_POINTS_PER_DECADE = 10.0


def record(store: Store, run: dict[str, Any]) -> dict[str, Any]:
    """Store the run's impact reports (validated) and the run itself in one transaction,
    so that a run refused by the store leaves no orphan report; returns the run."""
    from frugalkit.impact.gate import validate_report

    reports = [validate_report(r) for r in run.pop("reports", [])]
    fitted = fit_lengths(run)  # free text shortened first: the record's limits are the store's
    BenchRun.model_validate(fitted)  # the typed record: a malformed run is refused here
    save_run(store, fitted, reports)
    return run


def board(
    store: Store,
    task: Task,
    test_set: str | None = None,
    points_per_decade: float = POINTS_PER_DECADE,
    include_reported: bool = False,
) -> dict[str, Any]:
    """One task's leaderboard on one test set (default: the one with the most runs): the
    newest completed run of each submission, ranked. Figures a submission reported about
    itself (HTTP submissions) are listed apart, unranked, unless `include_reported`.
    The CLI and the web both show this."""
    if not (math.isfinite(points_per_decade) and 0 <= points_per_decade <= MAX_POINTS_PER_DECADE):
        raise InputError(
            f"points per decade must be a number from 0 to {MAX_POINTS_PER_DECADE:g} "
            f"(got {points_per_decade})"
        )
    sets = test_sets(store, task.id)
    chosen = test_set or (sets[0]["test_set"] if sets else None)
    if test_set is not None and test_set not in {s["test_set"] for s in sets}:
        raise NotFoundError(
            f"no completed run of task {task.id} on test set {test_set!r}; test sets: "
            + (", ".join(repr(s["test_set"]) for s in sets) or "none yet")
        )
    latest = latest_completed(store, task.id, chosen) if chosen else []
    ids = [e["id"] for e in latest]
    if task.kind == "detection" and latest:
        ious = payload_field(store, ids, "metrics", "mean_iou")
        latest = [{**e, "mean_iou": ious.get(e["id"])} for e in latest]
    latest = with_bands(store, latest)  # each entry's band, for error bars and digits
    measured = [e for e in latest if include_reported or e["energy_method"] != "reported"]
    reported = [e for e in latest if not include_reported and e["energy_method"] == "reported"]
    return {
        "task": {"id": task.id, "title": task.title, "kind": task.kind},
        "test_set": chosen,
        "test_sets": sets,
        "points_per_decade": points_per_decade,
        "include_reported": include_reported,
        "entries": leaderboard(measured, points_per_decade, labels=len(task.labels)),
        "rule": ranking_rule(points_per_decade),
        "reported": reported,
    }


def with_bands(store: Store, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs with their energy band per 1,000 samples (from their payloads): a figure has
    the same digits on every board, page and command that shows it."""
    if not runs:
        return runs
    ids = [r["id"] for r in runs]
    lows = payload_field(store, ids, "energy", "energy_low_wh_per_1000")
    highs = payload_field(store, ids, "energy", "energy_high_wh_per_1000")
    return [
        {
            **r,
            "energy_low_wh_per_1000": lows.get(r["id"]),
            "energy_high_wh_per_1000": highs.get(r["id"]),
        }
        for r in runs
    ]


LEADERBOARD_COLUMNS = (
    "rank",
    "tied",
    "score_points",
    "score_low_points",
    "score_high_points",
    "submission",
    "kind",
    "accuracy",
    "mean_iou",
    "energy_wh_per_1000",
    "energy_low_wh_per_1000",
    "energy_high_wh_per_1000",
    "ghg_g_per_1000",
    "chance_floor",
    "stars",
    "pareto",
    "energy_method",
    "hardware",
    "id",
)


def board_csv(entries: list[dict[str, Any]]) -> str:
    """Ranked entries as CSV (units in the column names: Wh and gCO2e per 1,000 samples)."""
    from frugalkit.impact.exports import csv_text

    return csv_text(entries, LEADERBOARD_COLUMNS)
