"""Bad settings: one clear line, a non-zero exit, and no file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from frugalkit.settings import Settings
from frugalkit.store import open_store


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_unwritable_home(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FRUGALKIT_HOME", str(blocker / "home"))
    line = _one_line(cli("db", "upgrade"))
    assert "FRUGALKIT_HOME" in line and "writable" in line
    assert blocker.read_text() == "not a directory"


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db", "sqlite://", "postgresql://h"])
def test_malformed_database_url(cli, home: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", url)
    line = _one_line(cli("db", "upgrade"))
    assert "expected sqlite:///PATH or postgresql://" in line
    assert not home.exists() or not any(home.iterdir())


def test_unreachable_postgresql(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 1 on loopback: nothing listens there, the refusal is immediate.
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/frugalkit")
    line = _one_line(cli("db", "upgrade"))
    assert "cannot use the database" in line
    assert "pw" not in line.replace("postgresql", "")
    assert "check that it is running" in line


def test_missing_sqlite_directory(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", f"sqlite:///{tmp_path}/missing/fk.db")
    line = _one_line(cli("db", "upgrade"))
    assert "does not exist" in line
    assert not (tmp_path / "missing").exists()


def test_not_a_database_file_is_left_intact(cli, home: Path) -> None:
    home.mkdir(parents=True)
    db = home / "frugalkit.db"
    db.write_bytes(b"precious bytes that are not SQLite" * 100)
    line = _one_line(cli("db", "upgrade"))
    assert "cannot use the database" in line
    assert db.read_bytes() == b"precious bytes that are not SQLite" * 100


def test_schema_newer_than_code(cli, database_url: str) -> None:
    settings = Settings.from_env()
    open_store(settings).close()
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    for command in (["db", "upgrade"], ["demo"]):
        line = _one_line(cli(*command))
        assert "newer than this frugalkit" in line and "upgrade frugalkit" in line
    status = cli("db", "status")
    assert status.exit_code == 0
    assert "newer than this frugalkit" in status.stdout


def test_status_does_not_create_a_database(cli, home: Path) -> None:
    result = cli("db", "status")
    assert result.exit_code == 0
    assert "none of 0008" in result.stdout
    assert not (home / "frugalkit.db").exists()
