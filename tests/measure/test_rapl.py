"""RAPL through a fake powercap tree: domains, sockets, wrap-around, permissions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from frugalkit.measure.meters import MeterUnavailable
from frugalkit.measure.meters.rapl import RaplMeter, discover

from .fakes import make_powercap, set_energy


def test_discovers_every_domain_on_every_socket(tmp_path: Path) -> None:
    keys = {zone.key for zone in discover(make_powercap(tmp_path))}
    assert keys == {
        f"package-{s}{suffix}" for s in (0, 1) for suffix in ("", "/core", "/uncore", "/dram")
    }


def test_packages_count_as_cpu_and_dram_as_ram_without_double_counting(tmp_path: Path) -> None:
    root = make_powercap(tmp_path)
    meter = RaplMeter(root)
    start = meter.read()
    set_energy(root, "intel-rapl:0", 10_000_000)  # 10 J on socket 0
    set_energy(root, "intel-rapl:1", 5_000_000)
    set_energy(root, "intel-rapl:0:0", 7_000_000)  # core: inside the package figure
    set_energy(root, "intel-rapl:0:2", 2_000_000)  # dram
    end = meter.read()
    cpu = sum(end[d] - start[d] for d in end if meter.component_of(d) == "cpu")
    ram = sum(end[d] - start[d] for d in end if meter.component_of(d) == "ram")
    assert cpu == pytest.approx(15.0)
    assert ram == pytest.approx(2.0)
    assert end["package-0/core"] == pytest.approx(7.0)  # read, reported apart, not summed


def test_counter_wrap_around(tmp_path: Path) -> None:
    root = make_powercap(tmp_path, sockets=1, max_uj=1_000_000)
    set_energy(root, "intel-rapl:0", 900_000)
    meter = RaplMeter(root)
    before = meter.read()["package-0"]
    set_energy(root, "intel-rapl:0", 100_000)  # wrapped: 0.1 J to the top, 0.1 J after
    assert meter.read()["package-0"] - before == pytest.approx(0.2)


def test_guard_thread_catches_wraps_in_long_windows(tmp_path: Path) -> None:
    # A 0.2 J range at an assumed 1 kW maximum: the guard reads every 0.1 ms -> 50 ms floor.
    root = make_powercap(tmp_path, sockets=1, max_uj=200_000)
    meter = RaplMeter(root)
    assert meter.guard_interval_s == pytest.approx(0.05)
    meter.acquire()
    try:
        start = meter.read()["package-0"]
        for step in range(1, 9):  # 8 x 0.15 J = 1.2 J: six wraps, each seen by the guard
            set_energy(root, "intel-rapl:0", (step * 150_000) % 200_000)
            time.sleep(0.2)
        assert meter.read()["package-0"] - start == pytest.approx(1.2)
    finally:
        meter.release()


def test_no_powercap_is_unavailable_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(MeterUnavailable, match="intel_rapl_common"):
        RaplMeter(tmp_path / "absent")


def test_unreadable_counters_say_how_to_enable_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_powercap(tmp_path, sockets=1)

    def denied(_zone: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(RaplMeter, "_raw", staticmethod(denied))
    with pytest.raises(MeterUnavailable, match=r"chmod a\+r /sys/class/powercap"):
        RaplMeter(root)
