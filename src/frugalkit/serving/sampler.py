"""The served model's process tree metered in short intervals, for the ledger.

The meters are frugalkit's own (measure/registry.py): RAPL or the CPU-time estimate for the
CPU and memory, apportioned to the server's tree by its share of the machine's CPU time;
NVML (or amdsmi) for the GPUs, split by the tree's share of each device's activity where the
driver gives it (measure/gpu_share.py). A background thread is needed here, unlike a run:
the energy must be cut at the instants requests overlap, not only at a window's ends.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from frugalkit.impact.indicators import J_PER_KWH
from frugalkit.measure import registry
from frugalkit.measure.attribution import attribute, snapshot
from frugalkit.serving.ledger import Interval, Ledger


class Sampler:
    """Reads the meters every `sample_s` seconds and adds each interval to `ledger`.
    `root_pid` None: the whole machine (a remote upstream, or a server not found)."""

    def __init__(self, ledger: Ledger, root_pid: int | None, sample_s: float) -> None:
        self.ledger = ledger
        self.scope = "machine" if root_pid is None else "process"
        self.root_pid = os.getpid() if root_pid is None else root_pid
        self.sample_s = sample_s
        self.meters = (
            registry.meters("machine") if root_pid is None else registry.meters_of_tree(root_pid)
        )
        self.methods: list[dict[str, Any]] = []  # the last interval's, for the reports
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="frugalkit-sampler", daemon=True)

    def start(self) -> Sampler:
        for meter in self.meters:
            meter.acquire()
        self._previous = snapshot(self.meters, self.root_pid)
        self._thread.start()
        return self

    def stop(self) -> None:
        """The last interval is read, then the meters are released."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.read()
        for meter in self.meters:
            meter.release()

    def _loop(self) -> None:
        while not self._stop.wait(self.sample_s):
            self.read()

    def read(self) -> None:
        current = snapshot(self.meters, self.root_pid)
        previous, self._previous = self._previous, current
        components = attribute(self.meters, previous, current, self.scope)
        self.methods = components
        self.ledger.add(
            Interval(
                start_s=previous.monotonic_s,
                end_s=current.monotonic_s,
                joules={c["component"]: c["energy_kwh"] * J_PER_KWH for c in components},
                low_j={c["component"]: c["low_kwh"] * J_PER_KWH for c in components},
                high_j={c["component"]: c["high_kwh"] * J_PER_KWH for c in components},
                idle_j=sum((c.get("idle_kwh") or 0.0) for c in components) * J_PER_KWH,
            )
        )
