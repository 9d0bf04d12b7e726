"""A shared GPU split between its users (issue 25, item 1): two jobs on one GPU, measured
at once by two runs, report energies that add up, with the idle part, to the device's
counter; each by its share of NVML's per-process SM samples, memory where there are none;
idle stated apart; a driver that reports no processes keeps the whole device, said so."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from frugalkit.measure import registry
from frugalkit.measure.gpu_share import split
from frugalkit.measure.tracker import Run

from .fakes import FakeNvml

GB = 1024**3
IDLE_W = 60.0


@pytest.fixture
def gpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNvml]:
    fake = FakeNvml([{"name": "NVIDIA H200", "uuid": "GPU-1", "energy_mj": 0,
                      "power_mw": int(IDLE_W * 1000), "processes": []}])  # fmt: skip
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    driver = tmp_path / "nvidia-version"
    driver.write_text("NVRM version: fake\n")
    monkeypatch.setattr(registry, "NVIDIA_DRIVER", str(driver))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("FRUGALKIT_HOME", str(tmp_path / "home"))
    registry.reset()
    yield fake
    registry.reset()


def _gpu(report: dict) -> dict:  # type: ignore[type-arg]
    return next(m for m in report["methods"] if m["component"] == "gpu")


def _nvml_meter() -> object:
    return next(m for m in registry.meters_of_tree(0) if m.name == "nvml")


def test_two_jobs_on_one_gpu_add_up_to_its_counter(gpu: FakeNvml, jobs: list) -> None:  # type: ignore[type-arg]
    first, second = (Run(f"job-{i}", root_pid=job.pid, persist=False) for i, job in enumerate(jobs))
    first.start()
    second.start()  # the GPU is free at both starts: its idle draw is read then
    gpu.gpus[0]["processes"] = [
        {"pid": jobs[0].pid, "sm": 60, "memory": 2 * GB},
        {"pid": jobs[1].pid, "sm": 20, "memory": 6 * GB},
    ]
    activity = _nvml_meter().activity  # type: ignore[attr-defined]
    started = time.monotonic()
    for _ in range(4):
        time.sleep(0.1)
        activity.poll()
    window_s = time.monotonic() - started
    device_j = 300.0 * window_s + IDLE_W * window_s  # 300 W of work above idle
    gpu.gpus[0]["energy_mj"] = int(device_j * 1000)
    a, b = first.stop(), second.stop()
    a_j, b_j = (r["energy"]["gpu_kwh"] * 3.6e6 for r in (a, b))
    idle_j = _gpu(a)["idle_kwh"] * 3.6e6
    assert a_j + b_j + idle_j == pytest.approx(device_j, rel=0.05)
    assert a_j / (a_j + b_j) == pytest.approx(0.75, abs=0.03)  # 60 % against 20 % of SM
    assert _gpu(a)["share"] == pytest.approx(0.75, abs=0.03)
    assert "SM utilisation" in _gpu(a)["note"] and "idle 60 W" in _gpu(a)["note"]
    # the band spans the SM share (0.75) and the memory share (0.25)
    assert a["energy"]["low_kwh"] < a["energy"]["facility_kwh"] <= a["energy"]["high_kwh"]
    _shown_as_split(a)


def _shown_as_split(report: dict) -> None:  # type: ignore[type-arg]
    """The terminal and the report page say the share, the idle part and the method."""
    from fastapi.testclient import TestClient
    from rich.console import Console

    from frugalkit.cli.render import summary
    from frugalkit.impact.report import ImpactReport
    from frugalkit.settings import Settings
    from frugalkit.store import open_store
    from frugalkit.store.reports import save_reports
    from frugalkit.web import create_app

    console = Console(record=True, width=200)
    summary(console, report)
    text = console.export_text()
    assert "of the device" in text and "idle, stated apart" in text and "SM utilisation" in text
    settings = Settings.from_env()
    with open_store(settings) as store:
        save_reports(store, [ImpactReport.model_validate(report)])
    with TestClient(create_app(settings)) as client:
        for language, words in (("en", "idle, stated apart"), ("fr", "au repos, comptés à part")):
            page = client.get(f"/reports/{report['id']}", headers={"Accept-Language": language})
            assert page.status_code == 200 and words in page.text, language


def test_without_sm_samples_the_memory_held_decides() -> None:
    before = {"sm_pct_s": {}, "memory_byte_s": {}, "idle_w": None,
              "sm_supported": False, "memory_supported": True}  # fmt: skip
    after = {**before, "memory_byte_s": {1: 3 * GB * 10.0, 2: 1 * GB * 10.0}, "idle_w": 50.0}
    part = split(1500.0, 10.0, before, after, {1})
    assert part["idle_j"] == pytest.approx(500.0)  # 50 W x 10 s, charged to nobody
    assert part["j"] == pytest.approx(0.75 * 1000.0)
    assert "memory" in part["method"]


def test_idle_never_seen_is_said_and_a_gpu_nobody_used_is_all_idle() -> None:
    busy = {"sm_pct_s": {7: 500.0}, "memory_byte_s": {}, "idle_w": None,
            "sm_supported": True, "memory_supported": True}  # fmt: skip
    empty = {**busy, "sm_pct_s": {}}
    part = split(1000.0, 10.0, empty, busy, {7})
    assert part["j"] == pytest.approx(1000.0) and "never observed" in part["method"]
    nobody = split(1000.0, 10.0, empty, empty, {7})
    assert nobody["j"] == 0.0 and nobody["idle_j"] == 1000.0 and "idle" in nobody["method"]


def test_inside_a_container_the_host_s_process_ids_keep_the_whole_device() -> None:
    """NVML names host PIDs; in a container none of them is visible: no split, said so."""
    before = {"sm_pct_s": {}, "memory_byte_s": {}, "idle_w": 50.0,
              "sm_supported": True, "memory_supported": True}  # fmt: skip
    after = {**before, "sm_pct_s": {4_000_001: 900.0}}
    part = split(1000.0, 10.0, before, after, {12}, visible=lambda pid: False)
    assert part["j"] == 1000.0 and part["share"] is None and "PID namespace" in part["method"]
    seen = split(1000.0, 10.0, before, after, {12}, visible=lambda pid: True)
    assert seen["j"] == 0.0 and "held nothing" in seen["method"]  # another user's, not ours


def test_a_driver_without_process_information_keeps_the_whole_device(
    gpu: FakeNvml,
    jobs: list,  # type: ignore[type-arg]
) -> None:
    del gpu.gpus[0]["processes"]  # Not Supported, as on some drivers and vGPUs
    run = Run("job", root_pid=jobs[0].pid, persist=False).start()
    gpu.gpus[0]["energy_mj"] = 360_000
    report = run.stop()
    assert report["energy"]["gpu_kwh"] * 3.6e6 == pytest.approx(360.0)
    assert "whole device" in _gpu(report)["note"]


def test_mig_instances_share_the_gpu_by_their_slices_then_memory(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: list,  # type: ignore[type-arg]
) -> None:
    """An H200 cut in a 3-slice and a 4-slice instance (of 7): job 0 alone on the 3-slice
    one, job 1 beside another process on the 4-slice one, holding a quarter of its memory."""
    from .fakes import FakeMigNvml

    fake = FakeMigNvml(
        [{"name": "NVIDIA H200", "uuid": "GPU-1", "energy_mj": 0, "power_mw": 60_000}],
        [{"slices": 3, "processes": []}, {"slices": 4, "processes": []}],
    )
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    driver = tmp_path / "nvidia-version"
    driver.write_text("NVRM version: fake\n")
    monkeypatch.setattr(registry, "NVIDIA_DRIVER", str(driver))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    registry.reset()
    try:
        runs = [
            Run(f"job-{i}", root_pid=job.pid, persist=False).start() for i, job in enumerate(jobs)
        ]
        fake.instances[0]["processes"] = [{"pid": jobs[0].pid, "memory": 10 * GB}]
        fake.instances[1]["processes"] = [{"pid": jobs[1].pid, "memory": 5 * GB},
                                          {"pid": 999_999, "memory": 15 * GB}]  # fmt: skip
        activity = _nvml_meter().activity  # type: ignore[attr-defined]
        for _ in range(3):
            time.sleep(0.05)
            activity.poll()
        fake.gpus[0]["energy_mj"] = 100_000 * 1000  # far above idle: the split shows
        first, second = (run.stop() for run in runs)
    finally:
        registry.reset()
    assert _gpu(first)["share"] == pytest.approx(3 / 7, abs=0.02)
    assert _gpu(second)["share"] == pytest.approx(4 / 7 * 0.25, abs=0.02)
    assert "MIG" in _gpu(first)["note"]
