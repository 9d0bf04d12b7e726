"""Evaluations as jobs (`frugalkit.jobs`): queued by the web API or `bench run-many`, run
by a local worker process or a Ray task, each recorded like a `bench run`.

Inputs: task, submission and evaluate()'s options; `run_id` when a queued run record
already exists (the web API shows it while it waits).
"""

from __future__ import annotations

import threading
from typing import Any

from frugalkit.bench.isolation import Evaluation
from frugalkit.bench.records import unscored
from frugalkit.bench.runner import evaluate
from frugalkit.bench.service import record
from frugalkit.bench.tasks import get_task
from frugalkit.store import Store, get_run, save_run

KIND = "frugalkit.bench.jobs:run"
OPTIONS = (
    "data",
    "repeats",
    "test_size",
    "seed",
    "time_limit_s",
    "memory_limit_mb",
    "gpu_memory_limit_mb",
    "private",
    "country",
    "sandboxed",
    "gpu",
    "cpu_time_limit_s",
    "remote_allow",
)


def run(store: Store, inputs: dict[str, Any]) -> dict[str, Any]:
    """Evaluate, record the run, return its summary (the job's result)."""
    from frugalkit.jobs import on_cancel

    thread = threading.get_ident()
    on_cancel(lambda: Evaluation.stop(thread))
    run_id = inputs.get("run_id")
    if run_id:
        save_run(store, {**get_run(store, run_id), "status": "running"})
    options = {k: inputs[k] for k in OPTIONS if k in inputs}
    result = evaluate(get_task(inputs["task"]), inputs["submission"], **options)
    if run_id:
        queued = get_run(store, run_id)
        payload = {**result.get("payload", {}), "queued_by": queued["payload"].get("queued_by")}
        result = {**result, "id": run_id, "created_at": queued["created_at"], "payload": payload}
    record(store, result)
    return {k: result.get(k) for k in ("id", "status", "accuracy", "energy_wh_per_1000", "reason")}


def lost(store: Store, inputs: dict[str, Any], reason: str) -> None:
    """The job failed without its worker recording the run: say so on the run."""
    run_id = inputs.get("run_id")
    if run_id:
        queued = get_run(store, run_id)
        save_run(
            store,
            {**queued, **unscored("failed", queued["energy_method"], "")}
            | {
                "reason": f"the evaluation's worker died: {reason}"[:900],
                "payload": queued["payload"],
            },
        )
