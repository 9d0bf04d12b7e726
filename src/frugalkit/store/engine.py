"""Engines for the two supported back-ends: SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from frugalkit.errors import ConfigError

URL_HELP = "expected sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
SQLITE_BUSY_TIMEOUT_S = 30


def parse_url(url_text: str) -> URL:
    """Validate a database URL and pin the driver (psycopg 3 for PostgreSQL)."""
    try:
        url = make_url(url_text)
    except ArgumentError:
        raise ConfigError(f"FRUGALKIT_DATABASE_URL is not a database URL; {URL_HELP}") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ConfigError(f"an in-memory SQLite database keeps nothing; {URL_HELP}")
        return url.set(drivername="sqlite")
    if backend == "postgresql":
        if not url.database:
            raise ConfigError(f"the PostgreSQL URL names no database; {URL_HELP}")
        return url.set(drivername="postgresql+psycopg")
    raise ConfigError(f"unsupported database {backend!r} in FRUGALKIT_DATABASE_URL; {URL_HELP}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The busy timeout first: concurrent writers then wait for the lock instead of failing
    # with "database is locked". WAL lets readers work while one process writes.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
