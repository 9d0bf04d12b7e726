"""The estimate meter on real processes: what it counts and what it leaves out."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from frugalkit.measure import proctree
from frugalkit.measure.meters.estimate import EstimateMeter, cpu_power

BUSY = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"


def test_known_cpu_model_uses_tdp_over_threads() -> None:
    power = cpu_power("AMD EPYC 7763 64-Core Processor", True)
    assert power.matched == "AMD EPYC 7763"
    assert power.w_per_thread == pytest.approx(280 / 128)
    assert "TDP 280 W / 128 threads" in power.source


def test_intel_marketing_noise_is_ignored() -> None:
    power = cpu_power("Intel(R) Xeon(R) Bronze 3106 CPU @ 1.70GHz", True)
    assert power.matched == "Intel Xeon Bronze 3106"
    assert power.w_per_thread == pytest.approx(85 / 8)


def test_tdp_without_thread_count_in_a_vm_falls_back_to_the_default() -> None:
    """The 6248's table row has no thread count; a VM's vCPUs are not the package's."""
    power = cpu_power("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", True)
    assert power.matched == "Intel Xeon Gold 6248"
    assert power.w_per_thread == pytest.approx(4.12)
    assert "in a VM" in power.source


def test_unknown_model_gets_the_documented_default() -> None:
    power = cpu_power("AMD EPYC", True)
    assert power.matched is None
    assert power.w_per_thread == pytest.approx(4.12)
    assert "unknown CPU model" in power.source


def test_process_scope_counts_children_of_the_tree() -> None:
    meter = EstimateMeter("process", "AMD EPYC 7763", virtualised=True)
    start = meter.read()["cpu"]
    subprocess.run([sys.executable, "-c", BUSY.format(s=0.5)], check=True)
    energy_j = meter.read()["cpu"] - start
    # 0.5 s of CPU in the child (plus interpreter start) x 280/128 W
    assert 0.5 * 280 / 128 <= energy_j <= 1.2 * 280 / 128


def test_process_scope_leaves_out_other_processes() -> None:
    outsider = subprocess.Popen([sys.executable, "-c", BUSY.format(s=5)], start_new_session=True)
    try:
        meter = EstimateMeter("process", "AMD EPYC 7763", virtualised=True, root_pid=_idle_pid())
        start = meter.read()["cpu"]
        time.sleep(0.5)
        assert meter.read()["cpu"] - start == pytest.approx(0.0, abs=0.05)
    finally:
        outsider.kill()
        outsider.wait()


def _idle_pid() -> int:
    """A sleeping process of our own, as the root of a tree that does nothing."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    time.sleep(0.3)
    _IDLE.append(proc)
    return proc.pid


_IDLE: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _reap_idle() -> object:
    yield None
    while _IDLE:
        proc = _IDLE.pop()
        proc.kill()
        proc.wait()


def test_machine_scope_sees_the_outsider() -> None:
    meter = EstimateMeter("machine", "AMD EPYC 7763", virtualised=True)
    outsider = subprocess.Popen([sys.executable, "-c", BUSY.format(s=1)])
    start = meter.read()["cpu"]
    outsider.wait()
    assert meter.read()["cpu"] - start >= 0.5 * 280 / 128


def test_ram_energy_integrates_resident_memory_over_time() -> None:
    meter = EstimateMeter("process", "AMD EPYC 7763", virtualised=True)
    rss_gib = proctree.tree_rss_bytes(meter.root_pid) / 1024**3
    meter.acquire()
    try:
        start = meter.read()["ram"]
        time.sleep(1.0)
        energy_j = meter.read()["ram"] - start
    finally:
        meter.release()
    assert energy_j == pytest.approx(rss_gib * 0.149 * 1.0, rel=0.3)


def test_estimate_band_comes_from_the_data_file() -> None:
    meter = EstimateMeter("process", "AMD EPYC 7763", virtualised=True)
    assert meter.band("cpu") == pytest.approx((0.5, 1.35))
    low, high = meter.band("ram")
    assert low < 1 < high


def test_cpu_lookup_is_remembered_and_a_bad_cache_is_ignored(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frugalkit.impact import data
    from frugalkit.measure.meters import estimate

    estimate.cpu_power.cache_clear()
    first = estimate.cpu_power("AMD EPYC 7763 64-Core Processor", True)
    estimate.cpu_power.cache_clear()

    def no_table(*_args: object) -> None:
        raise AssertionError("the table was parsed again")

    monkeypatch.setattr(data, "load", no_table)
    again = estimate.cpu_power("AMD EPYC 7763 64-Core Processor", True)
    assert (again.w_per_thread, again.matched) == (first.w_per_thread, first.matched)
    monkeypatch.undo()
    (home / "cache" / "cpu-power.json").write_text("{not json")
    estimate.cpu_power.cache_clear()
    assert estimate.cpu_power("AMD EPYC 7763 64-Core Processor", True).w_per_thread == 280 / 128
    estimate.cpu_power.cache_clear()
