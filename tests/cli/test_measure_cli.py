"""`frugalkit measure` and `frugalkit reports`, as a user types them."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from frugalkit.impact.exports import CODECARBON_COLUMNS

PY = sys.executable


def _listed_by_another_process(env: dict[str, str]) -> list[dict[str, object]]:
    """`frugalkit --json reports list`, as the next command a user types."""
    listed = subprocess.run(
        [PY, "-m", "frugalkit", "--json", "reports", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    reports: list[dict[str, object]] = json.loads(listed.stdout)
    return reports


def test_measure_stores_the_report_and_prints_it(cli) -> None:
    result = cli(
        "measure",
        "--name",
        "fit",
        "--phase",
        "training",
        "--country",
        "FR",
        "--units",
        "10",
        "--pue",
        "1.2",
        "--wue",
        "0.5",
        "--",
        PY,
        "-c",
        "sum(range(3_000_000))",
    )
    assert result.exit_code == 0, result.stderr
    assert "greenhouse gases" in result.stdout
    assert "by car" in result.stdout and "10 W LED bulb" in result.stdout  # readable scales
    assert "France 56.0 gCO2e/kWh (2023)" in result.stdout  # 56.039, to 3 figures (issue 23)
    listed = json.loads(cli("--json", "reports", "list").stdout)
    assert [r["name"] for r in listed] == ["fit"]
    report = listed[0]
    assert report["energy"]["pue"] == 1.2 and report["water"]["wue_l_per_kwh"] == 0.5
    assert report["command"][0] == PY


def test_measure_exits_with_the_commands_code_and_stores_a_failed_run(cli) -> None:
    result = cli("--json", "measure", "--", PY, "-c", "import sys; print('out'); sys.exit(3)")
    assert result.exit_code == 3
    report = json.loads(result.stdout)  # stdout is the report only: 'out' went to stderr
    assert (report["status"], report["exit_code"]) == ("failed", 3)
    assert "out" in result.stderr
    assert json.loads(cli("--json", "reports", "list").stdout)[0]["status"] == "failed"


def test_unknown_command_exits_127(cli, home: Path) -> None:
    result = cli("measure", "--", "no-such-program-xyz")
    assert result.exit_code == 127
    assert result.stderr.strip() == "error: command not found: no-such-program-xyz"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--country", "FRX"], "unknown country code 'FRX'"),
        (["--pue", "0.8"], "pue must be >= 1.0"),
        (["--wue", "-1"], "wue must be >= 0"),
        (["--units", "0"], "units must be > 0"),
        (["--scope", "galaxy"], "scope must be one of"),
        (["--pue", "inf"], "pue must be a finite number"),
        (["--wue", "nan"], "wue must be a finite number"),
        (["--units", "1e999"], "units must be a finite number"),
        (["--intensity", "nan"], "intensity_g_per_kwh must be a finite number"),
        (["--name", "x" * 201], "name must have 1 to 200 characters"),
    ],
)
def test_bad_options_are_refused_before_the_command_runs(
    cli, tmp_path: Path, options, message
) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "ran"
    result = cli("measure", *options, "--", PY, "-c", f"open({str(marker)!r}, 'w')")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not marker.exists()
    assert json.loads(cli("--json", "reports", "list").stdout) == []


def test_sigterm_reaches_the_command_and_the_run_is_stored(home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "FRUGALKIT_HOME": str(home)}
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "frugalkit",
            "measure",
            "--name",
            "long",
            "--",
            PY,
            "-c",
            "import time; print('go', flush=True); time.sleep(60)",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "go\n"
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    [report] = _listed_by_another_process(env)
    assert (report["name"], report["status"]) == ("long", "interrupted")


@pytest.fixture
def stored_id(cli) -> str:  # type: ignore[no-untyped-def]
    result = cli(
        "--json",
        "measure",
        "--name",
        "exp",
        "--phase",
        "training",
        "--country",
        "US",
        "--",
        PY,
        "-c",
        "sum(range(10**6))",
    )
    return str(json.loads(result.stdout)["id"])


def test_show_and_delete(cli, stored_id: str) -> None:
    shown = cli("reports", "show", stored_id[:8])
    assert shown.exit_code == 0 and "exp" in shown.stdout and "United States" in shown.stdout
    assert cli("reports", "delete", stored_id[:8]).exit_code == 0
    gone = cli("reports", "show", stored_id)
    assert gone.exit_code == 4 and "no report with id" in gone.stderr


def test_export_codecarbon_row(cli, stored_id: str, tmp_path: Path) -> None:
    report = json.loads(cli("--json", "reports", "show", stored_id).stdout)
    out = tmp_path / "emissions.csv"
    for _ in range(2):  # a second export appends a row under the same header
        assert (
            cli("reports", "export", stored_id, "--format", "codecarbon", "-o", str(out)).exit_code
            == 0
        )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2
    assert list(rows[0]) == list(CODECARBON_COLUMNS)
    row = rows[0]
    assert float(row["emissions"]) == pytest.approx(report["ghg"]["location_based_g"] / 1000)  # kg
    assert float(row["energy_consumed"]) == pytest.approx(report["energy"]["facility_kwh"])  # kWh
    assert float(row["duration"]) == pytest.approx(report["duration_s"])
    assert row["country_iso_code"] == "USA" and row["tracking_mode"] == "process"
    power_w = report["energy"]["cpu_kwh"] * 3.6e6 / report["duration_s"]
    assert float(row["cpu_power"]) == pytest.approx(power_w)


def test_export_model_card_block_in_grams(cli, stored_id: str) -> None:
    result = cli("reports", "export", stored_id, "--format", "model-card")
    block = yaml.safe_load(result.stdout)["co2_eq_emissions"]
    report = json.loads(cli("--json", "reports", "show", stored_id).stdout)
    assert block["emissions"] == pytest.approx(report["ghg"]["location_based_g"], rel=1e-5)
    assert block["training_type"] == "pre-training"
    assert block["geographical_location"] == "United States"
    assert "CPU threads" in block["hardware_used"] and block["source"].startswith("frugalkit")


def test_export_json_round_trips_through_import(cli, stored_id: str, tmp_path: Path) -> None:
    exported = tmp_path / "r.json"
    cli("reports", "export", stored_id, "-o", str(exported))
    result = cli("--json", "reports", "import", str(exported))
    assert json.loads(result.stdout) == {"read": 1, "stored": 0, "already_stored": 1}


def test_import_rejects_a_report_that_fails_the_schema(cli, stored_id: str, tmp_path: Path) -> None:
    report = json.loads(cli("--json", "reports", "show", stored_id).stdout)
    report["id"] = "another-report-id"
    report["energy"]["pue"] = 0.5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(report))
    result = cli("reports", "import", str(bad))
    assert result.exit_code == 2
    assert "field energy.pue" in result.stderr
    assert len(json.loads(cli("--json", "reports", "list").stdout)) == 1


def test_unknown_export_format(cli, stored_id: str) -> None:
    result = cli("reports", "export", stored_id, "--format", "xml")
    assert result.exit_code == 2 and "format must be one of" in result.stderr


def test_schema_is_json_schema(cli) -> None:
    schema = json.loads(cli("reports", "schema").stdout)
    assert schema["title"] == "ImpactReport"
    assert "schema_version" in schema["properties"]


def test_kill_9_of_measure_kills_its_command_and_leaves_an_interrupted_run(
    home: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "FRUGALKIT_HOME": str(home)}
    pid_file = tmp_path / "child.pid"
    script = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [PY, "-m", "frugalkit", "measure", "--name", "doomed", "--", PY, "-c", script], env=env
    )
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists(), "the measured command outlived frugalkit"
    [report] = _listed_by_another_process(env)
    assert (report["name"], report["status"]) == ("doomed", "interrupted")
    assert "ended without a final report" in report["error"]


def test_a_running_record_of_a_live_process_stays_running(cli, home: Path) -> None:
    """Only a process that is really gone is declared lost (pid reuse included)."""
    from frugalkit.measure import track

    run = track("alive", announce=True).start()
    listed = json.loads(cli("--json", "reports", "list").stdout)
    assert [(r["id"], r["status"]) for r in listed] == [(run.id, "running")]
    run.stop()
    listed = json.loads(cli("--json", "reports", "list").stdout)
    assert [(r["id"], r["status"]) for r in listed] == [(run.id, "completed")]
