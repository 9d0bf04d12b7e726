"""Where jobs run: `local` worker processes on this machine, or tasks on a Ray cluster.

Either way one job is one evaluation process, its state in the store: the local executor
starts `frugalkit worker` processes that claim the given jobs; the Ray executor sends one
Ray task per job, which claims that job in the shared store (PostgreSQL for a cluster of
machines; a local cluster may share this machine's SQLite file) and runs it there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from frugalkit.errors import ConfigError
from frugalkit.jobs.model import Job
from frugalkit.jobs.worker import wait_for
from frugalkit.settings import Settings
from frugalkit.store import Store

Progress = Callable[[list[Job]], None]
# What a Ray task needs to reach the same store and data directory as the submitter.
FORWARDED = ("FRUGALKIT_HOME", "FRUGALKIT_DATABASE_URL", "FRUGALKIT_JOB_STALE_S")


class LocalExecutor:
    """`workers` processes of `frugalkit worker`, each running one job at a time."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ConfigError(f"workers must be at least 1 (got {workers})")
        self.workers = workers

    def start(self) -> None:
        """Nothing to reach: workers are started by run()."""

    def run(
        self, store: Store, settings: Settings, ids: list[str], progress: Progress
    ) -> list[Job]:
        command = [sys.executable, "-m", "frugalkit", "worker", "--exit-when-idle"]
        command += ["--only", ",".join(ids)]
        env = {**os.environ, "FRUGALKIT_HOME": str(settings.home)}
        if settings.database_url_from_env:
            env["FRUGALKIT_DATABASE_URL"] = settings.database_url
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
            for _ in range(min(self.workers, len(ids)))
        ]
        try:
            jobs = wait_for(store, ids, progress=progress)
        finally:
            for process in processes:
                process.wait()
        return jobs


def _ray_task(job_id: str, env: dict[str, str]) -> str:
    """Runs inside a Ray worker: claim this job in the shared store and run it."""
    os.environ.update(env)
    from frugalkit.jobs.worker import run_job, worker_name
    from frugalkit.store import jobs as stored
    from frugalkit.store import open_store

    settings = Settings.from_env()
    with open_store(settings) as store:
        name = worker_name(":ray")
        claimed = stored.claim(store, name, job_id)
        if claimed is None:
            return "taken"  # another worker has it, or it was cancelled
        return run_job(store, Job.model_validate(claimed), name)


class RayExecutor:
    """One Ray task per job on the cluster at `address` (empty: a local cluster)."""

    def __init__(self, address: str = "", num_cpus: int | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise ConfigError("the ray executor needs Ray: pip install 'frugalkit[ray]'") from None
        self.ray: Any = ray
        self.address = address
        self.num_cpus = num_cpus

    def _check_reachable(self) -> None:
        """A quick TCP check of HOST:PORT before Ray's own client, which retries for
        minutes on an address where nothing listens."""
        import socket

        target = self.address.removeprefix("ray://")
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            if self.address == "auto":
                return
            raise ConfigError(
                f"FRUGALKIT_RAY_ADDRESS {self.address!r} is not HOST:PORT or ray://HOST:PORT"
            )
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=3).close()
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the Ray cluster at {self.address}: {exc.strerror or exc}; check "
                "FRUGALKIT_RAY_ADDRESS (ray://HOST:10001 or HOST:6379) and that it is running"
            ) from None

    def start(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            return
        if self.address:
            self._check_reachable()
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if self.address:
            options["address"] = self.address
        elif self.num_cpus:
            options["num_cpus"] = self.num_cpus
        try:
            ray.init(**options)
        except Exception as exc:  # ConnectionError, RuntimeError, TimeoutError...
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = self.address or "a new local cluster"
            raise ConfigError(
                f"cannot reach the Ray cluster at {where}: {first[:200]}; check "
                "FRUGALKIT_RAY_ADDRESS (ray://HOST:10001 or HOST:6379) and that it is running"
            ) from None

    def run(
        self, store: Store, settings: Settings, ids: list[str], progress: Progress
    ) -> list[Job]:
        self.start()
        env = {k: os.environ[k] for k in FORWARDED if k in os.environ}
        env["FRUGALKIT_HOME"] = str(settings.home)
        if settings.database_url_from_env:
            env["FRUGALKIT_DATABASE_URL"] = settings.database_url
        remote = self.ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        futures = [remote.remote(job_id, env) for job_id in ids]
        jobs = wait_for(store, ids, progress=progress)
        self.ray.get(futures)
        return jobs


def executor_for(settings: Settings, name: str | None = None, workers: int = 2) -> Any:
    """The executor named (default: FRUGALKIT_EXECUTOR)."""
    chosen = (name or settings.executor).lower()
    if chosen == "local":
        return LocalExecutor(workers)
    if chosen == "ray":
        return RayExecutor(settings.ray_address, num_cpus=None if settings.ray_address else workers)
    raise ConfigError(f"unknown executor {chosen!r}; choose local or ray")
