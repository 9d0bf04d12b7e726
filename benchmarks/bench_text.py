"""The text task's baselines at the challenge's test size: accuracy, energy, speed, and
what the runner and the measurement cost on top of inference.

The built-in set (400 quotes) is resampled with replacement to the challenge's 6,091
rows, so that the seed-42 split tests 1,219 samples as the original did. Accuracy on
resampled demonstration data says nothing about a model; the energy and times do.

Run: `.venv/bin/python benchmarks/bench_text.py [--repeats 3] [--overhead-loops 50]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def resampled_data(folder: Path, rows: int = 6091, seed: int = 42) -> Path:
    from frugalkit.bench.data.text_demo import generate

    quotes, labels = generate()
    rng = random.Random(seed)
    picks = [rng.randrange(len(quotes)) for _ in range(rows)]
    path = folder / "text-resampled.jsonl"
    path.write_text(
        "".join(json.dumps({"quote": quotes[i], "label": labels[i]}) + "\n" for i in picks)
    )
    return path


def window_cost_s(loops: int) -> float:
    """Median wall time of an empty tracked window (start, stop, report built): what
    measuring adds to each inference, whatever the model."""
    from frugalkit.measure import track

    for _ in range(5):  # warm: meters created, factor files read
        with track("warm", persist=False):
            pass
    costs = []
    for _ in range(loops):
        started = time.perf_counter()
        with track("empty", phase="inference", persist=False):
            pass
        costs.append(time.perf_counter() - started)
    return statistics.median(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--overhead-loops", type=int, default=200)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="frugalkit-bench-text-"))
    os.environ["FRUGALKIT_HOME"] = str(home)

    from frugalkit.bench import evaluate, get_task
    from frugalkit.bench.baselines import baseline_names, train_baseline

    task = get_task("text")
    data_path = resampled_data(home)
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} CPUs, Python {python}, {time.strftime('%Y-%m-%d')}")
    print(
        "text task: baselines trained on the built-in set, tested on 1,219 resampled "
        f"quotes, {args.repeats} repeats\n"
    )
    window_s = window_cost_s(args.overhead_loops)
    columns = [("baseline", 14), ("acc.", 6), ("Wh/1k", 9), ("infer ms", 9), ("samples/s", 10)]
    columns += [("worker s", 9), ("measure", 9)]
    print(" ".join(f"{n:>{w}}" if i else f"{n:{w}}" for i, (n, w) in enumerate(columns)))
    for name in baseline_names(task):
        card = train_baseline(home, task, name)
        run = evaluate(task, card["path"], data=str(data_path), repeats=args.repeats)
        assert run["status"] == "completed", run["reason"]
        energy, timing = run["payload"]["energy"], run["payload"]["timing"]
        infer_s = energy["inference_s_median"]
        worker_s = timing["runner_overhead_s"] + timing["data_load_s"]
        print(
            f"{name:14} {run['accuracy']:6.3f} {run['energy_wh_per_1000']:9.2g} "
            f"{infer_s * 1000:9.2f} {run['samples'] / infer_s:10,.0f} {worker_s:9.2f} "
            f"{window_s / infer_s * 100:8.2f}%"
        )
    print(
        f"\nmeasure: one tracked window costs {window_s * 1000:.2f} ms (median of "
        f"{args.overhead_loops}), shown as a share of the median inference wall time. "
        "worker s: the evaluation process's start, imports, data loading and model "
        "loading, outside the measured inference. infer ms: median over the repeats."
    )


if __name__ == "__main__":
    main()
