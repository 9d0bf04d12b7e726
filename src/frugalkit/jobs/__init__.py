"""Queued work with its state in the store, run by local worker processes or on Ray.

`submit` queues jobs; `work` (the `frugalkit worker` command) claims and runs them with
a heartbeat; a job whose worker died is re-queued or failed by `reap`; `executor_for`
runs a batch locally or on a Ray cluster and waits for it.
"""

from frugalkit.jobs.executors import LocalExecutor, RayExecutor, executor_for
from frugalkit.jobs.model import FINAL, Job
from frugalkit.jobs.queue import cancel, get_job, list_jobs, reap, submit
from frugalkit.jobs.worker import on_cancel, run_job, wait_for, work, worker_name

__all__ = [
    "FINAL",
    "Job",
    "LocalExecutor",
    "RayExecutor",
    "cancel",
    "executor_for",
    "get_job",
    "list_jobs",
    "on_cancel",
    "reap",
    "run_job",
    "submit",
    "wait_for",
    "work",
    "worker_name",
]
