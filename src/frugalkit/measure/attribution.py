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

    __slots__ = ("machine_cpu_s", "monotonic_s", "readings", "tree_cpu_s", "wall_s")

    def __init__(self, meters: list[Meter], root_pid: Root) -> None:
        self.monotonic_s = time.monotonic()
        self.wall_s = time.time()  # seconds since the epoch, UTC
        self.readings = {meter.name: meter.read() for meter in meters}  # name -> domain -> J
        self.tree_cpu_s = proctree.tree_cpu_s(root_pid)
        self.machine_cpu_s = proctree.machine_busy_cpu_s()


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
            if meter.kind == "counter" and component != "gpu" and scope == "process":
                share = cpu_share(start, end)
                energy_j *= share
            low, high = meter.band(component)
            energy_kwh = energy_j / J_PER_KWH
            note_of = getattr(meter, "note", None)
            components.append(
                {
                    "component": component,
                    "energy_kwh": energy_kwh,
                    "low_kwh": energy_kwh * low,
                    "high_kwh": energy_kwh * high,
                    "kind": meter.kind,
                    "meter": meter.name,
                    "sampling": meter.sampling(component),
                    "share": share,
                    "note": note_of(component) if note_of else "",
                }
            )
            break
    return components
