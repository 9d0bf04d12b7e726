"""Embodied impacts of the hardware a run reserved, allocated by time and share."""

from __future__ import annotations

from frugalkit.errors import InputError
from frugalkit.impact.data import field
from frugalkit.impact.indicators import time_share

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def profile(name: str) -> dict[str, Any]:
    profiles: dict[str, dict[str, Any]] = field("embodied", "profiles")
    if name not in profiles:
        raise InputError(f"unknown hardware profile {name!r}; known: {', '.join(sorted(profiles))}")
    return {"name": name, **profiles[name]}


def allocate(
    item: dict[str, Any], duration_s: float, share: float, count: int = 1
) -> dict[str, Any]:
    """Impacts of `count` items of a profile, over `duration_s`, at `share` of each.

    >>> p = {"name": "x", "gwp_kgco2e": 900.0, "adpe_kgsbeq": 0.14, "pe_mj": 13000.0,
    ...      "lifetime_years": 4.0, "source": "s"}
    >>> round(allocate(p, 3600, 0.5)["gwp_g"], 4)
    12.8425
    """
    fraction = time_share(duration_s, float(item["lifetime_years"])) * share * count
    return {
        "profile": item["name"],
        "count": count,
        "share": share,
        "lifetime_years": item["lifetime_years"],
        "gwp_g": float(item["gwp_kgco2e"]) * 1000.0 * fraction,
        "adpe_kgsbeq": float(item["adpe_kgsbeq"]) * fraction,
        "pe_mj": float(item["pe_mj"]) * fraction,
        "source": item["source"],
    }


def hardware_items(
    duration_s: float, logical_cpus: int, gpu_count: int, host_profile: str | None = None
) -> list[dict[str, Any]]:
    """The host (and its GPUs) a run reserved, each with its allocated impacts.

    Without GPUs the share of the host is the logical CPUs visible to the run over the
    profile's hardware threads (a 2-vCPU VM on a 96-thread server reserves 2/96 of it).
    With GPUs it is the GPUs used over the server's GPU slots, and each GPU counts whole.
    """
    if gpu_count > 0:
        host = profile(host_profile or str(field("embodied", "default_gpu_host")))
        slots = int(host.get("gpu_slots", gpu_count))
        gpu = profile(str(field("embodied", "default_gpu")))
        return [
            allocate(host, duration_s, min(gpu_count / slots, 1.0)),
            allocate(gpu, duration_s, 1.0, count=gpu_count),
        ]
    host = profile(host_profile or str(field("embodied", "default_host")))
    threads = int(host.get("threads", logical_cpus))
    return [allocate(host, duration_s, min(logical_cpus / threads, 1.0))]
