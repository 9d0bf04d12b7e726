"""Evaluate a submission: the runner holds the truth, the submission's process gets inputs.

The trust boundary: the data (inputs and labels) is loaded here, in the runner. The
submission runs in a worker process (see `isolation`) that is sent only the test inputs,
one repeat at a time, and answers with predictions that are checked and scored here.
Energy is measured from outside the worker's process tree (its CPU time, memory and the
GPU counters), from the moment the inputs are sent to the moment the predictions are
back: nothing the submission writes or reports becomes its score.

Isolation: by default a bubblewrap sandbox in a control group of its own (see
`isolation` and `frugalkit.sandbox`); the submission sees only its own files, copied
into a folder of their own (`staging`). `sandboxed=False` (the CLI's `--trusted`) runs a
user's own code without it, and the run's record says so.
"""

from __future__ import annotations

import hashlib
import math
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frugalkit.bench.data import TaskData, load_task_data
from frugalkit.bench.isolation import Evaluation, Failure
from frugalkit.bench.metrics import score
from frugalkit.bench.predictions import BadPredictions, normalise, same_everywhere
from frugalkit.bench.records import test_set_key, unscored
from frugalkit.bench.staging import file_of, resolve, stage
from frugalkit.bench.submissions import kind_of
from frugalkit.bench.tasks import Task, get_task
from frugalkit.errors import InputError
from frugalkit.measure import track
from frugalkit.sandbox import SUBMISSION_DIR
from frugalkit.store.bench import fit_lengths

DEFAULT_TIME_LIMIT_S = 600.0
DEFAULT_MEMORY_LIMIT_MB = 4096
MIN_MEMORY_LIMIT_MB = 64  # a Python interpreter alone needs about 30 MB
MAX_MEMORY_LIMIT_MB = 1_048_576  # 1 TiB: a bound a cgroup and a 64-bit count both hold
MAX_REPEATS = 100
MAX_TIME_LIMIT_S = 7 * 24 * 3600.0
# Repeats whose energy differs by more than this factor are not trusted to a median.
CACHED_RATIO = 2.0


def check_limits(
    repeats: int, time_limit_s: float, memory_limit_mb: int, gpu_memory_limit_mb: int | None
) -> None:
    """Refuse impossible limits before any work, naming the option."""
    if not 1 <= repeats <= MAX_REPEATS:
        raise InputError(f"repeats must be 1 to {MAX_REPEATS} (got {repeats})")
    if not (math.isfinite(time_limit_s) and 0 < time_limit_s <= MAX_TIME_LIMIT_S):
        raise InputError(f"time limit must be a number of seconds above 0 (got {time_limit_s})")
    if not MIN_MEMORY_LIMIT_MB <= memory_limit_mb <= MAX_MEMORY_LIMIT_MB:
        raise InputError(
            f"memory limit must be {MIN_MEMORY_LIMIT_MB} to {MAX_MEMORY_LIMIT_MB:,} MB "
            f"(got {memory_limit_mb})"
        )
    if gpu_memory_limit_mb is not None and not 1 <= gpu_memory_limit_mb <= MAX_MEMORY_LIMIT_MB:
        raise InputError(
            f"GPU memory limit must be 1 to {MAX_MEMORY_LIMIT_MB:,} MB (got {gpu_memory_limit_mb})"
        )


def submission_identity(spec: str) -> str:
    """What makes two runs the same entry: a file's content hash (two files with the same
    name are different entries, a renamed file is the same), or the spec itself."""
    target, name = file_of(spec)
    if not target:  # a module or a URL: the spec names it
        return spec
    try:
        content = Path(target).expanduser().read_bytes()
    except OSError:
        return spec
    digest = hashlib.sha256(content).hexdigest()[:16]
    return f"sha256:{digest}" + (f":{name}" if name else "")


