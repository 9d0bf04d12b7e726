"""One evaluation, in a process of its own: `python -m frugalkit.bench.worker JOB RESULT`.

The runner starts this process with its limits; this process loads the data (not
measured, as in the original challenge), loads the submission (measured as its own
window), runs inference `repeats` times (each measured, process scope) and writes the
result as JSON. With a private test set only metrics and energy are written, and a
failure's reason never quotes the submission's message (it could hold a sample).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from typing import Any

from frugalkit.bench.data import load_task_data
from frugalkit.bench.metrics import score
from frugalkit.bench.predictions import BadPredictions, normalise, same_everywhere
from frugalkit.bench.submissions import describe, load_predictor
from frugalkit.bench.tasks import get_task
from frugalkit.errors import FrugalkitError
from frugalkit.measure import track


def predict_in_windows(predictor: Any, inputs: list[Any], run: Any) -> Any:
    """predict(), with a scikit-learn pipeline's feature extraction measured apart from
    its model: one participant found MFCC extraction cost 12 times training plus
    inference, so the two are reported separately."""
    steps = getattr(predictor, "steps", None)
    if not isinstance(steps, list) or len(steps) < 2:
        with run.window("predict"):
            return predictor.predict(inputs)
    features = inputs
    with run.window("preprocess"):
        for _, step in steps[:-1]:  # the steps themselves: a slice would re-check fitting
            if step is not None and step != "passthrough":
                features = step.transform(features)
    with run.window("model"):
        return steps[-1][1].predict(features)


def evaluate(job: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    task = get_task(job["task"])
    data = load_task_data(task, job.get("data"), test_size=job["test_size"], seed=job["seed"])
    inputs, truth = data.test.inputs, data.test.labels
    data_s = time.monotonic() - started
    common = {"phase": "evaluation", "persist": False, "country": job.get("country")}
    stage = "loading the submission"
    try:
        with track(f"{task.id}:load", **common) as load_run:
            predictor = load_predictor(job["submission"])
        stage = "predict()"
        reports, outputs = [], []
        for _ in range(job["repeats"]):
            with track(
                f"{task.id}:inference",
                **{**common, "phase": "inference"},
                units=len(inputs),
                functional_unit="sample",
            ) as run:
                raw = predict_in_windows(predictor, inputs, run)
            outputs.append(normalise(task, raw, len(inputs)))
            reports.append(run.report)
    except BadPredictions as exc:
        return {"status": "failed", "reason": str(exc)}
    except MemoryError:
        return {"status": "failed", "reason": "exceeded the memory limit"}
    except FrugalkitError as exc:
        return {"status": "failed", "reason": str(exc)}
    except Exception as exc:
        detail = type(exc).__name__ if job.get("private") else f"{type(exc).__name__}: {exc}"
        return {"status": "failed", "reason": f"the submission raised in {stage}: {detail}"[:500]}
    result = {
        "status": "completed",
        "description": describe(predictor),
        "data": data.name,
        "split": data.split,
        "samples": len(inputs),
        "metrics": score(task, truth, outputs[0]),
        "deterministic": same_everywhere(outputs),
        "load_report": load_run.report,
        "inference_reports": reports,
        "data_load_s": data_s,
    }
    return result


def main(job_path: str, result_path: str) -> int:
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    try:
        result = evaluate(job)
    except FrugalkitError as exc:
        result = {"status": "failed", "reason": str(exc)}
    except MemoryError:
        result = {"status": "failed", "reason": "exceeded the memory limit"}
    except Exception:  # a bug of ours, not the submission's: keep the evidence
        result = {
            "status": "failed",
            "reason": "internal error: " + traceback.format_exc(limit=3)[-400:],
        }
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
