"""`frugalkit library add --workers N` (or `--executor ray`, `--queue-only`): one job per
document, run by local worker processes or on a Ray cluster; a table of what each did."""

from __future__ import annotations

from typing import Any

import typer

from frugalkit.cli.jobs import run_with_bar
from frugalkit.cli.output import emit, state
from frugalkit.i18n import gettext as _


def add_as_jobs(
    ctx: typer.Context,
    targets: list[str],
    meta: dict[str, Any],
    workers: int,
    executor: str | None,
    queue_only: bool,
    demo: bool,
) -> None:
    from frugalkit.jobs import executor_for
    from frugalkit.library import service
    from frugalkit.library.jobs import KIND, inputs_for

    settings = state(ctx).settings
    inputs = inputs_for(targets, meta, workers)  # a missing file fails before anything runs
    runner = executor_for(settings, executor, workers)
    if not queue_only:
        runner.start()  # an unreachable cluster fails here, before anything is queued
    if demo:
        with service.open_index(settings) as index:
            service.add_demo(settings, index)
    if not inputs:
        emit(ctx, [], lambda c: c.print(_("the demonstration reports are indexed")))
        return
    jobs = run_with_bar(ctx, runner, KIND, inputs, ("target", targets), _("indexing"), queue_only)
    if jobs is None:
        return
    rows = [_row(target, job) for target, job in zip(targets, jobs, strict=True)]
    emit(ctx, rows, lambda console: console.print(_table(rows)))
    if any(row["status"] != "completed" for row in rows):
        raise typer.Exit(1)


def _row(target: str, job: Any) -> dict[str, Any]:
    result = job.result or {}
    return {
        "target": target,
        "job": job.id,
        "status": job.state,
        "document": result.get("id"),
        "title": result.get("title"),
        "pages": result.get("pages"),
        "passages": result.get("passages"),
        "added": result.get("added"),
        "reason": job.error,
    }


def _table(rows: list[dict[str, Any]]) -> Any:
    from frugalkit.cli.tables import NUMERIC, table

    drawn = table("file", "status", ("pages", NUMERIC), ("passages", NUMERIC), "document",
                  "reason", title=_("documents"))  # fmt: skip
    for row in rows:
        status = _(row["status"])
        if row["status"] == "completed" and row["added"] is False:
            status = _("already indexed")
        drawn.add_row(
            row["target"][-40:], status, str(row["pages"] or ""), str(row["passages"] or ""),
            (row["document"] or "")[:12], row["reason"] or "",
        )  # fmt: skip
    return drawn
