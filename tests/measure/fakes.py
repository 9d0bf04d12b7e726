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
