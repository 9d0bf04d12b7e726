"""The runner's side of one evaluation: the worker's process tree, its limits, its channel.

Sandboxed (the default): runner -> bubblewrap -> worker, inside a control group of its
own (`frugalkit.sandbox`): no network, no other process, none of the host's files but
the system's programs, Python and the submission's own folder, not root; memory,
processes and CPU time capped for the group as a whole, and the group is what is
measured and killed. Trusted (`sandboxed=False`, a user's own code): runner ->
supervisor (child subreaper) -> worker, which runs as the runner's user.

Either way the worker gets a scrubbed environment (no store URL, no data directory, no
token), an empty working directory, and only the inputs of the test set. Limits are
enforced from outside: wall time, memory (the cgroup's; trusted: a watchdog on resident
memory, not an address-space limit, which CUDA cannot live with), and GPU memory where
NVML reports it per process.

Reasons for a failure are chosen from a fixed list (`Failure.public`); the submission's
own words (`Failure.detail`) are kept apart, and dropped for a private test set.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from frugalkit.bench.frames import BrokenChannel, read_frame, write_frame
from frugalkit.measure import proctree
from frugalkit.sandbox import DEFAULT_PIDS, Sandbox

TYPE_CHECKING = False
if TYPE_CHECKING:
    from frugalkit.measure.proctree import Root

SUPERVISOR = Path(__file__).with_name("_supervisor.py")
WATCH_INTERVAL_S = 0.1
GPU_WATCH_INTERVAL_S = 0.5
MB = 1024 * 1024
# What the submission's process may inherit: locale, paths to find Python and libraries,
# thread counts and the GPUs it may use. Never FRUGALKIT_*, database URLs or tokens.
INHERITED = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "LD_LIBRARY_PATH",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "CUDA_VISIBLE_DEVICES",
    "NVIDIA_VISIBLE_DEVICES",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)


@dataclass(frozen=True)
class Failure(Exception):
    """Why an evaluation failed: `public` from a fixed list, `detail` from the submission."""

    public: str
    detail: str = ""

    def reason(self, private: bool) -> str:
        if private or not self.detail:
            return self.public
        return f"{self.public}: {self.detail}"[:900]


def scrubbed_environment(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in INHERITED}
    env.update(HOME=folder, TMPDIR=folder, FRUGALKIT_HOME=folder, PYTHONDONTWRITEBYTECODE="1")
    return env


def _sandbox_name() -> str:
    return f"frugalkit-eval-{os.getpid()}-{os.urandom(6).hex()}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Evaluation:
    """One worker tree under limits; use as a context manager."""

    # The evaluation each thread runs, so that a cancelled job can stop its own.
    _by_thread: ClassVar[dict[int, Evaluation]] = {}

    @classmethod
    def stop(cls, thread_id: int) -> None:
        """End the evaluation that thread `thread_id` runs (a job was cancelled)."""
        evaluation = cls._by_thread.get(thread_id)
        if evaluation is not None and evaluation._process is not None:
            evaluation.cancelled = True
            if evaluation._sandbox is not None:
                evaluation._sandbox.group.kill()
            else:
                evaluation._process.send_signal(signal.SIGTERM)

    def __init__(
        self,
        task_id: str,
        *,
        time_limit_s: float,
        memory_limit_mb: int,
        gpu_memory_limit_mb: int | None = None,
        cpu_time_limit_s: float | None = None,
        sandboxed: bool = True,
        gpu: bool = False,
        submission_dir: str | None = None,
        pids_max: int = DEFAULT_PIDS,
        labels: tuple[str, ...] | None = None,
    ) -> None:
        self.task_id = task_id
        self.labels = labels
        self.cpu_time_limit_s = cpu_time_limit_s
        self.submission_dir = submission_dir
        # SandboxUnavailable (what to install) before anything starts.
        self._sandbox = (
            Sandbox(_sandbox_name(), memory_limit_mb=memory_limit_mb, pids_max=pids_max, gpu=gpu)
            if sandboxed
            else None
        )
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb
        self.gpu_memory_limit_mb = gpu_memory_limit_mb
        self.peak_rss_mb = 0.0
        self.stage = "starting the worker"
        self._deadline = 0.0
        self._next_gpu_check = 0.0
        self._folder = tempfile.TemporaryDirectory(prefix="frugalkit-eval-")
        self._process: subprocess.Popen[bytes] | None = None
        self._commands = self._replies = -1
        self.cancelled = False

    @property
    def measured(self) -> Root:
        """What the meters measure: the sandbox's group, or (trusted) the worker's tree."""
        if self._sandbox is not None:
            return self._sandbox.group
        assert self._process is not None
        return self._process.pid

    @property
    def sandboxed(self) -> bool:
        return self._sandbox is not None

    @property
    def isolation(self) -> str:
        """How this evaluation is isolated, for the run's record."""
        if self._sandbox is None:
            return "none (trusted): the submission ran with the runner's user, files and network"
        from frugalkit.sandbox import describe

        return describe()

    def __enter__(self) -> Evaluation:
        commands_r, commands_w = os.pipe()
        replies_r, replies_w = os.pipe()
        folder = self._folder.name
        worker = ["-m", "frugalkit.bench.worker", self.task_id, str(commands_r), str(replies_w)]
        if self.labels is not None:
            worker.append(json.dumps(list(self.labels)))
        self._deadline = time.monotonic() + self.time_limit_s
        with open(os.path.join(folder, "worker.log"), "wb") as log:
            if self._sandbox is not None:
                self._process = self._sandbox.start(
                    [sys.executable, "-I", *worker],  # -I: no PYTHON* variable, no cwd on the path
                    submission_dir=self.submission_dir,
                    env=scrubbed_environment("/tmp"),
                    pass_fds=(commands_r, replies_w),
                    log=log,
                )
            else:
                self._process = self._trusted(worker, folder, (commands_r, replies_w), log)
        os.close(commands_r)
        os.close(replies_w)
        self._commands, self._replies = commands_w, replies_r
        Evaluation._by_thread[threading.get_ident()] = self
        return self

    def _trusted(
        self, worker: list[str], folder: str, fds: tuple[int, int], log: Any
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*self._supervisor(*fds), "--", *worker],
            cwd=folder,
            env=scrubbed_environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=fds,
            start_new_session=True,
        )

    @staticmethod
    def _supervisor(*fds: int) -> list[str]:
        return [sys.executable, str(SUPERVISOR), str(os.getpid()), *map(str, fds)]

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> int | None:
        """End the tree (the supervisor kills every descendant); returns its exit code."""
        Evaluation._by_thread.pop(threading.get_ident(), None)
        process = self._process
        for fd in (self._commands, self._replies):
            if fd >= 0:
                os.close(fd)
        self._commands = self._replies = -1
        code = None
        if self._sandbox is not None:
            code = self._sandbox.close()
        elif process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                code = process.wait()
        self._folder.cleanup()
        return code

    # -- the conversation --------------------------------------------------------------
    def request(self, message: dict[str, Any], run: Any = None) -> dict[str, Any]:
        """Send a command and wait for its answer within the limits. Window marks the
        worker sends meanwhile open windows on `run` (a measure.Run)."""
        self.stage = "loading the submission" if message["op"] == "load" else "predict()"
        try:
            write_frame(self._commands, pickle.dumps(message, protocol=5))
        except (BrokenPipeError, OSError):
            raise self._death() from None
        window = None
        try:
            while True:
                reply = self._receive()
                self._check_oom()  # a child killed for memory while the worker answered
                if "mark" not in reply:
                    return reply
                if run is not None:
                    if window is not None:
                        window.__exit__(None, None, None)
                    window = run.window(str(reply["mark"])[:40])
                    window.__enter__()
                write_frame(self._commands, pickle.dumps({"op": "go"}))
        finally:
            if window is not None:
                window.__exit__(None, None, None)

    def _receive(self) -> dict[str, Any]:
        while True:
            self._watch()
            ready, _, _ = select.select([self._replies], [], [], WATCH_INTERVAL_S)
            if ready:
                break
        try:
            reply = json.loads(read_frame(self._replies))
        except BrokenChannel:
            raise self._death() from None
        except ValueError:
            raise Failure(f"the worker broke the runner's protocol during {self.stage}") from None
        if not isinstance(reply, dict):
            raise Failure(f"the worker broke the runner's protocol during {self.stage}")
        return reply

    def _check_oom(self) -> None:
        """The kernel enforces the sandbox's memory limit by killing one of its processes;
        any such kill fails the evaluation, even if the worker itself survived."""
        if self._sandbox is not None and self._sandbox.group.oom_kills():
            stage = self.stage
            self.close()
            raise Failure(
                f"exceeded the memory limit of {self.memory_limit_mb} MB (everything its "
                f"processes held, /tmp and /dev/shm included) during {stage}"
            )

    def _watch(self) -> None:
        self._check_oom()
        now = time.monotonic()
        if now > self._deadline:
            self.close()
            raise Failure(f"exceeded the time limit of {self.time_limit_s:g} s during {self.stage}")
        cpu_s, rss_bytes = proctree.tree_usage(self.measured)
        rss_mb = rss_bytes / MB
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        if self.cpu_time_limit_s is not None and cpu_s > self.cpu_time_limit_s:
            self.close()
            raise Failure(
                f"exceeded the CPU time limit of {self.cpu_time_limit_s:g} s during {self.stage}"
            )
        if self._sandbox is None and rss_mb > self.memory_limit_mb:  # else the kernel's
            self.close()
            raise Failure(
                f"exceeded the memory limit of {self.memory_limit_mb} MB (resident memory of "
                f"its processes) during {self.stage}"
            )
        if self.gpu_memory_limit_mb is not None and now >= self._next_gpu_check:
            self._next_gpu_check = now + GPU_WATCH_INTERVAL_S
            used_mb = self._gpu_memory_mb()
            if used_mb > self.gpu_memory_limit_mb:
                self.close()
                raise Failure(
                    f"exceeded the GPU memory limit of {self.gpu_memory_limit_mb} MB "
                    f"during {self.stage}"
                )

    def _gpu_memory_mb(self) -> float:
        from frugalkit.measure.registry import gpu_memory_by_pid

        pids = set(proctree.tree_pids(self.measured))
        return sum(b for pid, b in gpu_memory_by_pid().items() if pid in pids) / MB

    def _death(self) -> Failure:
        """Why the worker stopped answering. The exit status is the submission's to
        choose (a private test set could leak through it), so it is detail, not reason."""
        assert self._process is not None
        stage = self.stage
        if self.cancelled:
            return Failure(f"the evaluation was cancelled during {stage}")
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.close()
            return Failure(f"the worker closed its channel to the runner during {stage}")
        public = f"the evaluation process ended without answering during {stage}"
        try:
            self._check_oom()
        except Failure as failure:
            return failure
        if code > 128:
            name = _signal_name(code - 128)
            hint = {
                "SIGSEGV": " (a crash in native code)",
                "SIGKILL": " (by the system: often out of memory)",
            }.get(name, "")
            return Failure(public, f"killed by {name}{hint}")
        return Failure(public, f"exit code {code}")
