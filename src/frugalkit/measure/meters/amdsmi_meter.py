"""AMD GPUs through AMD SMI's Python binding (`amdsmi`, shipped with ROCm; issue 25, item 5).

- Energy: amdsmi_get_energy_count, the GPU's energy accumulator times its counter resolution
  (µJ per count; AMD SMI reference, "Power Queries"; the way Zeus reads it). It is not
  available in a virtual machine guest: the GPU is then left to the estimate.
- Per process, for a shared GPU (`measure/gpu_share.py`): amdsmi_get_gpu_process_list gives
  each process's cumulative time on the compute (gfx) engine, in ns, and its VRAM; the split
  uses the engine time as NVML's SM samples are used, and VRAM held where there is none.
- Idle: the socket power read while no process used the GPU, stated apart.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from frugalkit.impact.data import field
from frugalkit.measure.meters.base import MeterUnavailable, Poller


def _energy_j(amdsmi: Any, handle: Any) -> float:
    counted = amdsmi.amdsmi_get_energy_count(handle)
    accumulator = counted.get("energy_accumulator", counted.get("power"))
    return float(accumulator) * float(counted["counter_resolution"]) / 1e6


class AmdSmiMeter:
    name = "amdsmi"
    kind = "counter"

    def __init__(self, amdsmi: Any = None) -> None:
        if amdsmi is None:
            try:
                import amdsmi as found

                amdsmi = found
            except ImportError:
                raise MeterUnavailable("amdsmi (ROCm's AMD SMI) is not installed") from None
        self._amdsmi = amdsmi
        try:
            amdsmi.amdsmi_init()
            self._handles = list(amdsmi.amdsmi_get_processor_handles())
            self._base_j = [_energy_j(amdsmi, h) for h in self._handles]
        except Exception as exc:  # AmdSmiException: no driver, or a VM guest without counters
            raise MeterUnavailable(f"no AMD GPU energy counter through AMD SMI ({exc})") from None
        if not self._handles:
            raise MeterUnavailable("no AMD GPU found by AMD SMI")
        self.devices = [
            {"index": i, "name": str(amdsmi.amdsmi_get_gpu_asic_info(h).get("market_name", "AMD"))}
            for i, h in enumerate(self._handles)
        ]
        self._lock = threading.Lock()
        self._engine_s: list[dict[int, float]] = [{} for _ in self._handles]  # last seen
        self._engine_pct_s: list[dict[int, float]] = [{} for _ in self._handles]
        self._vram_byte_s: list[dict[int, float]] = [{} for _ in self._handles]
        self._idle_w: list[float | None] = [None for _ in self._handles]
        self._listed = [True for _ in self._handles]  # the driver lists the GPU's processes
        self._last = time.monotonic()
        interval_s = float(field("power", "gpu_activity_poll_interval_s"))
        self._poller = Poller("amdsmi-activity", interval_s, self.poll)

    def read(self) -> dict[str, float]:
        return {f"gpu-{i}": _energy_j(self._amdsmi, h) - self._base_j[i]
                for i, h in enumerate(self._handles)}  # fmt: skip

    def poll(self) -> None:
        with self._lock:
            now = time.monotonic()
            dt_s, self._last = now - self._last, now
            for i, handle in enumerate(self._handles):
                try:
                    processes = list(self._amdsmi.amdsmi_get_gpu_process_list(handle))
                except Exception:  # AmdSmiException: not supported here
                    self._listed[i] = False
                    continue
                for process in processes:
                    self._count(i, process, dt_s)
                if not processes:
                    self._idle(i, handle)

    def _count(self, i: int, process: dict[str, Any], dt_s: float) -> None:
        pid = int(process["pid"])
        engine_s = float(process.get("engine_usage", {}).get("gfx", 0)) / 1e9
        seen = self._engine_s[i].get(pid, engine_s)
        self._engine_s[i][pid] = engine_s
        # engine seconds as "% x s", the unit of NVML's SM samples: shares compare alike
        busy = self._engine_pct_s[i]
        busy[pid] = busy.get(pid, 0.0) + max(engine_s - seen, 0.0) * 100.0
        vram = process.get("memory_usage", {}).get("vram_mem")
        if isinstance(vram, int):
            held = self._vram_byte_s[i]
            held[pid] = held.get(pid, 0.0) + vram * dt_s

    def _idle(self, i: int, handle: Any) -> None:
        try:
            info = self._amdsmi.amdsmi_get_power_info(handle)
            power_w = float(info.get("current_socket_power") or info["average_socket_power"])
        except Exception:  # no power reading on this GPU
            return
        idle = self._idle_w[i]
        self._idle_w[i] = power_w if idle is None else min(idle, power_w)

    def activity_totals(self) -> dict[int, dict[str, Any]]:
        self.poll()
        with self._lock:
            return {
                i: {"sm_pct_s": dict(self._engine_pct_s[i]),
                    "memory_byte_s": dict(self._vram_byte_s[i]), "idle_w": self._idle_w[i],
                    "sm_supported": self._listed[i], "memory_supported": self._listed[i]}
                for i in range(len(self._handles))
            }  # fmt: skip

    def component_of(self, domain: str) -> str | None:
        return "gpu" if domain.startswith("gpu-") else None

    def sampling(self, component: str) -> str:
        return "AMD SMI energy accumulators read at window edges"

    def band(self, component: str) -> tuple[float, float]:
        band = field("power", "counter_band", "amdsmi")
        return float(band["low"]), float(band["high"])

    def acquire(self) -> None:
        self._poller.acquire()

    def release(self) -> None:
        self._poller.release()
