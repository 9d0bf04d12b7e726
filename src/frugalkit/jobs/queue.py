"""Submit, read and cancel jobs; the store holds their state, so any process (a local
worker, a Ray task on another machine, the web server) can run them."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from frugalkit.errors import InputError
from frugalkit.jobs.model import Job
from frugalkit.store import Store
from frugalkit.store import jobs as stored

# A job names its handler as 'module:function'; only frugalkit's own modules may be named,
# so that a row in the store can never make a worker import arbitrary code.
HANDLER_PREFIX = "frugalkit."
DEFAULT_MAX_ATTEMPTS = 2


def handler(kind: str, name: str = "run") -> Callable[..., Any] | None:
    """The handler of a kind ('frugalkit.bench.jobs:evaluate'), or a companion function
    of its module (`name`, e.g. 'lost'), or None."""
    module_name, _, function = kind.partition(":")
    if not module_name.startswith(HANDLER_PREFIX) or not function:
        raise InputError(f"job kind {kind!r} is not a frugalkit handler (module:function)")
    module = importlib.import_module(module_name)
    found = getattr(module, function if name == "run" else name, None)
    return found if callable(found) else None


def submit(
    store: Store,
    kind: str,
    inputs_list: list[dict[str, Any]],
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> list[Job]:
    """Queue one job per inputs, in order; returns them."""
    if handler(kind) is None:
        raise InputError(f"job kind {kind!r} names no function")
    now = datetime.now(UTC)
    rows = [
        {
            "id": os.urandom(8).hex(),
            "kind": kind,
            "inputs": inputs,
            "state": "queued",
            "attempts": 0,
            "max_attempts": max_attempts,
            "worker": None,
            "heartbeat_at": None,
            "cancel_requested": False,
            "result": None,
            "error": None,
            "created_at": now,
            "started_at": None,
            "ended_at": None,
        }
        for inputs in inputs_list
    ]
    stored.insert_jobs(store, rows)
    return [Job.model_validate(row) for row in rows]


def get_job(store: Store, job_id: str) -> Job:
    return Job.model_validate(stored.get_job(store, job_id))


def list_jobs(
    store: Store, state: str | None = None, ids: list[str] | None = None, limit: int = 200
) -> list[Job]:
    return [Job.model_validate(j) for j in stored.list_jobs(store, state, ids, limit)]


def cancel(store: Store, job_id: str) -> Job:
    job = get_job(store, job_id)
    if job.final:
        raise InputError(f"job {job.id} has already ended ({job.state})")
    return Job.model_validate(stored.request_cancel(store, job.id))


def reap(store: Store, stale_s: float) -> list[Job]:
    """Jobs whose worker died: re-queued or failed (see store.jobs.reap_stale). A failed
    one's kind is told, through its module's `lost(inputs, reason)`, if it has one."""
    reaped = [Job.model_validate(j) for j in stored.reap_stale(store, stale_s)]
    for job in reaped:
        if job.state == "failed":
            lost = handler(job.kind, "lost")
            if lost is not None:
                lost(store, job.inputs, job.error or "its worker died")
    return reaped
