"""`frugalkit jobs` and `frugalkit worker`: queued work, its state, and who runs it."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.output import emit, opened_store, state, stderr
from frugalkit.cli.tables import headers
from frugalkit.i18n import gettext as _

app = typer.Typer(help="List, show and cancel queued work (evaluations).", no_args_is_help=True)
STATES = ("queued", "running", "completed", "failed", "cancelled")
JOB_ID = typer.Argument(..., help="Id or unique prefix.")


@app.command("list")
def list_(
    ctx: typer.Context,
    state_: str = typer.Option(None, "--state", help=f"Only jobs in this state: {STATES}."),
    limit: int = typer.Option(50, min=1, max=10_000, help="How many, newest first."),
) -> None:
    """List jobs, newest first (jobs whose worker died are re-queued or failed first)."""
    from frugalkit.errors import InputError
    from frugalkit.jobs import list_jobs, reap

    if state_ is not None and state_ not in STATES:
        raise InputError(f"state must be one of {', '.join(STATES)} (got {state_!r})")
    settings = state(ctx).settings
    with opened_store(ctx) as store:
        reap(store, settings.job_stale_s)
        jobs = list_jobs(store, state_, limit=limit)
    data = [j.model_dump(mode="json") for j in jobs]

    def render(console: Console) -> None:
        if not jobs:
            console.print(_("no job"))
            return
        table = Table(*headers("id", "kind", "state", "attempts", "worker", "created", "error"))
        for j in jobs:
            table.add_row(
                j.id,
                j.kind.rpartition(".")[2],
                j.state,
                f"{j.attempts}/{j.max_attempts}",
                j.worker or "",
                str(j.created_at)[:19],
                (j.error or "")[:60],
            )
        console.print(table)

    emit(ctx, data, render)


@app.command("show")
def show(
    ctx: typer.Context, job_id: str = typer.Argument(..., help="Id or unique prefix.")
) -> None:
    """Show one job: inputs, state, attempts, worker, heartbeat, result or error."""
    from frugalkit.jobs import get_job

    with opened_store(ctx) as store:
        job = get_job(store, job_id).model_dump(mode="json")
    emit(ctx, job, lambda c: c.print_json(data=job))


@app.command("cancel")
def cancel(
    ctx: typer.Context, job_id: str = typer.Argument(..., help="Id or unique prefix.")
) -> None:
    """Cancel a job: at once if queued; a running one is stopped by its worker."""
    from frugalkit.jobs import cancel as cancel_job

    with opened_store(ctx) as store:
        job = cancel_job(store, job_id)
    said = _("cancelled") if job.state == "cancelled" else _("asked to stop (its worker ends it)")
    emit(ctx, job.model_dump(mode="json"), lambda c: c.print(f"{_('job')} {job.id} {said}"))


def worker(
    ctx: typer.Context,
    exit_when_idle: bool = typer.Option(False, help="Stop when no job is queued."),
    only: str = typer.Option(None, help="Run only these job ids (comma-separated)."),
) -> None:
    """Claim and run queued jobs, one at a time, until stopped (Ctrl-C or SIGTERM ends it
    after the current job). Start one per core you give to evaluations."""
    from frugalkit.jobs import work

    settings = state(ctx).settings
    stop = threading.Event()

    def stopping(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    ids = [i for i in (only or "").split(",") if i] or None
    with opened_store(ctx) as store:
        if ids:  # `--only nope` names no job: say so, rather than run nothing and succeed
            from frugalkit.errors import NotFoundError
            from frugalkit.jobs import list_jobs

            known = {job.id for job in list_jobs(store, ids=ids, limit=len(ids))}
            if unknown := [i for i in ids if i not in known]:
                raise NotFoundError(
                    f"no job {', '.join(map(repr, unknown[:5]))}; `frugalkit jobs list`"
                )
        if not exit_when_idle:
            stderr().print("frugalkit worker: waiting for jobs (Ctrl-C stops)")
        done = work(
            store, stale_s=settings.job_stale_s, exit_when_idle=exit_when_idle, stop=stop, jobs=ids
        )
    ran = _("%(count)s job(s) run") % {"count": done}
    emit(ctx, {"ran": done}, lambda c: c.print(ran))


def run_with_bar(
    ctx: typer.Context,
    runner: Any,
    kind: str,
    inputs: list[dict[str, Any]],
    labels: tuple[str, list[str]],
    words: str,
    queue_only: bool,
) -> list[Any] | None:
    """Queue one job per inputs (`bench run-many`, `library add --workers`). With
    `queue_only`, print their ids, each beside its label (`labels`: the JSON key and one
    label per job), and return None: a `frugalkit worker` runs them. Else run them with
    `runner` under a progress bar saying `words` and return them in order."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from frugalkit.jobs import submit

    key, names = labels
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with opened_store(ctx) as store:
        ids = [job.id for job in submit(store, kind, inputs)]
        if queue_only:
            queued = [{key: name, "job": i} for name, i in zip(names, ids, strict=True)]
            lines = "\n".join(_("queued %(id)s") % {"id": i} for i in ids)
            emit(ctx, queued, lambda c: c.print(lines))
            return None
        with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True)) as bar:
            bar_id = bar.add_task(words, total=len(ids))
            return list(
                runner.run(
                    store,
                    state(ctx).settings,
                    ids,
                    lambda now: bar.update(bar_id, completed=sum(j.final for j in now)),
                )
            )
