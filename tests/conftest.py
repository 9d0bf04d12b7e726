"""Shared fixtures: an isolated FRUGALKIT_HOME per test and a database on each backend.

PostgreSQL: set FRUGALKIT_TEST_DATABASE_URL to a role that may create databases; each test
gets a database of its own. Without it the PostgreSQL tests are skipped, except in CI
(CI=true), where a missing server is a failure.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from frugalkit.cli import main
from frugalkit.settings import Settings

PG_ENV = "FRUGALKIT_TEST_DATABASE_URL"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory and the default (SQLite) database."""
    home = tmp_path / "home"
    monkeypatch.setenv("FRUGALKIT_HOME", str(home))
    monkeypatch.delenv("FRUGALKIT_DATABASE_URL", raising=False)
    # commands speak English in tests whatever the machine's locale; a test that wants
    # French sets FRUGALKIT_LANG=fr itself
    monkeypatch.setenv("FRUGALKIT_LANG", "en")
    return home


def _postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV, "")
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail(f"CI=true but {PG_ENV} is not set: .ci/run must start PostgreSQL")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (set by .ci/run)")
    try:
        with create_engine(url).connect():
            pass
    except Exception as exc:
        if in_ci:
            pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    with fresh_database() as url:
        yield url


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database while the block runs (a module may share one)."""
    admin_url = _postgres_admin_url()
    name = f"fk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin: Any, name: str, tries: int = 10) -> None:
    """Drop a test database. FORCE cannot end another role's backend: an autovacuum worker
    on the new database made the drop fail now and then (InsufficientPrivilege), so the drop
    is tried again while it finishes; a database left behind is said, not a failed test."""
    import warnings

    from sqlalchemy.exc import DBAPIError

    for attempt in range(tries):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            time.sleep(0.2 * (attempt + 1))
    warnings.warn(f"test database {name} could not be dropped", stacklevel=2)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The test's database URL on each backend, exported as FRUGALKIT_DATABASE_URL."""
    if request.param == "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{home / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", url)
    return url


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings.from_env()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: cli("db", "status") -> CliResult (a wide terminal)."""
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> CliResult:
        capfd.readouterr()
        code = main(list(args))
        out, err = capfd.readouterr()
        return CliResult(code, out, err)

    return run
