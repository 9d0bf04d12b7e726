"""What machine a run is on: CPU model, logical CPUs, memory, OS, virtualisation."""

from __future__ import annotations

import os
import platform
import socket
import sys
from functools import cache
from pathlib import Path
from typing import Any

from frugalkit.measure import proctree

CPUINFO = Path("/proc/cpuinfo")


@cache
def cpu_model() -> str:
    try:
        for line in CPUINFO.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


@cache
def virtualised() -> bool:
    """True in a virtual machine (the 'hypervisor' CPU flag), where TDP shares mislead."""
    try:
        return " hypervisor" in CPUINFO.read_text()
    except OSError:
        return False


def logical_cpus() -> int:
    """CPUs this process may run on (affinity and cgroup cpusets respected)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def describe(gpus: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "hostname": socket.gethostname(),
        "os": platform.platform(terse=True),
        "python": sys.version.split()[0],
        "cpu_model": cpu_model(),
        "logical_cpus": logical_cpus(),
        "ram_total_gb": round(proctree.meminfo_bytes()["MemTotal"] / 1e9, 3),
        "gpus": gpus,
    }
