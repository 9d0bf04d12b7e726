"""`frugalkit bench`: the Frugal AI Challenge engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.bench_many import run_many
from frugalkit.cli.output import emit, opened_store, state, sync_store

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
        table = Table("task", "what", "labels", "data (hub / built-in)")
        for t in TASKS.values():
            table.add_row(t.id, t.title, "\n".join(t.labels), f"{t.hub_dataset}\n{t.builtin}")
        console.print(table)

    emit(ctx, data, render)


TRUSTED_HINT = "; or pass --trusted to run your own code without the sandbox"


def _summary_line(run: dict[str, Any]) -> str:
    if run["status"] != "completed":
        return f"[red]failed[/]: {run['reason']}"
    return (
        f"accuracy {run['accuracy']:.3f}, {run['energy_wh_per_1000']:.4g} Wh and "
        f"{run['ghg_g_per_1000']:.3g} gCO2e per 1,000 samples ({run['energy_method']})"
    )


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
    emit(ctx, result, lambda c: c.print(f"run {result['id']}: {_summary_line(result)}"))
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


METHOD_MARK = {"counter": "measured", "estimate": "estimated", "reported": "reported"}


def render_leaderboard(console: Console, ranked: dict[str, Any]) -> None:
    task, board = ranked["task"]["id"], ranked["entries"]
    if not board:
        console.print(f"no completed run on task {task} yet")
        return
    table = Table(
        title=f"{task} leaderboard on {ranked['test_set']}",
        caption="#: accuracy - 0.05 x log10(Wh/1k) by default; stars: AI Energy Score bands",
    )
    detection = ranked["task"]["kind"] == "detection"
    names = ("#", "submission", "acc.", *(("IoU",) if detection else ()), "Wh/1k", "gCO2e/1k")
    for name in (*names, "energy", "front", "run"):
        numeric = name in ("#", "acc.", "IoU", "Wh/1k", "gCO2e/1k")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=True)
    for e in board:
        name = Path(e["submission"]).stem if e["kind"] in ("joblib", "onnx") else e["submission"]
        iou = e.get("mean_iou")
        table.add_row(
            str(e["rank"]),
            name[-16:],
            f"{e['accuracy']:.3f}",
            *((f"{iou:.3f}" if iou is not None else "",) if detection else ()),
            f"{e['energy_wh_per_1000']:.2g}",
            f"{e['ghg_g_per_1000']:.2g}",
            "★" * e["stars"] + "☆" * (5 - e["stars"]),
            "Pareto" if e["pareto"] else "",
            e["id"][:6],
        )
    console.print(table)
    if ranked["reported"]:
        console.print(
            f"{len(ranked['reported'])} run(s) with self-reported figures are not ranked "
            "(--include-reported ranks them)"
        )
    methods = sorted({METHOD_MARK.get(e["energy_method"], e["energy_method"]) for e in board})
    console.print(
        f"energy per 1,000 samples, {' / '.join(methods)}; `frugalkit bench show RUN` for more"
    )


@app.command("show")
def show(
    ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id or unique prefix.")
) -> None:
    """Show one run: metrics, energy, method, hardware, or why it failed."""
    from frugalkit.store import get_run

    with opened_store(ctx) as store:
        found = get_run(store, run_id)

    def render(console: Console) -> None:
        console.print(f"[bold]run {found['id']}[/] · {found['task']} · {found['submission']}")
        console.print(f"{found['kind']} submission: {found['description']}")
        console.print(_summary_line(found))
        if found["status"] == "completed":
            for line in _details(found):
                console.print(line)

    emit(ctx, found, render)


def _details(found: dict[str, Any]) -> list[str]:
    payload = found["payload"]
    metrics, energy = payload["metrics"], payload["energy"]
    lines = []
    if "macro_f1" in metrics:
        lines.append(
            f"macro-F1 {metrics['macro_f1']:.3f} on {found['samples']} samples "
            f"({payload['data']}, split {payload['split']})"
        )
    if "inference_wh_min" in energy:
        lines.append(
            f"inference: median {energy['inference_wh_median']:.4g} Wh, range "
            f"{energy['inference_wh_min']:.4g} to {energy['inference_wh_max']:.4g} Wh over "
            f"{energy['repeats']} repeats of {energy['inference_s_median']:.3f} s; "
            f"loading the model {payload['load']['wh']:.4g} Wh"
        )
    windows = energy.get("windows_wh_median", {})
    if set(windows) >= {"preprocess", "model"}:
        lines.append(
            f"of which feature extraction {windows['preprocess']:.4g} Wh and the model "
            f"{windows['model']:.4g} Wh (IT energy, medians)"
        )
    lines.append(f"hardware: {found['hardware']}")
    for m in payload.get("methods", []):
        lines.append(f"  {m['component']}: {m['kind']} ({m['meter']}); {m['sampling']}")
    return lines


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
    cards = [train(state(ctx).settings.home, task_spec, name, data, country) for name in names]
    sync_store(ctx)  # ingest the training reports

    def render(console: Console) -> None:
        table = Table("baseline", "trained on", "s", "Wh", "model", "training report")
        for c in cards:
            table.add_row(
                c["name"],
                f"{c['train_samples']} samples",
                f"{c['training_s']:.2f}",
                f"{c['training_wh']:.3g}",
                c["path"],
                c["training_report_id"][:12],
            )
        console.print(table)

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
    Console(stderr=True).print(f"submission {submission} on http://{host}:{port}/ (POST /text)")
    run(web_app, host, port)
