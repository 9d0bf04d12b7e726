"""NVML through a fake module: energy counters, power polling, CUDA_VISIBLE_DEVICES."""

from __future__ import annotations

import time

import pytest

from frugalkit.measure.meters import MeterUnavailable
from frugalkit.measure.meters.nvml import NvmlMeter

from .fakes import FakeNvml


def gpus() -> list[dict[str, object]]:
    return [
        {
            "name": "NVIDIA H100 80GB HBM3",
            "uuid": "GPU-aaaa-1111",
            "energy_mj": 1_000,
            "power_mw": 300_000,
        },
        {
            "name": "NVIDIA H100 80GB HBM3",
            "uuid": "GPU-bbbb-2222",
            "energy_mj": 5_000,
            "power_mw": 300_000,
        },
        {"name": "Tesla P100", "uuid": "GPU-cccc-3333", "energy_mj": None, "power_mw": 200_000},
    ]


def test_energy_counters_are_read_as_differences() -> None:
    fake = FakeNvml(gpus()[:2])
    meter = NvmlMeter(nvml=fake, cuda_visible=None)
    start = meter.read()
    fake.gpus[0]["energy_mj"] = 1_000 + 250_000  # +250 J
    fake.gpus[1]["energy_mj"] = 5_000 + 50_000
    end = meter.read()
    assert end["gpu-0"] - start["gpu-0"] == pytest.approx(250.0)
    assert end["gpu-1"] - start["gpu-1"] == pytest.approx(50.0)
    assert meter.component_of("gpu-1") == "gpu"
    assert "counters" in meter.sampling("gpu")


def test_gpu_without_counter_is_polled_for_power() -> None:
    meter = NvmlMeter(nvml=FakeNvml(gpus()[2:]), cuda_visible=None)
    meter.acquire()
    try:
        start = meter.read()["gpu-0"]
        time.sleep(0.5)
        energy_j = meter.read()["gpu-0"] - start
    finally:
        meter.release()
    assert energy_j == pytest.approx(200.0 * 0.5, rel=0.2)  # 200 W for 0.5 s
    assert "polled" in meter.sampling("gpu")


@pytest.mark.parametrize(
    ("visible", "expected"),
    [(None, [0, 1, 2]), ("1", [1]), ("2,0", [2, 0]), ("GPU-bbbb", [1]), ("0,7,1", [0])],
)
def test_honours_cuda_visible_devices(visible: str | None, expected: list[int]) -> None:
    meter = NvmlMeter(nvml=FakeNvml(gpus()), cuda_visible=visible)
    assert [d.index for d in meter.devices] == expected


def test_every_gpu_hidden_is_unavailable() -> None:
    with pytest.raises(MeterUnavailable, match="CUDA_VISIBLE_DEVICES"):
        NvmlMeter(nvml=FakeNvml(gpus()), cuda_visible="")


def test_no_driver_is_unavailable_not_an_error() -> None:
    with pytest.raises(MeterUnavailable, match="no NVIDIA driver"):
        NvmlMeter(nvml=FakeNvml(gpus(), driver=False))
