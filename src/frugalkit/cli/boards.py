"""How a bench board and a run read in a terminal: every figure through the one
formatter (impact/display.py), at the precision its band allows, in 80 columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from frugalkit.cli.tables import NUMERIC, table
from frugalkit.impact.display import NO_VALUE, fraction, per_1000, quantity

METHOD_MARK = {"counter": "measured", "estimate": "estimated", "reported": "reported"}


def _rank(entry: dict[str, Any]) -> str:
    if entry["rank"] is None:
        return NO_VALUE
    return f"{entry['rank']}=" if entry["tied"] else str(entry["rank"])


def render_leaderboard(console: Console, ranked: dict[str, Any]) -> None:
    task, board = ranked["task"]["id"], ranked["entries"]
    if not board:
        console.print(f"no completed run on task {task} yet")
        return
    detection = ranked["task"]["kind"] == "detection"
    drawn = table(
        ("#", NUMERIC), "submission", ("accuracy", NUMERIC),
        *((("IoU", NUMERIC),) if detection else ()),
        ("energy/1k", NUMERIC), ("score", NUMERIC), ("stars", NUMERIC), "front", "run",
        title=f"{task} leaderboard on {ranked['test_set']}",
    )  # fmt: skip
    for e in board:
        name = Path(e["submission"]).stem if e["kind"] in ("joblib", "onnx") else e["submission"]
        stars = NO_VALUE if e["rank"] is None else "★" * e["stars"] + "☆" * (5 - e["stars"])
        drawn.add_row(
            _rank(e), name, fraction(e["accuracy"]),
            *((fraction(e.get("mean_iou")),) if detection else ()),
            per_1000(e)[0], f"{e['score_points']:.1f}", stars,
            "Pareto" if e["pareto"] else "", e["id"][:6],
        )  # fmt: skip
    console.print(drawn)
    console.print(ranked["rule"], highlight=False)
    below = [e for e in board if e["rank"] is None]
    if below:
        console.print(
            f"{len(below)} below chance, not ranked: accuracy at or under "
            f"{fraction(below[0]['chance_floor'])} (guessing among the task's labels)",
            highlight=False,
        )
    if ranked["reported"]:
        console.print(
            f"{len(ranked['reported'])} run(s) with self-reported figures are not ranked "
            "(--include-reported ranks them)"
        )
    methods = sorted({METHOD_MARK.get(e["energy_method"], e["energy_method"]) for e in board})
    console.print(
        f"energy per 1,000 samples, {' / '.join(methods)}; `frugalkit bench show RUN` for "
        "its greenhouse gases and more",
        highlight=False,
    )


def summary_line(run: dict[str, Any]) -> str:
    if run["status"] != "completed":
        return f"[red]failed[/]: {run['reason']}"
    energy = run.get("payload", {}).get("energy", {})
    wh, ghg = per_1000({**energy, **run})
    return (
        f"accuracy {fraction(run['accuracy'])}, {wh} and {ghg} per 1,000 samples "
        f"({METHOD_MARK.get(run['energy_method'], run['energy_method'])})"
    )


def details(found: dict[str, Any]) -> list[str]:
    """What `bench show` adds below the summary line."""
    payload = found["payload"]
    metrics, energy = payload["metrics"], payload["energy"]
    lines = []
    if "macro_f1" in metrics:
        lines.append(
            f"macro-F1 {fraction(metrics['macro_f1'])} on {found['samples']:,} samples "
            f"({payload['data']}, split {payload['split']})"
        )
    if "inference_wh_min" in energy:
        lines.append(
            f"inference: median {quantity(energy['inference_wh_median'], 'Wh')}, range "
            f"{quantity(energy['inference_wh_min'], 'Wh')} to "
            f"{quantity(energy['inference_wh_max'], 'Wh')} over {energy['repeats']} repeats of "
            f"{quantity(energy['inference_s_median'], 's')}; loading the model "
            f"{quantity(payload['load']['wh'], 'Wh')}"
        )
    windows = energy.get("windows_wh_median", {})
    if set(windows) >= {"preprocess", "model"}:
        lines.append(
            f"of which feature extraction {quantity(windows['preprocess'], 'Wh')} and the "
            f"model {quantity(windows['model'], 'Wh')} (IT energy, medians)"
        )
    lines.append(f"hardware: {found['hardware']}")
    for m in payload.get("methods", []):
        lines.append(f"  {m['component']}: {m['kind']} ({m['meter']}); {m['sampling']}")
    return lines
