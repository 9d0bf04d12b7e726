"""Intel and AMD RAPL energy counters through Linux powercap (/sys/class/powercap)."""

from __future__ import annotations

import os
import threading

from frugalkit.impact.data import field
from frugalkit.measure.meters.base import MeterUnavailable, Poller

POWERCAP = "/sys/class/powercap"
ENABLE_HINT = (
    "since Linux 5.10 energy_uj is readable by root only: run as root, or "
    "`sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj` (and intel-rapl:*:*)"
)


class Zone:
    """One RAPL domain: key ("package-0", "package-0/dram"), its counter file, its range."""

    __slots__ = ("energy_file", "key", "max_energy_uj")

    def __init__(self, key: str, energy_file: str, max_energy_uj: int) -> None:
        self.key, self.energy_file, self.max_energy_uj = key, energy_file, max_energy_uj


def _read(path: str) -> str:
    with open(path) as f:
        return f.read().strip()


def discover(root: str | os.PathLike[str] = POWERCAP) -> list[Zone]:
    """Every RAPL zone and sub-zone, packages and their core, uncore and dram domains."""
    zones = []
    names = sorted(n for n in os.listdir(root) if n.startswith("intel-rapl:"))
    for entry in names:
        directory = os.path.join(root, entry)
        parts = entry.split(":")
        try:
            name = _read(os.path.join(directory, "name"))
            max_uj = int(_read(os.path.join(directory, "max_energy_range_uj")))
        except (OSError, ValueError):
            continue
        key = name
        if len(parts) == 3:  # a sub-zone: intel-rapl:SOCKET:INDEX
            try:
                key = f"{_read(os.path.join(root, ':'.join(parts[:2]), 'name'))}/{name}"
            except OSError:
                key = f"package-{parts[1]}/{name}"
        zones.append(Zone(key, os.path.join(directory, "energy_uj"), max_uj))
    return zones


class RaplMeter:
    """Cumulative package (CPU) and DRAM energy, with counter wrap-around handled.

    Readings are taken at window edges. A guard thread reads the counters often enough
    that no counter can wrap twice between two readings, but only while a run is open.
    """

    name = "rapl"
    kind = "counter"

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        root = POWERCAP if root is None else root
        if not os.path.isdir(root):
            raise MeterUnavailable(
                f"no RAPL powercap interface at {root}: load the intel_rapl_common kernel "
                "module (most virtual machines do not expose RAPL)"
            )
        self.zones = discover(root)
        if not self.zones:
            raise MeterUnavailable(f"no RAPL zones under {root}")
        try:
            self._last = {z.key: self._raw(z) for z in self.zones}
        except PermissionError:
            raise MeterUnavailable(f"RAPL counters are not readable: {ENABLE_HINT}") from None
        self._total_uj = {z.key: 0 for z in self.zones}
        self._lock = threading.Lock()
        max_power_w = float(field("power", "rapl_assumed_max_power_w"))
        smallest_range_j = min(z.max_energy_uj for z in self.zones) / 1e6
        self.guard_interval_s = max(smallest_range_j / max_power_w / 2, 0.05)
        self._guard = Poller("rapl-guard", self.guard_interval_s, self._tick)

    @staticmethod
    def _raw(zone: Zone) -> int:
        return int(_read(zone.energy_file))

    def read(self) -> dict[str, float]:
        with self._lock:
            for zone in self.zones:
                raw = self._raw(zone)
                last = self._last[zone.key]
                delta = raw - last if raw >= last else raw + zone.max_energy_uj - last
                self._total_uj[zone.key] += delta
                self._last[zone.key] = raw
            return {key: uj / 1e6 for key, uj in self._total_uj.items()}

    def _tick(self) -> None:
        try:
            self.read()
        except (ValueError, OSError):
            # a counter read mid-update (an empty or torn value) or unreadable for a moment:
            # the next tick reads it again; the guard runs at half the shortest wrap time
            return

    def component_of(self, domain: str) -> str | None:
        # A package includes its core and uncore domains: count packages, not those.
        if domain.startswith("package") and "/" not in domain:
            return "cpu"
        if domain.endswith("/dram") or domain == "dram":
            return "ram"
        return None

    def sampling(self, component: str) -> str:
        return (
            f"RAPL counters read at window edges (wrap guard every {self.guard_interval_s:.0f} s)"
        )

    def band(self, component: str) -> tuple[float, float]:
        band = field("power", "counter_band", "rapl")
        return float(band["low"]), float(band["high"])

    def acquire(self) -> None:
        self._guard.acquire()

    def release(self) -> None:
        self._guard.release()
