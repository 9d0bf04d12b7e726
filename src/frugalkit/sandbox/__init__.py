"""The isolation of untrusted code: bubblewrap namespaces inside one control group.

`Sandbox.start(argv, ...)` runs `argv` under bubblewrap (see `sandbox.bwrap` for what is
visible inside) as the only member of a new control group (see `sandbox.cgroup`) that
caps its memory (tmpfs, /dev/shm and memfds included) and its processes. The group is
also what is measured: its CPU time counts every process that ever ran in it, so killing
a process inside cannot move work out of the measurement. `close()` kills the whole
group and deletes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import IO

from frugalkit.sandbox.bwrap import SUBMISSION_DIR, SandboxUnavailable, command, version
from frugalkit.sandbox.cgroup import Cgroup, CgroupUnavailable

MB = 1024 * 1024
DEFAULT_PIDS = 64  # processes and threads: BLAS pools on a large machine fit, a fork bomb does not
DEFAULT_TMP_MB = 256
# The shell joins every hierarchy of the group, then becomes bwrap: nothing runs outside it.
JOIN = 'for f in $FRUGALKIT_CGROUP_PROCS; do echo $$ > "$f" || exit 125; done; exec "$@"'

__all__ = [
    "SUBMISSION_DIR",
    "Cgroup",
    "CgroupUnavailable",
    "Sandbox",
    "SandboxUnavailable",
    "describe",
    "require",
    "version",
]


def require(hint: str = "") -> None:
    """Raise SandboxUnavailable (what to install, then `hint`) where none can start."""
    try:
        version()
    except SandboxUnavailable as exc:
        raise SandboxUnavailable(f"{exc}{hint}") from None


def describe() -> str:
    """What isolates a run here, for its record ('bubblewrap 0.8.0 + cgroup v1')."""
    cgroup_v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    return f"{version()} + cgroup v{2 if cgroup_v2 else 1}"


class Sandbox:
    """One sandboxed process tree. Limits: `memory_limit_mb` (everything its processes
    hold, tmpfs included), `pids_max` processes and threads, `tmp_mb` for each of /tmp
    and /dev/shm (also counted as memory)."""

    def __init__(
        self,
        name: str,
        *,
        memory_limit_mb: int,
        pids_max: int = DEFAULT_PIDS,
        tmp_mb: int = DEFAULT_TMP_MB,
        gpu: bool = False,
    ) -> None:
        version()  # SandboxUnavailable, with what to install, before anything is made
        self.gpu = gpu
        self.tmp_bytes = min(tmp_mb, memory_limit_mb) * MB
        self.group = Cgroup.create(name, memory_bytes=memory_limit_mb * MB, pids_max=pids_max)
        self.process: subprocess.Popen[bytes] | None = None

    def start(
        self,
        argv: list[str],
        *,
        submission_dir: str | None,
        env: dict[str, str],
        pass_fds: tuple[int, ...],
        log: IO[bytes],
    ) -> subprocess.Popen[bytes]:
        inner = command(
            argv, submission_dir=submission_dir, env=env, tmp_bytes=self.tmp_bytes, gpu=self.gpu
        )
        shell = shutil.which("sh") or "/bin/sh"
        self.process = subprocess.Popen(
            [shell, "-c", JOIN, "sh", *inner],
            env={
                "PATH": "/usr/bin:/bin",
                "FRUGALKIT_CGROUP_PROCS": " ".join(self.group.procs_files),
            },
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=pass_fds,
            start_new_session=True,
        )
        return self.process

    def close(self) -> int | None:
        """Kill everything in the group, reap bwrap, delete the group; bwrap's status."""
        self.group.kill()
        code = None
        if self.process is not None:
            try:
                code = self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        self.group.remove()
        return code
