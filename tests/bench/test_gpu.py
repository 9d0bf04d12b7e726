"""GPU submissions, on a fake NVML (CI has no GPU; benchmarks/gpu_check.py runs the same
paths on a real one): energy from the device counter, the GPU in the hardware column,
no address-space limit in the way, and the optional GPU memory cap."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.measure import proctree, registry

TEXT = get_task("text")
GPU_W = 300.0


class TimedNvml:
    """One H200 drawing GPU_W while anything runs; every process under the test's own
    process (the evaluation's tree) holds `memory_mb` of GPU memory."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.start = time.monotonic()

    def nvmlInit(self) -> None:
        pass

    def nvmlDeviceGetCount(self) -> int:
        return 1

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetName(self, handle: int) -> str:
        return "NVIDIA H200"

    def nvmlDeviceGetUUID(self, handle: int) -> bytes:
        return b"GPU-fake-h200"

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: int) -> int:
        return int((time.monotonic() - self.start) * GPU_W * 1000)  # mJ

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return int(GPU_W * 1000)

    def nvmlDeviceGetComputeRunningProcesses(self, handle: int) -> list[SimpleNamespace]:
        pids = proctree.tree_pids(os.getpid())[1:]
        return [SimpleNamespace(pid=p, usedGpuMemory=self.memory_mb * 2**20) for p in pids]


@pytest.fixture
def fake_gpu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[TimedNvml]:
    driver = tmp_path / "nvidia-version"
    driver.write_text("NVRM version: fake\n")
    nvml = TimedNvml(memory_mb=2048)
    monkeypatch.setattr(registry, "NVIDIA_DRIVER", str(driver))
    monkeypatch.setitem(__import__("sys").modules, "pynvml", nvml)
    registry.reset()
    yield nvml
    registry.reset()


SUBMISSION = """
import time
LABELS = {labels!r}
def predict(quotes):
    time.sleep(0.2)  # the GPU works while the CPU waits
    return [LABELS[0]] * len(quotes)
"""


def test_gpu_energy_and_model_are_recorded(fake_gpu: TimedNvml, tmp_path: Path) -> None:
    path = tmp_path / "gpu.py"
    path.write_text(SUBMISSION.format(labels=TEXT.labels))
    run = evaluate(TEXT, f"{path}:predict", repeats=2)
    assert run["status"] == "completed", run["reason"]
    assert run["hardware"].endswith("+ 1 x NVIDIA H200")
    gpu_wh = run["payload"]["energy"]["components_wh_median"]["gpu"]
    assert gpu_wh == pytest.approx(GPU_W * 0.2 / 3600, rel=0.5)  # 300 W for about 0.2 s
    methods = {m["component"]: m for m in run["payload"]["methods"]}
    assert (methods["gpu"]["kind"], methods["gpu"]["meter"]) == ("counter", "nvml")


def test_the_default_limits_leave_cuda_its_address_space(tmp_path: Path) -> None:
    """CUDA reserves far more virtual memory than it uses: 16 GiB of address space,
    barely touched, must run under the default 4,096 MB limit."""
    path = tmp_path / "reserve.py"
    path.write_text(
        "import mmap\nLABELS = " + repr(list(TEXT.labels)) + "\n"
        "RESERVED = mmap.mmap(-1, 16 * 2**30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)\n"
        "def predict(quotes):\n    return [LABELS[0]] * len(quotes)\n"
    )
    run = evaluate(TEXT, f"{path}:predict", repeats=1)
    assert run["status"] == "completed", run["reason"]


def test_the_gpu_memory_cap(fake_gpu: TimedNvml, tmp_path: Path) -> None:
    path = tmp_path / "gpu.py"
    path.write_text(SUBMISSION.format(labels=TEXT.labels).replace("0.2", "2"))
    run = evaluate(TEXT, f"{path}:predict", repeats=1, gpu_memory_limit_mb=1024)
    assert run["status"] == "failed"
    assert run["reason"].startswith("exceeded the GPU memory limit of 1024 MB")
