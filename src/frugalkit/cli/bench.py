"""`frugalkit bench`: the Frugal AI Challenge engine."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.bench_many import run_many
from frugalkit.cli.boards import details, render_leaderboard, summary_line
from frugalkit.cli.output import emit, opened_store, prose, state, sync_store
from frugalkit.cli.tables import NUMERIC, table
from frugalkit.i18n import gettext as _
from frugalkit.impact.display import decimal, quantity

app = typer.Typer(
    help="Evaluate models on accuracy and energy (Frugal AI Challenge tasks).", no_args_is_help=True
)


@app.command("tasks")
def tasks(ctx: typer.Context) -> None:
    """List the tasks, their labels and data."""
    from frugalkit.bench import TASKS

    data = [
        {
            "id": t.id,
            "title": t.title,
            "labels": list(t.labels),
            "hub_dataset": t.hub_dataset,
            "builtin": t.builtin,
        }
        for t in TASKS.values()
    ]

    def render(console: Console) -> None:
        table = Table(_("task"), _("what"), _("labels"), _("data (hub / built-in)"))
        for t in TASKS.values():
            table.add_row(t.id, _(t.title), "\n".join(t.labels), f"{t.hub_dataset}\n{t.builtin}")
        console.print(table)

    emit(ctx, data, render)


TRUSTED_HINT = "; or pass --trusted to run your own code without the sandbox"


@app.command("run")
def run(
    ctx: typer.Context,
    task: str = typer.Option("text", help="Task id (see `bench tasks`)."),
    submission: str = typer.Option(
        ..., help="path.py:NAME, module:NAME, model.joblib, model.onnx or http(s)://..."
    ),
    data: str = typer.Option(
        None, help="Parquet, CSV or JSONL file, folder, or hub id (default: built-in set)."
    ),
    repeats: int = typer.Option(3, help="Inference repeats; the median energy is reported."),
    time_limit: float = typer.Option(600.0, help="Wall-time limit of the evaluation, s."),
    memory_limit: int = typer.Option(
        4096, help="Resident memory limit of all the evaluation's processes, MB."
    ),
    gpu_memory_limit: int = typer.Option(
        None, help="GPU memory limit of the evaluation's processes, MB (NVML; none by default)."
    ),
    private: bool = typer.Option(False, help="Private test set: only metrics and energy are kept."),
    country: str = typer.Option(None, help="Grid zone of this machine (ISO 3166)."),
    cpu_time_limit: float = typer.Option(
        None, help="CPU time limit of all the evaluation's processes together, s."
    ),
    gpu: bool = typer.Option(False, help="Pass the NVIDIA GPUs into the sandbox."),
    trusted: bool = typer.Option(
        False, help="Your own code only: run it without the sandbox (the run says so)."
    ),
) -> None:
    """Evaluate one submission in a sandbox (bubblewrap) and store the run."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from frugalkit.bench import evaluate, get_task
    from frugalkit.bench.runner import check_limits
    from frugalkit.bench.service import record
    from frugalkit.bench.staging import resolve

    task_spec = get_task(task)
    check_limits(repeats, time_limit, memory_limit, gpu_memory_limit)
    submission = resolve(submission)  # from here, before any run exists
    if not trusted:
        from frugalkit.sandbox import require

        require(TRUSTED_HINT)
    sync_store(ctx)  # a bad store fails before the evaluation
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        progress.add_task(f"evaluating {submission} on {task} ({repeats} repeats)", total=None)
        result = evaluate(
            task_spec,
            submission,
            data=data,
            repeats=repeats,
            time_limit_s=time_limit,
            memory_limit_mb=memory_limit,
            gpu_memory_limit_mb=gpu_memory_limit,
            private=private,
            country=country,
            sandboxed=not trusted,
            gpu=gpu,
            cpu_time_limit_s=cpu_time_limit,
        )
    with opened_store(ctx) as store:
        record(store, result)
    emit(ctx, result, lambda c: prose(c, f"{_('run')} {result['id']}: {summary_line(result)}"))
    if result["status"] != "completed":
        raise typer.Exit(1)


app.command("run-many")(run_many)


