"""NVIDIA GPUs through NVML (nvidia-ml-py): cumulative energy, or power polling on GPUs
older than Volta that have no energy counter."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from frugalkit.impact.data import field as data_field
from frugalkit.measure.meters.base import MeterUnavailable, Poller
from frugalkit.measure.meters.gpu_activity import GpuActivity


@dataclass
class Device:
    index: int
    name: str
    handle: Any
    has_counter: bool
    base_mj: int = 0
    # MIG instances of this GPU, each (handle, compute slices), where MIG is on
    instances: list[tuple[Any, int]] = field(default_factory=list)


def _visible(nvml: Any, count: int, cuda_visible: str | None) -> list[int]:
    """Indices named by CUDA_VISIBLE_DEVICES (indices or UUIDs), in CUDA's order.

    As CUDA does, enumeration stops at the first entry that names no device.
    """
    if cuda_visible is None:
        return list(range(count))
    uuids = {}
    for index in range(count):
        uuid = nvml.nvmlDeviceGetUUID(nvml.nvmlDeviceGetHandleByIndex(index))
        uuids[uuid.decode() if isinstance(uuid, bytes) else str(uuid)] = index
    chosen: list[int] = []
    for entry in (e.strip() for e in cuda_visible.split(",")):
        if entry.isdigit() and int(entry) < count:
            chosen.append(int(entry))
            continue
        matches = [i for u, i in uuids.items() if entry and u.startswith(entry)]
        if len(matches) != 1:
            break
        chosen.append(matches[0])
    return list(dict.fromkeys(chosen))


def _mig_instances(nvml: Any, handle: Any) -> list[tuple[Any, int]]:
    """The MIG instances of a GPU in MIG mode, each with its compute slices (streaming
    multiprocessors); [] when MIG is off or the driver does not know it."""
    try:
        if int(nvml.nvmlDeviceGetMigMode(handle)[0]) != 1:  # NVML_DEVICE_MIG_ENABLE
            return []
        count = int(nvml.nvmlDeviceGetMaxMigDeviceCount(handle))
    except Exception:  # NVMLError_NotSupported: no MIG on this GPU
        return []
    found = []
    for slot in range(count):
        try:
            mig = nvml.nvmlDeviceGetMigDeviceHandleByIndex(handle, slot)
            found.append((mig, int(nvml.nvmlDeviceGetAttributes(mig).multiprocessorCount)))
        except Exception:  # NVMLError_NotFound: an empty slot
            continue
    return found


class NvmlMeter:
    name = "nvml"
    kind = "counter"

    def __init__(self, nvml: Any = None, cuda_visible: str | None = None) -> None:
        if nvml is None:
            try:
                import pynvml

                nvml = pynvml
            except ImportError:
                raise MeterUnavailable(
                    "nvidia-ml-py is not installed: pip install 'frugalkit[gpu]'"
                ) from None
        self._nvml = nvml
        try:
            nvml.nvmlInit()
            count = int(nvml.nvmlDeviceGetCount())
        except Exception as exc:  # NVMLError subclasses: no driver, no library
            raise MeterUnavailable(f"no NVIDIA driver reachable through NVML ({exc})") from None
        env = os.environ.get("CUDA_VISIBLE_DEVICES") if cuda_visible is None else cuda_visible
        self.devices = [self._device(i) for i in _visible(nvml, count, env)]
        if not self.devices:
            raise MeterUnavailable("no NVIDIA GPU visible (CUDA_VISIBLE_DEVICES hides them all)")
        self._lock = threading.Lock()
        self._polled_j = {d.index: 0.0 for d in self.devices if not d.has_counter}
        self._last_poll = time.monotonic()
        self._last_power_w = {i: self._power_w(i) for i in self._polled_j}
        interval_s = float(data_field("power", "gpu_power_poll_interval_s"))
        self.poll_interval_s = interval_s
        self._poller = Poller("nvml-power", interval_s, self._poll) if self._polled_j else None
        activity_s = float(data_field("power", "gpu_activity_poll_interval_s"))
        self.activity = GpuActivity(nvml, self.devices, activity_s)

    def _device(self, index: int) -> Device:
        nvml = self._nvml
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        name = nvml.nvmlDeviceGetName(handle)
        name = name.decode() if isinstance(name, bytes) else str(name)
        try:
            base_mj = int(nvml.nvmlDeviceGetTotalEnergyConsumption(handle))
            device = Device(index, name, handle, has_counter=True, base_mj=base_mj)
        except Exception:  # NVMLError_NotSupported on GPUs before Volta
            device = Device(index, name, handle, has_counter=False)
        device.instances = _mig_instances(nvml, handle)
        return device

    def memory_by_pid(self) -> dict[int, int]:
        """GPU memory in bytes used by each process, over the visible GPUs (processes
        whose usage the driver does not report are left out)."""
        used: dict[int, int] = {}
        for device in self.devices:
            try:
                processes = self._nvml.nvmlDeviceGetComputeRunningProcesses(device.handle)
            except Exception:  # NVMLError: not supported on this GPU or driver
                continue
            for process in processes:
                memory = getattr(process, "usedGpuMemory", None)
                if isinstance(memory, int):
                    used[int(process.pid)] = used.get(int(process.pid), 0) + memory
        return used

    def _power_w(self, index: int) -> float:
        device = next(d for d in self.devices if d.index == index)
        return float(self._nvml.nvmlDeviceGetPowerUsage(device.handle)) / 1000.0

    def _poll(self) -> None:
        """Integrate power over time (trapezoids) for GPUs without an energy counter."""
        with self._lock:
            now = time.monotonic()
            dt_s, self._last_poll = now - self._last_poll, now
            for index in self._polled_j:
                power_w = self._power_w(index)
                self._polled_j[index] += (power_w + self._last_power_w[index]) / 2 * dt_s
                self._last_power_w[index] = power_w

    def read(self) -> dict[str, float]:
        if self._polled_j:
            self._poll()
        readings = {}
        for device in self.devices:
            key = f"gpu-{device.index}"
            if device.has_counter:
                total_mj = int(self._nvml.nvmlDeviceGetTotalEnergyConsumption(device.handle))
                readings[key] = (total_mj - device.base_mj) / 1000.0
            else:
                readings[key] = self._polled_j[device.index]
        return readings

    def component_of(self, domain: str) -> str | None:
        return "gpu" if domain.startswith("gpu-") else None

    def sampling(self, component: str) -> str:
        if all(d.has_counter for d in self.devices):
            return "NVML total-energy counters read at window edges"
        return f"NVML power polled every {self.poll_interval_s:g} s where no energy counter exists"

    def band(self, component: str) -> tuple[float, float]:
        band = data_field("power", "counter_band", "nvml")
        return float(band["low"]), float(band["high"])

    def activity_totals(self) -> dict[int, dict[str, Any]]:
        """Each visible GPU's cumulative per-process activity (`gpu_activity.py`)."""
        return self.activity.totals()

    def acquire(self) -> None:
        self.activity.poller.acquire()
        if self._poller:
            self._poller.acquire()

    def release(self) -> None:
        self.activity.poller.release()
        if self._poller:
            self._poller.release()
