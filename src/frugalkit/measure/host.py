"""What machine a run is on: CPU model, logical CPUs, memory, OS, virtualisation."""

from __future__ import annotations

import os
import sys
from functools import cache

from frugalkit.measure import proctree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CPUINFO = "/proc/cpuinfo"


@cache
def _cpuinfo() -> str:
    try:
        with open(CPUINFO, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


@cache
def cpu_model() -> str:
    for line in _cpuinfo().splitlines():
        if line.startswith(("model name", "Model", "Processor")):
            return line.split(":", 1)[1].strip()
    import platform  # only where /proc/cpuinfo says nothing (macOS, some ARM boards)

    return platform.processor() or platform.machine() or "unknown CPU"


@cache
def virtualised() -> bool:
    """True in a virtual machine (the 'hypervisor' CPU flag), where TDP shares mislead."""
    return " hypervisor" in _cpuinfo()


def logical_cpus() -> int:
    """CPUs this process may run on (affinity and cgroup cpusets respected)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def describe(gpus: list[dict[str, Any]]) -> dict[str, Any]:
    uname = os.uname()
    return {
        "hostname": uname.nodename,
        "os": f"{uname.sysname}-{uname.release}-{uname.machine}",
        "python": sys.version.split()[0],
        "cpu_model": cpu_model(),
        "logical_cpus": logical_cpus(),
        "ram_total_gb": round(proctree.meminfo_bytes()["MemTotal"] / 1e9, 3),
        "gpus": gpus,
    }
