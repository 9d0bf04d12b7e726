"""Fake hardware: a powercap sysfs tree in a directory and an NVML module."""

from __future__ import annotations

from pathlib import Path


def make_powercap(root: Path, sockets: int = 2, max_uj: int = 262_143_328_850) -> Path:
    """intel-rapl:N (package-N) with core, uncore and dram sub-zones, like a 2-socket Xeon."""
    for socket in range(sockets):
        package = root / f"intel-rapl:{socket}"
        package.mkdir(parents=True)
        (package / "name").write_text(f"package-{socket}\n")
        (package / "energy_uj").write_text("0\n")
        (package / "max_energy_range_uj").write_text(f"{max_uj}\n")
        for index, name in enumerate(("core", "uncore", "dram")):
            zone = root / f"intel-rapl:{socket}:{index}"
            zone.mkdir()
            (zone / "name").write_text(f"{name}\n")
            (zone / "energy_uj").write_text("0\n")
            (zone / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return root


def set_energy(root: Path, zone: str, microjoules: int) -> None:
    (root / zone / "energy_uj").write_text(f"{microjoules}\n")


class NVMLError(Exception):
    pass


class FakeNvml:
    """The subset of pynvml that the NVML meter calls. Energy in mJ, power in mW."""

    def __init__(self, gpus: list[dict[str, object]], driver: bool = True) -> None:
        self.gpus = gpus  # each: name, uuid, energy_mj (None: no counter), power_mw
        self.driver = driver

    def nvmlInit(self) -> None:
        if not self.driver:
            raise NVMLError("NVML Shared Library Not Found")

    def nvmlDeviceGetCount(self) -> int:
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetName(self, handle: int) -> str:
        return str(self.gpus[handle]["name"])

    def nvmlDeviceGetUUID(self, handle: int) -> bytes:
        return str(self.gpus[handle]["uuid"]).encode()

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: int) -> int:
        energy = self.gpus[handle]["energy_mj"]
        if energy is None:
            raise NVMLError("Not Supported")
        return int(energy)  # type: ignore[call-overload]

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return int(self.gpus[handle]["power_mw"])  # type: ignore[call-overload]

    # Per-process activity (measure/meters/gpu_activity.py). A GPU dict with "processes"
    # (each: pid, sm (%), memory (bytes)) reports them; one without says Not Supported.
    def nvmlDeviceGetProcessUtilization(self, handle: int, last_seen_us: int) -> list[object]:
        processes = self._processes(handle)
        self.clock_us += 1
        active = [p for p in processes if p.get("sm", 0)]
        if not active:
            raise NVMLError("Not Found")
        return [_Sample(int(p["pid"]), self.clock_us, int(p["sm"])) for p in active]

    def nvmlDeviceGetComputeRunningProcesses(self, handle: int) -> list[object]:
        return [_Process(int(p["pid"]), p.get("memory")) for p in self._processes(handle)]

    def _processes(self, handle: int) -> list[dict[str, int]]:
        if "processes" not in self.gpus[handle]:
            raise NVMLError("Not Supported")
        return list(self.gpus[handle]["processes"])  # type: ignore[call-overload]

    clock_us = 0


class _Sample:
    def __init__(self, pid: int, time_stamp: int, sm: int) -> None:
        self.pid, self.timeStamp, self.smUtil, self.memUtil = pid, time_stamp, sm, 0


class _Process:
    def __init__(self, pid: int, memory: int | None) -> None:
        self.pid, self.usedGpuMemory = pid, memory


class FakeMigNvml(FakeNvml):
    """One GPU in MIG mode: instances, each with its compute slices and processes, handles
    (gpu, slot); no per-process SM samples (as NVML under MIG)."""

    def __init__(self, gpus: list[dict[str, object]], instances: list[dict[str, object]]) -> None:
        super().__init__(gpus)
        self.instances = instances  # each: slices, processes (pid, memory)

    def nvmlDeviceGetMigMode(self, handle: int) -> list[int]:
        return [1, 1]

    def nvmlDeviceGetMaxMigDeviceCount(self, handle: int) -> int:
        return 7

    def nvmlDeviceGetMigDeviceHandleByIndex(self, handle: object, slot: int) -> tuple[int, int]:
        if slot >= len(self.instances):
            raise NVMLError("Not Found")
        return (int(handle), slot)  # type: ignore[call-overload]

    def nvmlDeviceGetAttributes(self, mig: tuple[int, int]) -> object:
        class Attributes:
            multiprocessorCount = int(self.instances[mig[1]]["slices"])  # type: ignore[call-overload]

        return Attributes()

    def nvmlDeviceGetProcessUtilization(self, handle: object, last_seen_us: int) -> list[object]:
        raise NVMLError("Not Supported")

    def nvmlDeviceGetComputeRunningProcesses(self, handle: object) -> list[object]:
        if isinstance(handle, tuple):
            found = self.instances[handle[1]]["processes"]
            return [_Process(int(p["pid"]), p.get("memory")) for p in found]  # type: ignore[attr-defined]
        return []


class FakeAmdSmi:
    """The subset of AMD SMI's Python binding that the AMD meter calls: energy accumulators
    (counts x resolution in µJ), per-process gfx engine time (ns) and VRAM, socket power."""

    def __init__(self, gpus: list[dict[str, object]]) -> None:
        self.gpus = gpus  # each: name, counts, resolution_uj, power_w, processes

    def amdsmi_init(self) -> None:
        pass

    def amdsmi_get_processor_handles(self) -> list[int]:
        return list(range(len(self.gpus)))

    def amdsmi_get_gpu_asic_info(self, handle: int) -> dict[str, object]:
        return {"market_name": self.gpus[handle]["name"]}

    def amdsmi_get_energy_count(self, handle: int) -> dict[str, object]:
        gpu = self.gpus[handle]
        return {"energy_accumulator": gpu["counts"], "counter_resolution": gpu["resolution_uj"],
                "timestamp": 0}  # fmt: skip

    def amdsmi_get_gpu_process_list(self, handle: int) -> list[dict[str, object]]:
        return [{"pid": p["pid"], "engine_usage": {"gfx": p["gfx_ns"]},
                 "memory_usage": {"vram_mem": p["vram"]}}
                for p in self.gpus[handle]["processes"]]  # type: ignore[attr-defined]  # fmt: skip

    def amdsmi_get_power_info(self, handle: int) -> dict[str, object]:
        return {"current_socket_power": self.gpus[handle]["power_w"]}
