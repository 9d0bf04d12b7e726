"""The tracker on real processes, and with fake counters end to end."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import frugalkit
from frugalkit.errors import InputError
from frugalkit.impact.report import ImpactReport
from frugalkit.measure import Run, registry, track
from frugalkit.settings import Settings

from .fakes import FakeNvml, make_powercap, set_energy


def spooled(home: Path) -> list[dict[str, Any]]:
    path = home / "spool" / "reports.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def busy(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_context_manager_reports_and_spools(home: Path) -> None:
    with frugalkit.track("fit", phase="training", units=200, functional_unit="sample") as run:
        with run.window("preprocess"):
            busy(0.2)
        busy(0.1)
    report = run.report
    assert report is not None
    ImpactReport.model_validate(report)  # the schema accepts what the tracker builds
    assert report["status"] == "completed"
    assert report["energy"]["cpu_kwh"] > 0
    assert report["energy"]["facility_kwh"] == pytest.approx(report["energy"]["it_kwh"])
    assert report["per_unit"]["energy_kwh"] == pytest.approx(report["energy"]["facility_kwh"] / 200)
    [window] = report["windows"]
    assert window["name"] == "preprocess"
    assert 0 < window["cpu_kwh"] < report["energy"]["cpu_kwh"]
    assert [r["id"] for r in spooled(home)] == [report["id"]]


def test_estimate_is_labelled_with_its_band() -> None:
    with track("x") as run:
        busy(0.1)
    assert run.report is not None
    methods = {m["component"]: m for m in run.report["methods"]}
    assert methods["cpu"]["kind"] == "estimate"
    energy = run.report["energy"]
    assert energy["low_kwh"] < energy["facility_kwh"] < energy["high_kwh"]


def test_decorator_measures_each_call(home: Path) -> None:
    @track("predict", phase="inference")
    def predict(n: int) -> int:
        busy(0.05)
        return n * 2

    assert predict(2) == 4
    assert predict(3) == 6
    reports = spooled(home)
    assert [r["name"] for r in reports] == ["predict", "predict"]
    assert reports[0]["id"] != reports[1]["id"]


def test_start_stop_and_single_use() -> None:
    run = track("manual").start()
    busy(0.05)
    report = run.stop()
    assert report["status"] == "completed"
    with pytest.raises(InputError, match="already started"):
        run.start()


def test_nested_trackers_coexist(home: Path) -> None:
    with track("outer") as outer:
        busy(0.1)
        with track("inner") as inner:
            busy(0.1)
    assert outer.report and inner.report
    assert outer.report["energy"]["cpu_kwh"] > inner.report["energy"]["cpu_kwh"] > 0
    assert {r["name"] for r in spooled(home)} == {"outer", "inner"}


def test_a_raising_block_is_stored_as_failed(home: Path) -> None:
    with pytest.raises(ValueError, match="bad batch"), track("boom"):
        raise ValueError("bad batch")
    [report] = spooled(home)
    assert report["status"] == "failed"
    assert report["error"] == "ValueError: bad batch"


def test_ctrl_c_is_stored_as_interrupted(home: Path) -> None:
    with pytest.raises(KeyboardInterrupt), track("stopped"):
        raise KeyboardInterrupt
    assert spooled(home)[0]["status"] == "interrupted"


SCRIPT = textwrap.dedent(
    """
    import sys, time, frugalkit
    if sys.argv[1] == "sigterm":
        with frugalkit.track("victim"):
            print("ready", flush=True)
            time.sleep(30)
    else:
        frugalkit.track("forgotten").start()
        print("ready", flush=True)
    """
)


@pytest.mark.parametrize(("mode", "name"), [("sigterm", "victim"), ("exit", "forgotten")])
def test_sigterm_and_exit_without_stop_are_stored(home: Path, mode: str, name: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, mode], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    if mode == "sigterm":
        proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == (143 if mode == "sigterm" else 0)
    [report] = spooled(home)
    assert (report["name"], report["status"]) == (name, "interrupted")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"pue": 0.9}, "pue"),
        ({"wue_l_per_kwh": -1.0}, "wue"),
        ({"units": 0}, "units"),
        ({"phase": "sleeping"}, "phase"),
        ({"scope": "galaxy"}, "scope"),
    ],
)
def test_bad_parameters_name_the_field(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError, match=rf"^{field} must"):
        Run("x", **options)


def test_unknown_country_lists_close_matches() -> None:
    with pytest.raises(InputError, match=r"unknown country code 'FRX'.*did you mean.*FRA"):
        Run("x", country="FRX")


def test_country_and_intensity_override() -> None:
    assert Run("x", country="fr").zone.code == "FRA"
    assert Run("x", country="DEU", intensity_g_per_kwh=12.0).zone.intensity_g_per_kwh == 12.0


def test_import_and_an_empty_window_stay_light(home: Path) -> None:
    """Tracking pulls in no heavy library: the report is spooled, not stored, here."""
    code = (
        "import sys, frugalkit\n"
        "with frugalkit.track('empty'): pass\n"
        "heavy = {'pydantic', 'sqlalchemy', 'numpy', 'psutil', 'typer', 'rich',\n"
        "         'platformdirs', 'pynvml'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(spooled(home)) == 1


def test_fake_counters_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RAPL and NVML present: counters win, RAPL is apportioned by CPU-time share."""
    import frugalkit.measure.meters.rapl as rapl

    root = make_powercap(tmp_path / "powercap", sockets=1)
    monkeypatch.setattr(rapl, "POWERCAP", root)
    fake = FakeNvml(
        [{"name": "NVIDIA A100-SXM4-80GB", "uuid": "GPU-1", "energy_mj": 0, "power_mw": 1}]
    )
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    driver = tmp_path / "nvidia-version"
    driver.write_text("NVRM version: fake\n")
    monkeypatch.setattr(registry, "NVIDIA_DRIVER", str(driver))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    with track("gpu-job", scope="process") as run:
        busy(0.3)
        set_energy(root, "intel-rapl:0", 36_000_000)  # 36 J package
        set_energy(root, "intel-rapl:0:2", 3_600_000)  # 3.6 J dram
        fake.gpus[0]["energy_mj"] = 360_000  # 360 J
    report = run.report
    assert report is not None
    methods = {m["component"]: m for m in report["methods"]}
    assert methods["cpu"]["meter"] == "rapl" and methods["cpu"]["kind"] == "counter"
    assert methods["ram"]["meter"] == "rapl"
    assert methods["gpu"]["meter"] == "nvml"
    share = methods["cpu"]["share"]
    assert 0 < share <= 1
    assert report["energy"]["cpu_kwh"] == pytest.approx(36.0 * share / 3.6e6)
    assert report["energy"]["gpu_kwh"] == pytest.approx(360.0 / 3.6e6)
    assert report["host"]["gpus"] == [{"index": 0, "name": "NVIDIA A100-SXM4-80GB"}]
    assert [i["profile"] for i in report["embodied"]["items"]] == [
        "server_gpu_8x",
        "gpu_datacenter",
    ]


def test_unwritable_spool_saves_the_report_beside_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FRUGALKIT_HOME", str(blocker / "home"))
    monkeypatch.chdir(tmp_path)
    with track("kept") as run:
        pass
    assert run.report is not None
    saved = tmp_path / f"frugalkit-report-{run.report['id']}.json"
    assert json.loads(saved.read_text())["name"] == "kept"
    assert Settings.from_env().home == blocker / "home"
