"""CPU time and memory of a process tree, of a group of processes, or of the machine.

A measured root is a pid (that process and its descendants) or a `Group` (a sandbox's
control group, which counts every process that ever ran in it, whatever they did to
each other). Linux: read /proc directly (fast, no import cost). Elsewhere: psutil.
CPU times in seconds, memory in bytes.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class Group(Protocol):
        """Processes measured as one (a cgroup): its CPU time, memory and members."""

        label: str

        def cpu_s(self) -> float: ...
        def memory_bytes(self) -> int: ...
        def pids(self) -> list[int]: ...

    Root = int | Group

PROC = "/proc"
_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"{PROC}/{pid}/stat") as f:
            text = f.read()
    except OSError:  # the process ended between listing and reading
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    """Direct children, from /proc/PID/task/*/children (every thread may have some)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"{PROC}/{pid}/task")
    except OSError:
        return kids
    for task in tasks:
        try:
            with open(f"{PROC}/{pid}/task/{task}/children") as f:
                kids.extend(int(k) for k in f.read().split())
        except OSError:
            continue
    return kids


def tree_pids(root_pid: Root) -> list[int]:
    """The root and all its living descendants (a group's members)."""
    if not isinstance(root_pid, int):
        return root_pid.pids()
    pids, frontier = [root_pid], [root_pid]
    while frontier:
        found = [kid for pid in frontier for kid in _children(pid)]
        pids.extend(found)
        frontier = found
    return pids


def tree_cpu_s(root_pid: Root) -> float:
    """CPU time (user + system) of the tree, including descendants that have ended and
    were waited for (their time moves into their parent's cutime/cstime)."""
    if not isinstance(root_pid, int):
        return root_pid.cpu_s()
    if not os.path.isdir(PROC):
        return _psutil_tree_cpu_s(root_pid)
    return _cpu_s_of(root_pid, tree_pids(root_pid))


def tree_rss_bytes(root_pid: Root) -> int:
    """Resident memory of the living tree (a group: all the memory charged to it)."""
    if not isinstance(root_pid, int):
        return root_pid.memory_bytes()
    if not os.path.isdir(PROC):
        return _psutil_tree_rss(root_pid)
    return _rss_bytes_of(tree_pids(root_pid))


def tree_usage(root_pid: Root) -> tuple[float, int]:
    """CPU seconds and resident bytes of the tree, from one walk of it."""
    if not isinstance(root_pid, int):
        return root_pid.cpu_s(), root_pid.memory_bytes()
    if not os.path.isdir(PROC):
        return _psutil_tree_cpu_s(root_pid), _psutil_tree_rss(root_pid)
    pids = tree_pids(root_pid)
    return _cpu_s_of(root_pid, pids), _rss_bytes_of(pids)


def process_cpu_s(pid: int) -> float | None:
    """CPU time of a living process, all its threads (ended ones too), in nanosecond
    precision: Linux's per-process CPU clock, which any process may read
    (clock_getcpuclockid's encoding: CPUCLOCK_SCHED of the whole process). None if gone."""
    if pid == os.getpid():
        return time.process_time()
    try:
        return time.clock_gettime(((~pid) << 3) | 2)
    except OSError:
        return None


def _cpu_s_of(root_pid: int, pids: list[int]) -> float:
    """Each living process's own CPU clock (short windows, such as one fast predict()
    call, need better than /proc's 10 ms ticks) plus the ticks of its ended children."""
    total_s = 0.0
    for pid in pids:
        fields = _stat_fields(pid)
        own_s = process_cpu_s(pid)
        if fields is None or own_s is None:
            continue
        # fields[11:15] = utime, stime, cutime, cstime (stat fields 14-17)
        total_s += own_s + (int(fields[13]) + int(fields[14])) / _TICKS_PER_S
    return total_s


def _rss_bytes_of(pids: list[int]) -> int:
    total_pages = 0
    for pid in pids:
        try:
            with open(f"{PROC}/{pid}/statm") as f:
                total_pages += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total_pages * _PAGE_BYTES


def machine_busy_cpu_s() -> float:
    """CPU time spent busy by all CPUs since boot (not idle, iowait or steal)."""
    if not os.path.isdir(PROC):
        import psutil

        t = psutil.cpu_times()
        return float(t.user + t.system + getattr(t, "nice", 0.0))
    with open(f"{PROC}/stat") as f:
        first = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in first[1:8])
    return (user + nice + system + irq + softirq) / _TICKS_PER_S


def meminfo_bytes() -> dict[str, int]:
    """MemTotal and MemAvailable."""
    if not os.path.isdir(PROC):
        import psutil

        vm = psutil.virtual_memory()
        return {"MemTotal": int(vm.total), "MemAvailable": int(vm.available)}
    values = {}
    with open(f"{PROC}/meminfo") as f:
        lines = f.read().splitlines()
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("MemTotal", "MemAvailable"):
            values[key] = int(rest.split()[0]) * 1024
    return values


def machine_used_ram_bytes() -> int:
    info = meminfo_bytes()
    return info["MemTotal"] - info["MemAvailable"]


def _psutil_tree(root_pid: int) -> list[Any]:
    import psutil

    root = psutil.Process(root_pid)
    return [root, *root.children(recursive=True)]


def _psutil_tree_cpu_s(root_pid: int) -> float:
    total = 0.0
    for proc in _psutil_tree(root_pid):
        t = proc.cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _psutil_tree_rss(root_pid: int) -> int:
    return sum(int(p.memory_info().rss) for p in _psutil_tree(root_pid))
