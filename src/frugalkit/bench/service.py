"""The bench and the store: record a run with its impact reports, build leaderboards."""

from __future__ import annotations

from typing import Any

from frugalkit.bench.scoring import POINTS_PER_DECADE, leaderboard
from frugalkit.store import Store, list_runs, save_run


def record(store: Store, run: dict[str, Any]) -> dict[str, Any]:
    """Store the run's impact reports (validated) and the run itself in one transaction,
    so that a run refused by the store leaves no orphan report; returns the run."""
    from frugalkit.impact.gate import validate_report

    reports = [validate_report(r) for r in run.pop("reports", [])]
    save_run(store, run, reports)
    return run


def leaderboard_for(
    store: Store, task: str, points_per_decade: float = POINTS_PER_DECADE
) -> list[dict[str, Any]]:
    """The latest completed run of each submission on `task`, ranked."""
    latest: dict[str, dict[str, Any]] = {}
    for run in list_runs(store, task=task, status="completed"):  # newest first
        latest.setdefault(run["submission"], run)
    return leaderboard(list(latest.values()), points_per_decade)