@app.command("leaderboard")
def leaderboard(
    ctx: typer.Context,
    task: str = typer.Option("text", help="Task id."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout."),
    points_per_decade: float = typer.Option(
        0.05, help="Accuracy a tenfold increase in energy must buy (composite rank)."
    ),
    test_set: str = typer.Option(
        None, help="Rank runs on this test set (default: the one with the most runs)."
    ),
    include_reported: bool = typer.Option(
        False, help="Rank figures that HTTP submissions reported about themselves too."
    ),
) -> None:
    """Rank the latest run of each submission on accuracy and energy, on one test set."""
    from frugalkit.bench import get_task
    from frugalkit.bench.service import board as board_of
    from frugalkit.bench.service import board_csv

    with opened_store(ctx) as store:
        ranked = board_of(store, get_task(task), test_set, points_per_decade, include_reported)
    board = ranked["entries"]
    if as_csv:
        sys.stdout.write(board_csv(board))
        return
    emit(ctx, ranked, lambda console: render_leaderboard(console, ranked))


@app.command("show")
def show(
    ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id or unique prefix.")
) -> None:
    """Show one run: metrics, energy, method, hardware, or why it failed."""
    from frugalkit.store import get_run

    with opened_store(ctx) as store:
        found = get_run(store, run_id)

    def render(console: Console) -> None:
        console.print(
            f"[bold]{_('run')} {found['id']}[/] · {found['task']} · {found['submission']}"
        )
        console.print(
            _("%(kind)s submission: %(description)s")
            % {"kind": found["kind"], "description": found["description"]}
        )
        prose(console, summary_line(found))
        if found["status"] == "completed":
            for line in details(found):
                console.print(line)

    emit(ctx, found, render)


@app.command("train-baseline")
def train_baseline(
    ctx: typer.Context,
    task: str = typer.Argument("text", help="Task id."),
    data: str = typer.Option(None, help="Training data (default: built-in set)."),
    only: str = typer.Option(None, help="Train this baseline only."),
    country: str = typer.Option(None, help="Grid zone (ISO 3166)."),
) -> None:
    """Train the task's baselines, each measured; saves model and training report."""
    from frugalkit.bench import get_task
    from frugalkit.bench.baselines import baseline_names
    from frugalkit.bench.baselines import train_baseline as train

    task_spec = get_task(task)
    names = [only] if only else baseline_names(task_spec)
    cards: list[dict[str, Any]] = []
    with Console(stderr=True).status("") as status:  # a line that moves while each trains
        for name in names:
            status.update(
                _("training %(name)s on %(task)s (%(n)s of %(total)s)")
                % {"name": name, "task": task, "n": len(cards) + 1, "total": len(names)}
            )
            cards.append(train(state(ctx).settings.home, task_spec, name, data, country))
    sync_store(ctx)  # ingest the training reports

    def render(console: Console) -> None:
        drawn = table(
            _("baseline"),
            (_("trained on"), NUMERIC),
            (_("time"), NUMERIC),
            (_("energy"), NUMERIC),
            _("model"),
            _("report"),
        )
        for c in cards:
            samples = _("%(count)s samples") % {"count": decimal(c["train_samples"], 0)}
            drawn.add_row(
                c["name"], samples, quantity(c["training_s"], "s"),
                quantity(c["training_wh"], "Wh"), c["path"], c["training_report_id"][:12],
            )  # fmt: skip
        console.print(drawn)

    emit(ctx, cards, render)


@app.command("serve-submission")
def serve_submission(
    submission: str = typer.Option(
        ..., help="path.py:NAME, module:NAME, model.joblib or model.onnx."
    ),
    data: str = typer.Option(
        None, help="Answer every request on this data instead of dataset_name."
    ),
    host: str = typer.Option("127.0.0.1", help="Interface."),
    port: int = typer.Option(7860, min=1, max=65535, help="Port (7860, as a Hugging Face Space)."),
    username: str = typer.Option("frugalkit", help="`username` in the answers."),
) -> None:
    """Serve a submission with the challenge's routes (POST /text ...), original JSON."""
    from frugalkit.bench.serve import create_submission_app
    from frugalkit.web.server import run

    web_app = create_submission_app(submission, data=data, username=username)
    Console(stderr=True).print(
        _("submission %(name)s on %(url)s (POST /text)")
        % {"name": submission, "url": f"http://{host}:{port}/"}
    )
    run(web_app, host, port)
