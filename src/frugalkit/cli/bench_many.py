"""`frugalkit bench run-many`: many evaluations at once, as jobs, locally or on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from frugalkit.cli.jobs import run_with_bar
from frugalkit.cli.output import emit, state
from frugalkit.i18n import gettext as _


def run_many(
    ctx: typer.Context,
    submissions: list[str] = typer.Argument(..., help="Submissions, as for `bench run`."),
    task: str = typer.Option("text", help="Task id (see `bench tasks`)."),
    data: str = typer.Option(None, help="Data file, folder or hub id (default: built-in set)."),
    repeats: int = typer.Option(3, help="Inference repeats of each evaluation."),
    time_limit: float = typer.Option(600.0, help="Wall-time limit of each evaluation, s."),
    memory_limit: int = typer.Option(4096, help="Resident memory limit of each, MB."),
    executor: str = typer.Option(None, help="local or ray (default: FRUGALKIT_EXECUTOR)."),
    workers: int = typer.Option(2, min=1, help="Evaluations at once (local executor)."),
    country: str = typer.Option(None, help="Grid zone of the machines (ISO 3166)."),
    trusted: bool = typer.Option(
        False, help="Your own code only: run it without the sandbox (the runs say so)."
    ),
    queue_only: bool = typer.Option(
        False, help="Queue the jobs and print their ids; `frugalkit worker` runs them."
    ),
) -> None:
    """Evaluate several submissions in parallel: one job (one evaluation process) each,
    run by local worker processes or on a Ray cluster; a summary table at the end."""
    from frugalkit.bench import get_task
    from frugalkit.bench.jobs import KIND
    from frugalkit.bench.runner import check_limits
    from frugalkit.bench.staging import expand, resolve
    from frugalkit.jobs import executor_for
    from frugalkit.sandbox import require

    settings = state(ctx).settings
    get_task(task)
    check_limits(repeats, time_limit, memory_limit, None)
    # Found from here, not from a worker's folder; a bad or missing one before any job.
    resolved = [resolve(found) for spec in submissions for found in expand(spec)]
    if not trusted:
        require("; or pass --trusted to run your own code without the sandbox")
    if data and Path(data).exists():  # a file or folder, not a hub id: absolute for workers
        data = str(Path(data).resolve())
    runner = executor_for(settings, executor, workers)
    if not queue_only:
        runner.start()  # an unreachable cluster fails here, before anything is queued
    inputs = [
        {
            "task": task,
            "submission": spec,
            "data": data,
            "repeats": repeats,
            "time_limit_s": time_limit,
            "memory_limit_mb": memory_limit,
            "country": country,
            "sandboxed": not trusted,
        }
        for spec in resolved
    ]
    words = _("evaluating on %(task)s") % {"task": task}
    jobs = run_with_bar(ctx, runner, KIND, inputs, ("submission", resolved), words, queue_only)
    if jobs is None:
        return
    rows = [_row(spec, job) for spec, job in zip(resolved, jobs, strict=True)]
    emit(ctx, rows, lambda console: console.print(_table(rows)))
    if any(row["status"] != "completed" for row in rows):
        raise typer.Exit(1)


def _row(spec: str, job: Any) -> dict[str, Any]:
    result = job.result or {}
    return {
        "submission": spec,
        "job": job.id,
        "run": result.get("id"),
        "status": result.get("status") or job.state,
        "accuracy": result.get("accuracy"),
        "energy_wh_per_1000": result.get("energy_wh_per_1000"),
        "reason": result.get("reason") or job.error,
    }


def _table(rows: list[dict[str, Any]]) -> Any:
    from frugalkit.cli.tables import NUMERIC, table
    from frugalkit.impact.display import fraction, quantity

    drawn = table("submission", "status", ("accuracy", NUMERIC), ("energy/1k", NUMERIC), "run",
                  "reason", title=_("evaluations"))  # fmt: skip
    for row in rows:
        drawn.add_row(
            row["submission"], _(row["status"]), fraction(row["accuracy"]),
            quantity(row["energy_wh_per_1000"], "Wh"), (row["run"] or "")[:8], row["reason"] or "",
        )  # fmt: skip
    return drawn
