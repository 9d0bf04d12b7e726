"""AMD GPUs through AMD SMI (issue 25, item 5), on a fake binding: the energy accumulator read
as counts x resolution, and a shared MI300X split between two jobs by their compute-engine
time, idle stated apart, the energies adding up to the counter."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from frugalkit.measure import registry
from frugalkit.measure.meters.amdsmi_meter import AmdSmiMeter
from frugalkit.measure.tracker import Run

from .fakes import FakeAmdSmi

RESOLUTION_UJ = 15.3  # µJ per count, as an MI300X reports it


def _gpu(count: int = 0) -> dict[str, object]:
    return {"name": "AMD Instinct MI300X", "counts": count, "resolution_uj": RESOLUTION_UJ,
            "power_w": 140.0, "processes": []}  # fmt: skip


def test_energy_is_counts_times_resolution() -> None:
    fake = FakeAmdSmi([_gpu(1000)])
    meter = AmdSmiMeter(amdsmi=fake)
    fake.gpus[0]["counts"] = 1000 + 10_000_000
    assert meter.read()["gpu-0"] == pytest.approx(10_000_000 * RESOLUTION_UJ / 1e6)
    assert meter.devices == [{"index": 0, "name": "AMD Instinct MI300X"}]


def test_two_jobs_on_one_amd_gpu_add_up_to_its_counter(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: list,  # type: ignore[type-arg]
) -> None:
    fake = FakeAmdSmi([_gpu()])
    monkeypatch.setitem(sys.modules, "amdsmi", fake)
    kfd = tmp_path / "kfd"
    kfd.write_text("")
    monkeypatch.setattr(registry, "AMD_GPU_DRIVER", str(kfd))
    monkeypatch.setattr(registry, "NVIDIA_DRIVER", str(tmp_path / "none"))
    registry.reset()
    try:
        runs = [
            Run(f"job-{i}", root_pid=job.pid, persist=False).start() for i, job in enumerate(jobs)
        ]
        meter = next(m for m in registry.meters_of_tree(0) if m.name == "amdsmi")
        processes = [{"pid": jobs[0].pid, "gfx_ns": 0, "vram": 1 << 30},
                     {"pid": jobs[1].pid, "gfx_ns": 0, "vram": 1 << 30}]  # fmt: skip
        fake.gpus[0]["processes"] = processes
        started = time.monotonic()
        for step in range(1, 4):
            time.sleep(0.05)
            processes[0]["gfx_ns"] = step * 300_000_000  # three times job 1's engine time
            processes[1]["gfx_ns"] = step * 100_000_000
            meter.poll()  # type: ignore[attr-defined]
        window_s = time.monotonic() - started
        device_j = 500.0 * window_s + 140.0 * window_s
        fake.gpus[0]["counts"] = int(device_j * 1e6 / RESOLUTION_UJ)
        first, second = (run.stop() for run in runs)
    finally:
        registry.reset()
    a_j, b_j = (r["energy"]["gpu_kwh"] * 3.6e6 for r in (first, second))
    idle_j = next(m for m in first["methods"] if m["component"] == "gpu")["idle_kwh"] * 3.6e6
    assert a_j + b_j + idle_j == pytest.approx(device_j, rel=0.05)
    assert a_j / (a_j + b_j) == pytest.approx(0.75, abs=0.03)
    assert next(m for m in first["methods"] if m["component"] == "gpu")["meter"] == "amdsmi"
