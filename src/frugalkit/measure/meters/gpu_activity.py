"""What each process does on each GPU, integrated over time, so that a shared GPU's energy
can be split between its users (`measure/gpu_share.py`).

Polled every `gpu_activity_poll_interval_s` (power.json) while a run holds the meter:
- SM utilisation per process, from nvmlDeviceGetProcessUtilization: one sample per process
  that had non-zero utilisation in the driver's last sample period, newer than the timestamp
  asked (NVML API reference, nvmlProcessUtilizationSample_t), integrated as % x seconds;
- GPU memory per process (nvmlDeviceGetComputeRunningProcesses), as byte x seconds, where a
  driver or GPU gives no utilisation samples (MIG instances, older drivers);
- the device's idle power: the lowest draw read while no compute process ran on it, so that
  idle is stated apart and not charged to whoever happens to run;
- on a GPU in MIG mode, each instance's processes and compute slices (its streaming
  multiprocessors): NVML gives no per-process SM samples and no energy per instance there.
"""

from __future__ import annotations

import threading
import time

from frugalkit.measure.meters.base import Poller

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _not_found(exc: BaseException) -> bool:
    """NVML_ERROR_NOT_FOUND: no sample since the timestamp asked (nothing ran), not a fault."""
    return type(exc).__name__.endswith("NotFound") or "not found" in str(exc).lower()


class GpuActivity:
    def __init__(self, nvml: Any, devices: list[Any], interval_s: float) -> None:
        self._nvml = nvml
        self._devices = devices
        self._lock = threading.Lock()
        self._last = time.monotonic()
        indices = [d.index for d in devices]
        self._sm_pct_s: dict[int, dict[int, float]] = {i: {} for i in indices}
        self._memory_byte_s: dict[int, dict[int, float]] = {i: {} for i in indices}
        self._seen_us = dict.fromkeys(indices, 0)
        self._idle_w: dict[int, float | None] = dict.fromkeys(indices)
        self._sm_supported = dict.fromkeys(indices, True)
        self._memory_supported = dict.fromkeys(indices, True)
        self._instance_of: dict[int, dict[int, int]] = {i: {} for i in indices}  # MIG slot
        self.poller = Poller("nvml-activity", interval_s, self.poll)

    def poll(self) -> None:
        with self._lock:
            now = time.monotonic()
            dt_s, self._last = now - self._last, now
            for device in self._devices:
                self._sample(device, dt_s)

    def _sample(self, device: Any, dt_s: float) -> None:
        index, nvml = device.index, self._nvml
        if device.instances:  # MIG: no per-process SM samples; each instance's processes
            self._sm_supported[index] = False
        if self._sm_supported[index]:
            try:
                samples = nvml.nvmlDeviceGetProcessUtilization(device.handle, self._seen_us[index])
            except Exception as exc:  # NVMLError: nothing new, or not supported here
                samples = []
                self._sm_supported[index] = _not_found(exc)
            for sample in samples:
                self._seen_us[index] = max(self._seen_us[index], int(sample.timeStamp))
                used = self._sm_pct_s[index]
                used[int(sample.pid)] = used.get(int(sample.pid), 0.0) + sample.smUtil * dt_s
        try:
            processes = self._processes(device)
        except Exception:  # NVMLError_NotSupported
            self._memory_supported[index] = False
            return
        for process in processes:
            memory = getattr(process, "usedGpuMemory", None)
            if isinstance(memory, int):
                held = self._memory_byte_s[index]
                held[int(process.pid)] = held.get(int(process.pid), 0.0) + memory * dt_s
        if not processes:
            try:
                power_w = float(nvml.nvmlDeviceGetPowerUsage(device.handle)) / 1000.0
            except Exception:  # NVMLError: no power reading on this device
                return
            idle = self._idle_w[index]
            self._idle_w[index] = power_w if idle is None else min(idle, power_w)

    def _processes(self, device: Any) -> list[Any]:
        """The compute processes of a GPU, or of each of its MIG instances (noting which)."""
        if not device.instances:
            return list(self._nvml.nvmlDeviceGetComputeRunningProcesses(device.handle))
        found = []
        for slot, (mig, _) in enumerate(device.instances):
            for process in self._nvml.nvmlDeviceGetComputeRunningProcesses(mig):
                self._instance_of[device.index][int(process.pid)] = slot
                found.append(process)
        return found

    def totals(self) -> dict[int, dict[str, Any]]:
        """Cumulative activity per device index, read now (a window's edge)."""
        self.poll()
        with self._lock:
            return {
                device.index: {
                    "sm_pct_s": dict(self._sm_pct_s[device.index]),
                    "memory_byte_s": dict(self._memory_byte_s[device.index]),
                    "idle_w": self._idle_w[device.index],
                    "sm_supported": self._sm_supported[device.index],
                    "memory_supported": self._memory_supported[device.index],
                    "instance_slices": [slices for _, slices in device.instances],
                    "instance_of": dict(self._instance_of[device.index]),
                }
                for device in self._devices
            }