def _energy_summary(reports: list[dict[str, Any]], samples: int) -> dict[str, Any]:
    """Medians and spread over the repeats, per run and per 1,000 samples. The ranked
    figure is the median, unless the repeats disagree by more than CACHED_RATIO: then the
    maximum. Only the first repeat must do the work (its predictions are scored); a
    submission that caches its answers makes the later repeats nearly free."""
    wh = [r["energy"]["facility_kwh"] * 1000 for r in reports]
    disagree = min(wh) * CACHED_RATIO < max(wh)
    ranked = max if disagree else statistics.median
    wall = [r["duration_s"] for r in reports]
    per_1000 = 1000 / samples
    windows: dict[str, list[float]] = {}
    for report in reports:
        for window in report["windows"]:
            windows.setdefault(window["name"], []).append(window["it_kwh"] * 1000)
    components = {
        c: statistics.median(r["energy"][f"{c}_kwh"] * 1000 for r in reports)
        for c in ("cpu", "gpu", "ram")
    }
    return {
        "components_wh_median": components,
        "windows_wh_median": {name: statistics.median(v) for name, v in windows.items()},
        "repeats": len(reports),
        "inference_wh_median": statistics.median(wh),
        "inference_wh_min": min(wh),
        "inference_wh_max": max(wh),
        "inference_s_median": statistics.median(wall),
        "inference_s_min": min(wall),
        "inference_s_max": max(wall),
        "repeats_disagree": disagree,
        "energy_wh_per_1000": ranked(wh) * per_1000,
        "ghg_g_per_1000": ranked(r["ghg"]["location_based_g"] for r in reports) * per_1000,
        "energy_low_wh_per_1000": ranked(r["energy"]["low_kwh"] * 1000 for r in reports) * per_1000,
        "energy_high_wh_per_1000": ranked(r["energy"]["high_kwh"] * 1000 for r in reports)
        * per_1000,
    }


def _hardware(report: dict[str, Any]) -> str:
    host = report["host"]
    gpus = host["gpus"]
    cpu = f"{host['logical_cpus']} x {host['cpu_model']}"
    return f"{cpu} + {len(gpus)} x {gpus[0]['name']}" if gpus else cpu


def evaluate(
    task: Task,
    submission: str,
    *,
    data: str | None = None,
    repeats: int = 3,
    test_size: float = 0.2,
    seed: int = 42,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
    gpu_memory_limit_mb: int | None = None,
    private: bool = False,
    country: str | None = None,
    sandboxed: bool = True,
    gpu: bool = False,
    cpu_time_limit_s: float | None = None,
    keep_predictions: bool = False,
    remote_allow: str | None = None,
) -> dict[str, Any]:
    """Evaluate a submission; returns the run (a dict ready for the store) and, under
    'reports', the impact reports to store with it. A relative file in `submission` is
    found from the caller's working directory; a missing one is an InputError here."""
    check_limits(repeats, time_limit_s, memory_limit_mb, gpu_memory_limit_mb)
    kind = kind_of(submission)
    submission = resolve(submission)
    base: dict[str, Any] = {
        "id": os.urandom(8).hex(),
        "task": task.id,
        "submission": submission,
        "kind": kind,
        "created_at": datetime.now(UTC),
        "private": private,
    }
    fit_lengths(base)  # a spec the store would refuse is refused before any work
    base["submission_key"] = submission_identity(submission)
    limits: dict[str, Any] = {
        "time_s": time_limit_s,
        "memory_mb": memory_limit_mb,
        "gpu_mb": gpu_memory_limit_mb,
    }
    if kind == "http":
        from frugalkit.bench.remote import evaluate_remote

        remote = evaluate_remote(
            task,
            submission,
            data=data,
            test_size=test_size,
            seed=seed,
            timeout_s=time_limit_s,
            allow=remote_allow,  # set by a server's queue: checked and pinned again here
        )
        return {**base, **remote}
    task_data = load_task_data(task, data, test_size=test_size, seed=seed)
    base["test_set"] = test_set_key(task_data)
    limits["cpu_s"] = cpu_time_limit_s
    started = time.monotonic()
    isolation = ""
    try:
        with tempfile.TemporaryDirectory(prefix="frugalkit-submission-") as folder:
            loaded = stage(submission, Path(folder), SUBMISSION_DIR) if sandboxed else submission
            with Evaluation(
                task.id,
                time_limit_s=time_limit_s,
                memory_limit_mb=memory_limit_mb,
                gpu_memory_limit_mb=gpu_memory_limit_mb,
                cpu_time_limit_s=cpu_time_limit_s,
                sandboxed=sandboxed,
                gpu=gpu,
                submission_dir=folder,
                labels=None if task.labels == get_task(task.id).labels else task.labels,
            ) as evaluation:
                isolation = evaluation.isolation
                result = _measured(evaluation, task, task_data, loaded, repeats, country)
                result["peak_rss_mb"] = evaluation.peak_rss_mb
    except Failure as failure:
        return {
            **base,
            **unscored("failed", "none", "", reason=failure.reason(private)),
            "payload": {
                "wall_s": time.monotonic() - started,
                "limits": limits,
                "isolation": isolation,
            },
        }
    limits["isolation"] = isolation
    run = _completed(base, task, task_data, result, private, time.monotonic() - started, limits)
    if keep_predictions:  # for a caller that scores parts of the test set (a challenge)
        run["scoring"] = {"labels": task_data.test.labels, "predictions": result["outputs"][0]}
    return run


