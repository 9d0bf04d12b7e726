"""The command line: version, help, JSON output and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GROUPS = ["measure", "reports", "bench", "db", "config"]


def test_version(cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("frugalkit 0.")


@pytest.mark.parametrize("group", [None, *GROUPS, "serve"])
def test_help_on_every_group(cli, group: str | None) -> None:
    result = cli(*([group] if group else []), "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_config_show_json_names_sources(cli, home: Path) -> None:
    result = cli("--json", "config", "show")
    data = json.loads(result.stdout)
    assert data["home"] == str(home)
    assert data["database_url"] == f"sqlite:///{home / 'frugalkit.db'}"
    assert "default" in data["database_url_source"]


def test_config_show_hides_password(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", "postgresql://me:secret@db.example/fk")
    result = cli("--json", "config", "show")
    assert "secret" not in result.stdout
    assert json.loads(result.stdout)["database_url_source"] == "FRUGALKIT_DATABASE_URL"


def test_demo_trains_evaluates_and_ranks_the_baselines(cli, home: Path) -> None:
    result = cli("--json", "demo", "--repeats", "1")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    board = data["leaderboards"]["text"]["entries"]
    names = [Path(entry["submission"]).stem for entry in board]
    assert sorted(names) == ["majority", "random", "tfidf-linear"]
    assert names[0] == "tfidf-linear"  # accurate and frugal enough to rank first
    assert board[0]["accuracy"] > 0.8
    assert (home / "baselines" / "text" / "tfidf-linear.joblib").exists()
    audio = data["leaderboards"]["audio"]["entries"]
    assert Path(audio[0]["submission"]).stem == "logmel-linear" and audio[0]["accuracy"] >= 0.85
    tasks = len(data["leaderboards"])
    # the library: its two demonstration reports answer a question each, with citations
    assert [a["status"] for a in data["library"]] == ["answered", "answered"]
    assert all(a["sources"] for a in data["library"])
    # the data centres: three demonstration tenders ranked on the Blue Angel criteria
    ranking = data["tenders"]["ranking"]
    # a label is pass/fail (DE-UZ 228): no score; the fewest failed criteria first
    assert len(ranking) == 3 and all(r["score"] is None for r in ranking)
    assert len(ranking[0]["failed"]) <= len(ranking[-1]["failed"])
    # per task 3 trainings, then per evaluation 1 load + 1 inference report; the library's
    # 2 indexed documents and 2 answers
    assert data["store"]["reports"] == tasks * (3 + 3 * 2) + 2 + 2
    # the demonstration facility is registered: its EU report is complete, PUE down on 2024
    eu = data["eu_report"]
    assert eu["report"]["complete"] and eu["report"]["deadline"] == "2026-05-15"
    assert eu["pue_change_pct"] < 0
    again = json.loads(cli("--json", "demo", "--repeats", "1").stdout)
    # trained and indexed once, evaluated and asked twice
    assert again["store"]["reports"] == tasks * (3 + 6 * 2) + 2 + 2 * 2


def test_unknown_command_is_a_usage_error_without_traceback(cli) -> None:
    result = cli("no-such-command")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_logs_and_errors_go_to_stderr_not_stdout(tmp_path: Path) -> None:
    """A real process: stdout stays clean so that `--json` output pipes."""
    env = {"FRUGALKIT_HOME": str(tmp_path / "h"), "FRUGALKIT_DATABASE_URL": "nope://x", "PATH": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "frugalkit", "--json", "db", "status"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_tokens_are_shown_once_and_stored_hashed(cli, home: Path) -> None:
    created = json.loads(cli("--json", "tokens", "create", "ci-bot").stdout)
    secret = created["token"]
    assert secret.startswith("fk_") and len(secret) > 30
    assert secret not in (home / "frugalkit.db").read_bytes().decode(errors="replace")
    assert cli("tokens", "create", "ci-bot").exit_code == 2  # one name, one token
    listed = json.loads(cli("--json", "tokens", "list").stdout)
    assert [t["name"] for t in listed] == ["ci-bot"] and listed[0]["revoked_at"] is None
    assert cli("tokens", "revoke", "ci-bot").exit_code == 0
    assert json.loads(cli("--json", "tokens", "list").stdout)[0]["revoked_at"] is not None
    assert cli("tokens", "revoke", "nobody").exit_code == 4
