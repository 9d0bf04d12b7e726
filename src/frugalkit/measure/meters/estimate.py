"""The estimate meter, for machines without readable energy counters.

CPU: CPU time of the measured processes x the active power of one hardware thread,
taken as the CPU model's TDP / its thread count (packaged table, sourced).
RAM: resident memory (GiB) integrated over time x a W/GiB factor (sourced).
Always labelled as an estimate, with its uncertainty band.
"""

from __future__ import annotations

import os
import threading
import time
from functools import cache

from frugalkit.impact.data import field
from frugalkit.measure import proctree
from frugalkit.measure.meters.base import Poller

TYPE_CHECKING = False
if TYPE_CHECKING:
    from frugalkit.measure.proctree import Root

GIB = 1024**3
_NOISE = r"\(R\)|\(TM\)|\bCPU\b|@.*$|\d+-Core Processor|\bProcessor\b"


class CpuPower:
    """w_per_thread (W), the model string, the table entry `matched` (None when the
    default applies) and the source of the figure."""

    __slots__ = ("matched", "model", "source", "w_per_thread")

    def __init__(self, w_per_thread: float, model: str, matched: str | None, source: str) -> None:
        self.w_per_thread, self.model, self.matched, self.source = (
            w_per_thread,
            model,
            matched,
            source,
        )


def _normalise(model: str) -> str:
    import re

    return " ".join(re.sub(_NOISE, " ", model, flags=re.IGNORECASE).split())


def _cache_key(model: str, virtualised: bool) -> str:
    from frugalkit.impact.data import DATA_DIR

    table = os.stat(os.path.join(DATA_DIR, "cpu_tdp.json"))
    return f"{model}|{virtualised}|{table.st_size}|{table.st_mtime_ns}|{os.cpu_count()}"


@cache
def cpu_power(model: str, virtualised: bool) -> CpuPower:
    """Active power of one busy hardware thread of `model`, in W, remembered in
    FRUGALKIT_HOME/cache: parsing the 5,000-model table costs each run ~7 ms.

    >>> cpu_power("AMD EPYC 7763 64-Core Processor", True).w_per_thread
    2.1875
    """
    import json

    from frugalkit import paths

    key = _cache_key(model, virtualised)
    cache_path = os.path.join(paths.home_dir(), "cache", "cpu-power.json")
    try:
        with open(cache_path, encoding="utf-8") as f:
            cached = json.load(f)
        if cached.get("key") == key:
            return CpuPower(cached["w_per_thread"], model, cached["matched"], cached["source"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    power = _lookup(model, virtualised)
    try:
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        entry = {"key": key, "w_per_thread": power.w_per_thread, "matched": power.matched}
        with open(cache_path, "w", encoding="utf-8") as f:
            json.dump({**entry, "source": power.source}, f)
    except OSError:
        pass  # a read-only home only costs the lookup again
    return power


def _lookup(model: str, virtualised: bool) -> CpuPower:
    """Look `model` up in the packaged TDP table (see cpu_power)."""
    table: dict[str, list[float | None]] = field("cpu_tdp", "models")  # name: [tdp_w, threads]
    default_w = float(field("cpu_tdp", "default_w_per_thread"))
    default_source = str(field("cpu_tdp", "default_source"))
    wanted = _normalise(model)
    matched = wanted if wanted in table else None
    if matched is None:
        # The longest table name contained in the model string, on word boundaries.
        padded = f" {wanted} "
        candidates = [name for name in table if f" {name} " in padded]
        matched = max(candidates, key=len) if candidates else None
    if matched is None:
        return CpuPower(default_w, model, None, f"unknown CPU model: {default_source}")
    tdp, threads = table[matched]
    tdp_w = float(tdp or 0)
    source = str(field("cpu_tdp", "source"))
    if threads:
        return CpuPower(
            tdp_w / float(threads),
            model,
            matched,
            f"TDP {tdp_w:g} W / {threads:g} threads; {source}",
        )
    logical = os.cpu_count() or 1
    if not virtualised:
        return CpuPower(
            tdp_w / logical, model, matched, f"TDP {tdp_w:g} W / {logical} logical CPUs; {source}"
        )
    return CpuPower(
        default_w, model, matched, f"TDP known but not the thread count, in a VM: {default_source}"
    )


class EstimateMeter:
    name = "estimate"
    kind = "estimate"

    def __init__(
        self, scope: str, cpu_model: str, virtualised: bool, root_pid: Root | None = None
    ) -> None:
        self.scope = scope
        self.root_pid: Root = os.getpid() if root_pid is None else root_pid
        self.cpu = cpu_power(cpu_model, virtualised)
        self.ram_w_per_gib = float(field("power", "ram_w_per_gb", "value"))
        self._lock = threading.Lock()
        self._cpu_base_s = self._cpu_s()
        self._ram_gib_s = 0.0
        self._last_t = time.monotonic()
        self._last_gib = self._ram_gib()
        self.poll_interval_s = float(field("power", "ram_poll_interval_s"))
        self._poller = Poller("ram-estimate", self.poll_interval_s, self._sample)

    def _cpu_s(self) -> float:
        if self.scope == "machine":
            return proctree.machine_busy_cpu_s()
        return proctree.tree_cpu_s(self.root_pid)

    def _ram_gib(self) -> float:
        if self.scope == "machine":
            return proctree.machine_used_ram_bytes() / GIB
        return proctree.tree_rss_bytes(self.root_pid) / GIB

    def _sample(self, gib: float | None = None) -> None:
        with self._lock:
            now = time.monotonic()
            gib = self._ram_gib() if gib is None else gib
            self._ram_gib_s += (gib + self._last_gib) / 2 * (now - self._last_t)
            self._last_t, self._last_gib = now, gib

    def read(self) -> dict[str, float]:
        if self.scope == "machine":
            cpu_total_s = self._cpu_s()
            self._sample()
        else:  # one walk of the process tree for both CPU time and memory
            cpu_total_s, rss_bytes = proctree.tree_usage(self.root_pid)
            self._sample(rss_bytes / GIB)
        cpu_s = max(cpu_total_s - self._cpu_base_s, 0.0)
        return {"cpu": cpu_s * self.cpu.w_per_thread, "ram": self._ram_gib_s * self.ram_w_per_gib}

    def component_of(self, domain: str) -> str | None:
        return domain if domain in ("cpu", "ram") else None

    def sampling(self, component: str) -> str:
        if component == "cpu":
            what = "the machine's busy" if self.scope != "process" else self._measured() + "'s"
            return f"{what} CPU time at window edges x {self.cpu.w_per_thread:.3g} W per thread"
        what = f"memory of {self._measured()}" if self.scope == "process" else "used memory"
        return f"{what}, sampled every {self.poll_interval_s:g} s x {self.ram_w_per_gib:g} W/GiB"

    def _measured(self) -> str:
        label = getattr(self.root_pid, "label", None)
        return f"the sandbox {label}" if label else "the process tree"

    def band(self, component: str) -> tuple[float, float]:
        key = "cpu_tdp_share" if component == "cpu" else "ram_w_per_gb"
        factor = field("power", key)
        value = float(factor["value"])
        return float(factor["low"]) / value, float(factor["high"]) / value

    def note(self, component: str) -> str:
        if component == "cpu":
            return self.cpu.source
        return str(field("power", "ram_w_per_gb", "source"))

    def acquire(self) -> None:
        self._poller.acquire()

    def release(self) -> None:
        self._poller.release()