def _checked(task: Task, reply: dict[str, Any], stage: str, expected: int) -> list[Any]:
    """The predictions of a reply, checked here again: the worker's word is not trusted."""
    if not reply.get("ok"):
        cause = reply.get("cause")
        public = {
            "exit": f"the submission called sys.exit() in {stage}",
            "memory": f"the submission ran out of memory (MemoryError) in {stage}",
            "predictions": f"{stage} returned unusable predictions",
        }.get(str(cause), f"the submission raised an exception in {stage}")
        raise Failure(public, str(reply.get("detail", ""))[:600])
    try:
        return normalise(task, reply.get("predictions"), expected)
    except BadPredictions as exc:
        raise Failure(f"{stage} returned unusable predictions", str(exc)) from None


def _measured(
    evaluation: Evaluation,
    task: Task,
    task_data: TaskData,
    submission: str,
    repeats: int,
    country: str | None,
) -> dict[str, Any]:
    """Load the submission, then predict `repeats` times, each measured from outside."""
    common = {"persist": False, "country": country, "root_pid": evaluation.measured}
    inputs = task_data.test.inputs
    # Trusted: module specs may name the caller's own folder; sandboxed, it is not there.
    search_path = None if evaluation.sandboxed else os.getcwd()
    with track(f"{task.id}:load", phase="evaluation", **common) as load_run:
        loaded = evaluation.request(
            {"op": "load", "submission": submission, "search_path": search_path}
        )
    if not loaded.get("ok"):
        _checked(task, loaded, "loading the submission", 0)
    reports, outputs = [], []
    for _ in range(repeats):
        with track(
            f"{task.id}:inference",
            phase="inference",
            units=len(inputs),
            functional_unit="sample",
            **common,
        ) as run:
            reply = evaluation.request({"op": "predict", "inputs": inputs}, run=run)
            outputs.append(_checked(task, reply, "predict()", len(inputs)))
        reports.append(run.report)
    return {
        "description": str(loaded.get("description", ""))[:200],
        "outputs": outputs,
        "load_report": load_run.report,
        "inference_reports": reports,
    }


def _completed(
    base: dict[str, Any],
    task: Task,
    task_data: TaskData,
    result: dict[str, Any],
    private: bool,
    wall_s: float,
    limits: dict[str, Any],
) -> dict[str, Any]:
    inference = result["inference_reports"]
    samples = len(task_data.test)
    reports = [result["load_report"], *inference]
    energy = _energy_summary(inference, samples)
    kinds = sorted({m["kind"] for m in inference[0]["methods"]})
    metrics = score(task, task_data.test.labels, result["outputs"][0])
    if private:
        metrics = {k: v for k, v in metrics.items() if k != "confusion_matrix"}
    measured_s = result["load_report"]["duration_s"] + sum(r["duration_s"] for r in inference)
    return {
        **base,
        "description": result["description"],
        "status": "completed",
        "reason": None,
        "samples": samples,
        "accuracy": metrics["accuracy"],  # classification_accuracy for the image task
        "energy_wh_per_1000": energy["energy_wh_per_1000"],
        "ghg_g_per_1000": energy["ghg_g_per_1000"],
        "energy_method": "counter" if kinds == ["counter"] else "estimate",
        "hardware": _hardware(inference[0]),
        "payload": {
            "metrics": metrics,
            "energy": energy,
            "load": {
                "wh": result["load_report"]["energy"]["facility_kwh"] * 1000,
                "s": result["load_report"]["duration_s"],
            },
            "methods": inference[0]["methods"],
            "host": inference[0]["host"],
            "zone": inference[0]["ghg"]["zone"],
            "data": task_data.name,
            "split": task_data.split,
            "test_set": base["test_set"],
            "deterministic": same_everywhere(result["outputs"]),
            "report_ids": [r["id"] for r in reports],
            "peak_rss_mb": result["peak_rss_mb"],
            "timing": {
                "wall_s": wall_s,
                "measured_s": measured_s,
                "runner_overhead_s": wall_s - measured_s,
            },
            "limits": limits,
            "isolation": limits.pop("isolation"),
        },
        "reports": reports,
    }
