"""The image and audio baselines on 1,000 freshly generated samples per task: accuracy
(and mean IoU), throughput, and energy per 1,000 samples with feature extraction and
model inference apart.

Baselines are trained on the built-in sets (seed 42); the 1,000 test samples come from
the same generators with another seed (7), so no test sample was seen in training.

Run: `.venv/bin/python benchmarks/bench_image_audio.py [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def test_set(task_id: str) -> tuple[list[Any], list[Any]]:
    if task_id == "image":
        from frugalkit.bench.data.image_demo import generate as images

        return images(per_class=500, seed=7)
    from frugalkit.bench.data.audio_demo import generate as clips

    return clips(per_label=500, seed=7)


class Windows:
    """The worker's window marks, opened in this process (the runner does it from outside)."""

    def __init__(self, run: Any) -> None:
        self.run, self.open = run, None

    def mark(self, name: str) -> None:
        self.close()
        self.open = self.run.window(name)
        self.open.__enter__()

    def close(self) -> None:
        if self.open is not None:
            self.open.__exit__(None, None, None)
            self.open = None


def measure(model: Any, inputs: list[Any], repeats: int) -> tuple[list[Any], dict[str, float]]:
    """Predictions, and medians over the repeats of wall time and IT energy per window."""
    from frugalkit.bench.worker import predict_in_windows
    from frugalkit.measure import track

    seconds, windows = [], {}
    for _ in range(repeats):
        with track("bench", phase="inference", units=len(inputs), persist=False) as run:
            marks = Windows(run)
            raw = predict_in_windows(model, inputs, marks)  # type: ignore[arg-type]
            marks.close()
        assert run.report is not None
        seconds.append(run.report["duration_s"])
        for window in run.report["windows"]:
            windows.setdefault(window["name"], []).append(window["it_kwh"] * 1000)
    summary = {name: statistics.median(v) for name, v in windows.items()}
    summary["seconds"] = statistics.median(seconds)
    return raw, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["FRUGALKIT_HOME"] = tempfile.mkdtemp(prefix="frugalkit-bench-ia-")
    import joblib

    from frugalkit.bench import get_task
    from frugalkit.bench.baselines import baseline_names, train_baseline
    from frugalkit.bench.metrics import score
    from frugalkit.bench.predictions import normalise

    home = Path(os.environ["FRUGALKIT_HOME"])
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} CPUs, Python {python}, {time.strftime('%Y-%m-%d')}")
    print(f"1,000 generated test samples per task (seed 7), {args.repeats} repeats, medians\n")
    print(
        f"{'task':6} {'baseline':14} {'acc.':>6} {'IoU':>6} {'samples/s':>10} "
        f"{'features Wh/1k':>15} {'model Wh/1k':>12} {'total Wh/1k':>12}"
    )
    for task_id in ("image", "audio"):
        task = get_task(task_id)
        inputs, truth = test_set(task_id)
        for name in baseline_names(task):
            card = train_baseline(home, task, name)
            model = joblib.load(card["path"])
            raw, energy = measure(model, inputs, args.repeats)
            metrics = score(task, truth, normalise(task, raw, len(inputs)))
            per_1000 = 1000 / len(inputs)
            features = energy.get("preprocess", 0.0) * per_1000
            inference = energy.get("model", energy.get("predict", 0.0)) * per_1000
            iou = f"{metrics['mean_iou']:6.3f}" if "mean_iou" in metrics else f"{'':>6}"
            print(
                f"{task_id:6} {name:14} {metrics['accuracy']:6.3f} {iou} "
                f"{len(inputs) / energy['seconds']:10,.0f} {features:15.3g} {inference:12.3g} "
                f"{features + inference:12.3g}"
            )
    print("\nenergy: IT energy (no PUE) estimated from CPU time on this machine; 'features'")
    print("is the pipeline's transform steps, 'model' its final predict().")


if __name__ == "__main__":
    main()
