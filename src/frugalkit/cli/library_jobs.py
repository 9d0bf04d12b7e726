"""`frugalkit library add --workers N` (or `--executor ray`, `--queue-only`): one job per
document, run by local worker processes or on a Ray cluster; a table of what each did."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frugalkit.cli.output import emit, opened_store, state
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
    from frugalkit.jobs import executor_for, submit
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
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with opened_store(ctx) as store:
        ids = [job.id for job in submit(store, KIND, inputs)]
        if queue_only:
            queued = [{"target": t, "job": i} for t, i in zip(targets, ids, strict=True)]
            lines = "\n".join(_("queued %(id)s") % {"id": i} for i in ids)
            emit(ctx, queued, lambda c: c.print(lines))
            return
        with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True)) as bar:
            bar_id = bar.add_task(_("indexing"), total=len(ids))
            jobs = runner.run(
                store,
                settings,
                ids,
                lambda now: bar.update(bar_id, completed=sum(j.final for j in now)),
            )
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
