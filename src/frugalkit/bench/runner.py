"""Run one evaluation in its own process, with a wall-time and a memory limit.

Isolation, said plainly: the worker is a separate process in its own session (process
group), with an address-space limit (RLIMIT_AS) and a wall-clock limit after which the
whole group is killed. That stops runaway memory, hangs and stray child processes, and
keeps a crash from touching the runner or the store. It is NOT a sandbox: the
submission's Python code runs with the runner's user, files and network. Run untrusted
submissions inside a container or VM of their own (one job = one process, so a Ray or
Kubernetes worker can run each).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frugalkit.bench.submissions import kind_of
from frugalkit.bench.tasks import Task
from frugalkit.store.bench import fit_lengths

DEFAULT_TIME_LIMIT_S = 600.0
DEFAULT_MEMORY_LIMIT_MB = 4096
MB = 1024 * 1024


def unscored(status: str, energy_method: str, hardware: str, **fields: Any) -> dict[str, Any]:
    """The fields of a run without scores: failed, queued or running."""
    return {
        "description": "",
        "status": status,
        "reason": None,
        "samples": 0,
        "accuracy": None,
        "energy_wh_per_1000": None,
        "ghg_g_per_1000": None,
        "energy_method": energy_method,
        "hardware": hardware,
        "reports": [],  # what evaluate() returns: a run and the impact reports it made
        **fields,
    }


def _limit_memory(limit_mb: int) -> Any:
    def apply() -> None:
        limit = limit_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def run_worker(job: dict[str, Any], time_limit_s: float, memory_limit_mb: int) -> dict[str, Any]:
    """Start the worker, wait for it within the limits, return its result (or why not)."""
    with tempfile.TemporaryDirectory(prefix="frugalkit-eval-") as folder:
        job_path, result_path = Path(folder, "job.json"), Path(folder, "result.json")
        log_path = Path(folder, "worker.log")
        job_path.write_text(json.dumps(job))
        started = time.monotonic()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "frugalkit.bench.worker", str(job_path), str(result_path)],
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own group: killed whole, grandchildren too
                preexec_fn=_limit_memory(memory_limit_mb),
            )
            try:
                process.wait(timeout=time_limit_s)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                process.wait()
                return {
                    "status": "failed",
                    "reason": f"exceeded the time limit of {time_limit_s:g} s",
                    "wall_s": time.monotonic() - started,
                }
            finally:
                _kill_group(process)  # whatever it left running
        wall_s = time.monotonic() - started
        if result_path.exists():
            try:
                result: dict[str, Any] = json.loads(result_path.read_text())
            except json.JSONDecodeError:
                result = {"status": "failed", "reason": "the worker wrote an unreadable result"}
        else:
            result = {
                "status": "failed",
                "reason": _death_reason(process.returncode, log_path, memory_limit_mb),
            }
        result["wall_s"] = wall_s
        return result


def _death_reason(code: int, log_path: Path, memory_limit_mb: int) -> str:
    tail = (
        log_path.read_text(errors="replace").strip().splitlines()[-1:] if log_path.exists() else []
    )
    if code < 0:
        name = signal.Signals(-code).name
        if -code in (signal.SIGKILL, signal.SIGSEGV):
            return (
                f"the evaluation was killed ({name}), likely past the memory limit of "
                f"{memory_limit_mb} MB"
            )
        return f"the evaluation was killed by {name}"
    last = tail[0][:300] if tail else "no output"
    if "MemoryError" in last or "bad_alloc" in last:
        return f"exceeded the memory limit of {memory_limit_mb} MB"
    return f"the evaluation process exited with code {code}: {last}"


def _energy_summary(reports: list[dict[str, Any]], samples: int) -> dict[str, Any]:
    """Median and spread over the repeats, per run and per 1,000 samples."""
    wh = [r["energy"]["facility_kwh"] * 1000 for r in reports]
    ghg = [r["ghg"]["location_based_g"] for r in reports]
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
        "energy_wh_per_1000": statistics.median(wh) * per_1000,
        "ghg_g_per_1000": statistics.median(ghg) * per_1000,
        "energy_low_wh_per_1000": statistics.median(r["energy"]["low_kwh"] for r in reports)
        * 1000
        * per_1000,
        "energy_high_wh_per_1000": statistics.median(r["energy"]["high_kwh"] for r in reports)
        * 1000
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
    private: bool = False,
    country: str | None = None,
) -> dict[str, Any]:
    """Evaluate a submission; returns the run (a dict ready for the store) and, under
    'reports', the impact reports to store with it."""
    from frugalkit.errors import InputError

    if repeats < 1:
        raise InputError(f"repeats must be >= 1 (got {repeats})")
    kind = kind_of(submission)
    run_id = os.urandom(8).hex()
    base: dict[str, Any] = {
        "id": run_id,
        "task": task.id,
        "submission": submission,
        "kind": kind,
        "created_at": datetime.now(UTC),
        "private": private,
    }
    fit_lengths(base)  # a spec the store would refuse is refused before any work
    if kind == "http":
        from frugalkit.bench.remote import evaluate_remote

        return {
            **base,
            **evaluate_remote(
                task, submission, data=data, test_size=test_size, seed=seed, timeout_s=time_limit_s
            ),
        }
    job = {
        "task": task.id,
        "submission": submission,
        "data": data,
        "test_size": test_size,
        "seed": seed,
        "repeats": repeats,
        "private": private,
        "country": country,
    }
    result = run_worker(job, time_limit_s, memory_limit_mb)
    if result["status"] != "completed":
        return {
            **base,
            **unscored("failed", "none", "", reason=result["reason"]),
            "payload": {
                "wall_s": result["wall_s"],
                "limits": {"time_s": time_limit_s, "memory_mb": memory_limit_mb},
            },
        }
    reports = [result["load_report"], *result["inference_reports"]]
    inference = result["inference_reports"]
    energy = _energy_summary(inference, result["samples"])
    kinds = sorted({m["kind"] for m in inference[0]["methods"]})
    measured_s = result["load_report"]["duration_s"] + sum(r["duration_s"] for r in inference)
    metrics = result["metrics"]
    if private:
        metrics = {k: v for k, v in metrics.items() if k != "confusion_matrix"}
    return {
        **base,
        "description": result["description"],
        "status": "completed",
        "reason": None,
        "samples": result["samples"],
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
            "data": result["data"],
            "split": result["split"],
            "deterministic": result["deterministic"],
            "report_ids": [r["id"] for r in reports],
            "timing": {
                "wall_s": result["wall_s"],
                "data_load_s": result["data_load_s"],
                "measured_s": measured_s,
                "runner_overhead_s": result["wall_s"] - measured_s - result["data_load_s"],
            },
            "limits": {"time_s": time_limit_s, "memory_mb": memory_limit_mb},
        },
        "reports": reports,
    }
