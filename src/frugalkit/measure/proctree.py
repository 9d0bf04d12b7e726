"""CPU time and memory of a process tree or of the whole machine.

Linux: read /proc directly (fast, no import cost). Elsewhere: psutil.
CPU times in seconds, memory in bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROC = Path("/proc")
_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:  # the process ended between listing and reading
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    """Direct children, from /proc/PID/task/*/children (every thread may have some)."""
    kids: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return kids
    for task in tasks:
        try:
            kids.extend(int(k) for k in (task / "children").read_text().split())
        except OSError:
            continue
    return kids


def tree_pids(root_pid: int) -> list[int]:
    """The root and all its living descendants."""
    pids, frontier = [root_pid], [root_pid]
    while frontier:
        found = [kid for pid in frontier for kid in _children(pid)]
        pids.extend(found)
        frontier = found
    return pids


def tree_cpu_s(root_pid: int) -> float:
    """CPU time (user + system) of the tree, including descendants that have ended and
    were waited for (their time moves into their parent's cutime/cstime)."""
    if not PROC.is_dir():
        return _psutil_tree_cpu_s(root_pid)
    total_ticks = 0
    for pid in tree_pids(root_pid):
        fields = _stat_fields(pid)
        if fields is not None:
            # fields[11:15] = utime, stime, cutime, cstime (stat fields 14-17)
            total_ticks += sum(int(v) for v in fields[11:15])
    return total_ticks / _TICKS_PER_S


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of the living tree."""
    if not PROC.is_dir():
        return _psutil_tree_rss(root_pid)
    total_pages = 0
    for pid in tree_pids(root_pid):
        try:
            total_pages += int((PROC / str(pid) / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total_pages * _PAGE_BYTES


def machine_busy_cpu_s() -> float:
    """CPU time spent busy by all CPUs since boot (not idle, iowait or steal)."""
    if not PROC.is_dir():
        import psutil

        t = psutil.cpu_times()
        return float(t.user + t.system + getattr(t, "nice", 0.0))
    first = (PROC / "stat").read_text().splitlines()[0].split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in first[1:8])
    return (user + nice + system + irq + softirq) / _TICKS_PER_S


def meminfo_bytes() -> dict[str, int]:
    """MemTotal and MemAvailable."""
    if not PROC.is_dir():
        import psutil

        vm = psutil.virtual_memory()
        return {"MemTotal": int(vm.total), "MemAvailable": int(vm.available)}
    values = {}
    for line in (PROC / "meminfo").read_text().splitlines():
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
