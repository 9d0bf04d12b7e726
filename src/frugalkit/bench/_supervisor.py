"""The evaluation's supervisor, run as a script (stdlib only, no package import):
`python _supervisor.py PARENT_PID FD... -- WORKER_ARGV...`.

It makes itself the child subreaper of the evaluation, so that a process the submission
detaches (`setsid`, a double fork) is re-parented to it and stays inside the tree the
runner measures and kills; it dies with the runner (PR_SET_PDEATHSIG). It starts the
worker, closes its own copies of the worker's pipes (so the runner sees the worker's end
of file), reaps every orphan, and when the worker has ended or the runner sends SIGTERM,
kills every descendant it has before exiting with the worker's status.
"""

import contextlib
import ctypes
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
GONE = 0x7F  # exit status when the worker's own status is unknown


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    frontier = [pid]
    while frontier:
        kids: list[int] = []
        for parent in frontier:
            try:
                for task in os.listdir(f"/proc/{parent}/task"):
                    with open(f"/proc/{parent}/task/{task}/children") as f:
                        kids.extend(int(k) for k in f.read().split())
            except OSError:
                continue
        found.extend(kids)
        frontier = kids
    return found


def kill_all() -> None:
    """SIGKILL every descendant until none is left (new ones may appear meanwhile)."""
    for _ in range(100):
        pids = descendants(os.getpid())
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reap(block_s=0.05)


def reap(block_s: float = 0.0) -> dict[int, int]:
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + block_s
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return statuses
        if pid == 0:
            if time.monotonic() >= deadline:
                return statuses
            time.sleep(0.005)
            continue
        statuses[pid] = status


class Stopped(Exception):
    pass


def stop(*_: object) -> None:
    raise Stopped


def main(argv: list[str]) -> int:
    parent = int(argv[0])
    split = argv.index("--")
    fds = [int(fd) for fd in argv[1:split]]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the runner died before the signal was armed
        return GONE
    signal.signal(signal.SIGTERM, stop)
    worker = os.fork()
    if worker == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.execv(sys.executable, [sys.executable, *argv[split + 1 :]])
    for fd in fds:
        os.close(fd)
    code = None
    try:  # a blocking wait: the supervisor spends no CPU inside the measured windows
        while code is None:
            pid, status = os.wait()
            if pid == worker:
                code = os.waitstatus_to_exitcode(status)
    except (Stopped, ChildProcessError):
        pass
    kill_all()
    if code is None:
        code = os.waitstatus_to_exitcode(reap().get(worker, GONE << 8))
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
