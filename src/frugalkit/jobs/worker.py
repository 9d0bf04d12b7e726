"""Run jobs: claim one, run its handler with a heartbeat, record how it ended.

A handler is `run(store, inputs) -> dict` (the job's result). While it runs, a thread
renews the job's heartbeat every HEARTBEAT_S; a worker that dies (kill -9, a reboot)
stops renewing it, and the next worker or `frugalkit jobs list` re-queues or fails the
job (`queue.reap`). A cancel asked while the job runs reaches the handler through the
callbacks it registered with `on_cancel`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from frugalkit.jobs.model import Job
from frugalkit.jobs.queue import handler, reap
from frugalkit.store import Store
from frugalkit.store import jobs as stored

log = logging.getLogger("frugalkit.jobs")
HEARTBEAT_S = 2.0
_cancel_hooks: dict[int, list[Callable[[], None]]] = {}
_hooks_lock = threading.Lock()


def worker_name(suffix: str = "") -> str:
    return f"{os.uname().nodename}:{os.getpid()}{suffix}"


def on_cancel(callback: Callable[[], None]) -> None:
    """Called by a handler: run `callback` if its job is cancelled while it runs."""
    with _hooks_lock:
        _cancel_hooks.setdefault(threading.get_ident(), []).append(callback)


def _fire(thread_id: int) -> None:
    with _hooks_lock:
        hooks = list(_cancel_hooks.get(thread_id, []))
    for hook in hooks:
        try:
            hook()
        except Exception:  # one broken hook must not keep the others from running
            log.exception("a cancel hook failed")


def run_job(store: Store, job: Job, worker: str) -> str:
    """Run a claimed job to its end; returns the state recorded."""
    stop = threading.Event()
    cancelled = threading.Event()
    job_thread = threading.get_ident()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_S):
            answer = stored.heartbeat(store, job.id, worker)
            if answer and not cancelled.is_set():
                cancelled.set()
                _fire(job_thread)

    beating = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
    beating.start()
    try:
        run = handler(job.kind)
        assert run is not None
        result = run(store, job.inputs)
        state, error = (
            ("cancelled", "cancelled while running") if cancelled.is_set() else _outcome(result)
        )
    except Exception as exc:  # the job fails with its reason; the worker goes on
        result, state = None, "cancelled" if cancelled.is_set() else "failed"
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
    finally:
        stop.set()
        beating.join()
        with _hooks_lock:
            _cancel_hooks.pop(job_thread, None)
    if not stored.finish(store, job.id, worker, state, result, error):
        log.warning("job %s was taken from this worker (reaped?); its result is dropped", job.id)
    return state


def _outcome(result: Any) -> tuple[str, str | None]:
    """A job whose handler returned a failed run (a bench run or a challenge entry that
    failed) failed too: its state must not say "completed" (issue 23)."""
    if isinstance(result, dict):
        said = result.get("status", result.get("state"))
        if said == "failed":
            return "failed", str(result.get("reason") or "the run failed")[:500]
    return "completed", None


def work(
    store: Store,
    *,
    stale_s: float,
    worker: str | None = None,
    exit_when_idle: bool = False,
    poll_s: float = 0.5,
    stop: threading.Event | None = None,
    jobs: list[str] | None = None,
) -> int:
    """Claim and run jobs until stopped (or, with `exit_when_idle`, until none is queued;
    with `jobs`, only those ids). Returns how many it ran."""
    name = worker or worker_name()
    stop = stop or threading.Event()
    wanted: list[str | None] = list(jobs) if jobs else [None]  # None: the oldest queued
    done = 0
    while not stop.is_set():
        reap(store, stale_s)
        claimed = None
        for job_id in wanted:
            claimed = stored.claim(store, name, job_id)
            if claimed:
                break
        if claimed is None:
            if exit_when_idle:
                return done
            stop.wait(poll_s)
            continue
        run_job(store, Job.model_validate(claimed), name)
        done += 1
    return done


def wait_for(
    store: Store,
    ids: list[str],
    poll_s: float = 0.2,
    timeout_s: float | None = None,
    progress: Callable[[list[Job]], None] | None = None,
) -> list[Job]:
    """Block until every job in `ids` has ended; returns them in the order given."""
    from frugalkit.jobs.queue import list_jobs

    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        jobs = {j.id: j for j in list_jobs(store, ids=ids, limit=len(ids))}
        ordered = [jobs[i] for i in ids if i in jobs]
        if progress:
            progress(ordered)
        if all(j.final for j in ordered):
            return ordered
        if deadline is not None and time.monotonic() > deadline:
            return ordered
        time.sleep(poll_s)
