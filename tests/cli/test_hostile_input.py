"""What careless and hostile users feed the CLI: one line and a non-zero exit each, and
nothing already stored lost or changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import report_dict


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return str(lines[0])


@pytest.fixture
def stored(cli, tmp_path: Path) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """One report already in the store, that no bad input may touch."""
    report = report_dict("kept-report-1")
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(report))
    assert cli("reports", "import", str(path)).exit_code == 0
    return report


def _unchanged(cli, stored: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    listed = json.loads(cli("--json", "reports", "list").stdout)
    assert [r["id"] for r in listed] == [stored["id"]]
    assert json.loads(cli("--json", "reports", "show", stored["id"]).stdout) == stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xd8", "is not UTF-8 text"),
        (b'{"energy": Infinity}', "Infinity is not a number JSON allows"),
        (b"", "holds no report"),
        (b"[]", "holds no report"),
    ],
)
def test_bad_files_to_import(cli, stored, tmp_path: Path, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = cli("reports", "import", str(path))
    assert result.exit_code == 2
    assert message in _one_line(result)
    _unchanged(cli, stored)


def test_one_bad_line_among_15000_is_named_and_nothing_is_stored(
    cli, stored, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    template = json.dumps(report_dict("bulk-000000"))
    lines = [template.replace("bulk-000000", f"bulk-{i:06d}") for i in range(15_000)]
    lines[12_344] = lines[12_344].replace('"units": 10.0', '"units": -1')
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = cli("reports", "import", str(path))
    assert result.exit_code == 2
    assert "line 12,345" in _one_line(result) and "field units" in result.stderr
    _unchanged(cli, stored)


def test_a_bom_and_json_lines_are_accepted(cli, stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bom.jsonl"
    lines = [json.dumps(report_dict(f"bom-report-{i}")) for i in range(2)]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    result = cli("--json", "reports", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stored"] == 2


def test_another_report_under_a_stored_id_is_refused(cli, stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "conflict.json"
    path.write_text(json.dumps(report_dict(stored["id"], energy_kwh=42.0)))
    result = cli("reports", "import", str(path))
    assert result.exit_code == 6
    assert "already stored with other values (energy.cpu_kwh" in _one_line(result)
    _unchanged(cli, stored)
    path.write_text(json.dumps(stored))  # the same report again is fine
    assert cli("reports", "import", str(path)).exit_code == 0


def test_a_nul_character_is_refused_on_every_backend(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(report_dict("nul-report-1", name="evil\u0000name")))
    result = cli("reports", "import", str(path))
    assert result.exit_code == 2
    assert "NUL character at name" in _one_line(result)


@pytest.mark.parametrize("where", ["missing/dir/out.json", "."])
def test_export_to_an_impossible_place(cli, stored, tmp_path: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("reports", "export", stored["id"], "-o", str(tmp_path / where))
    assert result.exit_code == 2
    assert f"cannot write {tmp_path / where}" in _one_line(result)


def test_global_flags_are_accepted_after_the_command(cli, stored) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(cli("reports", "list", "--json").stdout)[0]["id"] == stored["id"]
    board = cli("bench", "leaderboard", "--task", "text", "--json")
    assert board.exit_code == 0 and json.loads(board.stdout)["entries"] == []


def test_a_submission_spec_the_store_would_refuse_is_refused_before_any_work(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    long_spec = f"{tmp_path / ('x' * 600)}.py:predict"
    result = cli("bench", "run", "--task", "text", "--submission", long_spec)
    assert result.exit_code == 2
    # The file is looked for first, from the caller's folder: its name is refused there.
    assert "submission file" in _one_line(result) and "File name too long" in _one_line(result)
    assert json.loads(cli("--json", "reports", "list").stdout) == []  # no orphan report
    long_module = "m" * 600 + ":predict"  # a module spec: the store's limit refuses it
    result = cli("bench", "run", "--task", "text", "--submission", long_module)
    assert result.exit_code == 2
    assert "field submission must have at most 500 characters" in _one_line(result)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--time-limit", "0"], "time limit must be a number of seconds above 0"),
        (["--time-limit", "-5"], "time limit must be a number of seconds above 0"),
        (["--time-limit", "nan"], "time limit must be a number of seconds above 0"),
        (["--memory-limit", "10"], "memory limit must be 64 to 1,048,576 MB"),
        (["--memory-limit", "99999999999999999999"], "memory limit must be 64 to 1,048,576 MB"),
        (["--repeats", "0"], "repeats must be 1 to 100"),
        (["--gpu-memory-limit", "0"], "GPU memory limit must be 1 to 1,048,576 MB"),
        (["--gpu-memory-limit", "99999999999999999999"], "GPU memory limit must be 1 to"),
    ],
)
def test_impossible_bench_limits_are_refused_before_any_run(cli, option, message) -> None:  # type: ignore[no-untyped-def]
    result = cli("bench", "run", "--submission", "model.joblib", *option)
    assert result.exit_code == 2
    assert message in _one_line(result)
    assert json.loads(cli("--json", "bench", "leaderboard").stdout)["entries"] == []
    assert json.loads(cli("--json", "reports", "list").stdout) == []


def test_a_worker_told_to_run_an_unknown_job_says_so(cli) -> None:  # type: ignore[no-untyped-def]
    """`worker --only nope` ran nothing and exited 0 (issue 21)."""
    result = cli("worker", "--exit-when-idle", "--only", "nope")
    assert result.exit_code == 4
    assert "no job 'nope'" in _one_line(result)


def test_a_port_out_of_range_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    """`serve-submission --port 70000` listened on 4464 (70000 mod 65536)."""
    result = cli("bench", "serve-submission", "--submission", "m.joblib", "--port", "70000")
    assert result.exit_code == 2
    assert "--port" in result.stderr and "65535" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["reports", "list", "--limit", "99999999999999999999"],
        ["library", "ask", "water", "--year", "99999999999999"],
    ],
)
def test_a_huge_number_is_a_refusal_not_an_internal_error(cli, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    """`--limit 99999999999999999999` was "internal error: OverflowError" (issue 21)."""
    result = cli(*command)
    assert result.exit_code == 2
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
