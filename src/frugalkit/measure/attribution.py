"""From two snapshots of every meter to the energy of each component in a window."""

from __future__ import annotations

import time

from frugalkit.impact.indicators import J_PER_KWH
from frugalkit.measure import proctree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from frugalkit.measure.meters.base import Meter
    from frugalkit.measure.proctree import Root


class Snapshot:
    """Every meter's cumulative readings at one instant (a plain class: no dataclasses
    import on the tracking path)."""

    __slots__ = (
        "gpu_activity", "machine_cpu_s", "monotonic_s", "readings", "tree_cpu_s", "tree_pids",
        "wall_s",
    )  # fmt: skip

    def __init__(self, meters: list[Meter], root_pid: Root) -> None:
        self.monotonic_s = time.monotonic()
        self.wall_s = time.time()  # seconds since the epoch, UTC
        self.readings = {meter.name: meter.read() for meter in meters}  # name -> domain -> J
        self.tree_cpu_s = proctree.tree_cpu_s(root_pid)
        self.machine_cpu_s = proctree.machine_busy_cpu_s()
        # per-process GPU activity (meters/gpu_activity.py), where a meter reads it
        self.gpu_activity = {
            meter.name: meter.activity_totals()
            for meter in meters
            if hasattr(meter, "activity_totals")
        }
        self.tree_pids = set(proctree.tree_pids(root_pid)) if self.gpu_activity else set()


def snapshot(meters: list[Meter], root_pid: Root) -> Snapshot:
    return Snapshot(meters, root_pid)


def _component_j(meter: Meter, start: Snapshot, end: Snapshot, component: str) -> float | None:
    before, after = start.readings[meter.name], end.readings[meter.name]
    domains = [d for d in after if meter.component_of(d) == component]
    if not domains:
        return None
    return sum(max(after[d] - before.get(d, 0.0), 0.0) for d in domains)


def cpu_share(start: Snapshot, end: Snapshot) -> float:
    """The process tree's part of the machine's busy CPU time in the window, in [0, 1]."""
    machine_s = end.machine_cpu_s - start.machine_cpu_s
    if machine_s <= 0:
        return 0.0
    return min(max((end.tree_cpu_s - start.tree_cpu_s) / machine_s, 0.0), 1.0)


def attribute(
    meters: list[Meter], start: Snapshot, end: Snapshot, scope: str
) -> list[dict[str, Any]]:
    """One entry per component: the first meter in `meters` that covers it wins, so pass
    counters before the estimate. Whole-device counters (RAPL) are apportioned to a
    process tree by its share of the machine's CPU time; GPUs count whole (NVML has no
    per-process energy)."""
    components: list[dict[str, Any]] = []
    for component in ("cpu", "gpu", "ram"):
        for meter in meters:
            energy_j = _component_j(meter, start, end, component)
            if energy_j is None:
                continue
            share = None
            low, high = meter.band(component)
            note_of = getattr(meter, "note", None)
            note = note_of(component) if note_of else ""
            low_j, high_j, idle_j = energy_j * low, energy_j * high, None
            if meter.kind == "counter" and component != "gpu" and scope == "process":
                share = cpu_share(start, end)
                energy_j, low_j, high_j = energy_j * share, low_j * share, high_j * share
            elif component == "gpu" and scope == "process" and meter.name in end.gpu_activity:
                split = _gpu_split(meter, start, end)
                energy_j, idle_j, share = split["j"], split["idle_j"], split["share"]
                low_j, high_j, note = split["low_j"] * low, split["high_j"] * high, split["method"]
            components.append(
                {
                    "component": component,
                    "energy_kwh": energy_j / J_PER_KWH,
                    "low_kwh": low_j / J_PER_KWH,
                    "high_kwh": high_j / J_PER_KWH,
                    "kind": meter.kind,
                    "meter": meter.name,
                    "sampling": meter.sampling(component),
                    "share": share,
                    "idle_kwh": None if idle_j is None else idle_j / J_PER_KWH,
                    "note": note,
                }
            )
            break
    return components


def _gpu_split(meter: Meter, start: Snapshot, end: Snapshot) -> dict[str, Any]:
    """This run's part of each GPU (measure/gpu_share.py), summed over the devices."""
    from frugalkit.measure.gpu_share import split

    before, after = start.gpu_activity[meter.name], end.gpu_activity[meter.name]
    window_s = end.monotonic_s - start.monotonic_s
    mine = start.tree_pids | end.tree_pids
    total = {"j": 0.0, "low_j": 0.0, "high_j": 0.0, "idle_j": 0.0}
    device_j, methods = 0.0, []
    for index, activity in after.items():
        domain = f"gpu-{index}"
        joules = max(end.readings[meter.name].get(domain, 0.0)
                     - start.readings[meter.name].get(domain, 0.0), 0.0)  # fmt: skip
        part = split(joules, window_s, before.get(index, activity), activity, mine)
        for key in total:
            total[key] += part[key]
        device_j += joules
        methods.append(f"GPU {index}: {part['method']}")
    active_j = device_j - total["idle_j"]
    share = total["j"] / active_j if active_j > 0 else None
    return {**total, "share": share, "method": "; ".join(methods)}
