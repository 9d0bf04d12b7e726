"""Open the store: check the URL, reach the database, bring its schema up to date."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from frugalkit.errors import ConfigError, SchemaTooNewError, StoreError
from frugalkit.settings import Settings
from frugalkit.store.engine import make_engine, parse_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant: the PostgreSQL advisory lock that serialises concurrent migrations.
PG_MIGRATION_LOCK_KEY = 0x6672756761


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: frozenset[str]

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def too_new(self) -> bool:
        return self.current is not None and self.current not in self.known


class Store:
    """An open database with an up-to-date schema; `session()` for work on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def schema_state(connection: Connection) -> SchemaState:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    empty = _empty_state()
    return SchemaState(current=current, head=empty.head, known=empty.known)


def _check_not_too_new(state: SchemaState) -> None:
    if state.too_new:
        raise SchemaTooNewError(
            f"the database schema is at revision {state.current}, newer than this frugalkit "
            f"knows (up to {state.head}); upgrade frugalkit, or point "
            "FRUGALKIT_DATABASE_URL at another database"
        )


def migration_lock_path(url: URL) -> Path:
    """The file that serialises migrations of a SQLite database (beside it)."""
    return Path(f"{Path(str(url.database)).expanduser()}.migration-lock")


@contextlib.contextmanager
def _migration_lock(engine: Engine, url: URL) -> Iterator[Connection]:
    """One migrating process at a time, so two first uses cannot race."""
    if url.get_backend_name() == "sqlite":
        # A lock file of its own, never the database: on Linux, closing any descriptor of a
        # file drops every POSIX lock this process holds on it, SQLite's included, and
        # another process then deletes the WAL that this one still writes to.
        with migration_lock_path(url).open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            with engine.connect() as connection:
                yield connection
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            yield connection
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
            connection.commit()


def _check_or_upgrade(engine: Engine, url: URL, migrate: bool) -> SchemaState:
    """Read the schema revision and apply pending migrations (when `migrate`), holding the
    migration lock throughout, so that no process reads or writes a half-migrated
    database and two first uses do not race."""
    from alembic import command

    with _migration_lock(engine, url) as connection:
        state = schema_state(connection)
        _check_not_too_new(state)
        if state.up_to_date:
            return state
        if not migrate:
            raise StoreError(
                f"the database schema is at revision {state.current or 'none'}, this "
                f"frugalkit needs {state.head}: run `frugalkit db upgrade`"
            )
        command.upgrade(_alembic_config(connection), "head")
        connection.commit()
        return schema_state(connection)


def upgrade(engine: Engine, url: URL) -> SchemaState:
    """Apply pending migrations; return the state after."""
    return _check_or_upgrade(engine, url, migrate=True)


def _sqlite_target(settings: Settings, url: URL) -> Path:
    path = Path(str(url.database)).expanduser()
    if not settings.database_url_from_env:
        settings.ensure_home()
    elif not path.parent.is_dir():
        raise ConfigError(
            f"the directory of the SQLite database {path} does not exist; create it or "
            "change FRUGALKIT_DATABASE_URL"
        )
    return path


def _describe(exc: DBAPIError) -> str:
    first = str(exc.orig).strip().splitlines()
    return first[0] if first else type(exc.orig).__name__


@contextlib.contextmanager
def _database_errors(url: URL, engine: Engine, new_files: list[Path]) -> Iterator[None]:
    """Turn driver errors into one clear StoreError; on failure, dispose and clean up."""
    try:
        yield
    except DBAPIError as exc:
        engine.dispose()
        _remove(new_files)
        raise StoreError(
            f"cannot use the database {url.render_as_string(hide_password=True)}: "
            f"{_describe(exc)}; check that it is running and that FRUGALKIT_DATABASE_URL "
            "is right"
        ) from None
    except BaseException:
        engine.dispose()
        _remove(new_files)
        raise


def read_schema_state(settings: Settings) -> SchemaState:
    """The schema revision, without creating or changing anything."""
    url = parse_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(str(url.database)).expanduser().exists():
        return _empty_state()
    engine = make_engine(url)
    with _database_errors(url, engine, []), engine.connect() as connection:
        state = schema_state(connection)
    engine.dispose()
    return state


def _empty_state() -> SchemaState:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    known = frozenset(rev.revision for rev in script.walk_revisions())
    return SchemaState(current=None, head=str(script.get_current_head()), known=known)


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """Open the configured database, creating or migrating its schema when `migrate`."""
    url = parse_url(settings.database_url)
    new_files: list[Path] = []
    if url.get_backend_name() == "sqlite":
        path = _sqlite_target(settings, url)
        if not path.exists():
            new_files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
    engine = make_engine(url)
    with _database_errors(url, engine, new_files):
        _check_or_upgrade(engine, url, migrate)
    return Store(engine)


def _remove(paths: list[Path]) -> None:
    """Leave nothing behind when a database this call created could not be set up."""
    for path in paths:
        path.unlink(missing_ok=True)


def resolve_id(store: Store, id_column: Any, wanted: str, noun: str, listing: str) -> str:
    """The one stored id that `wanted` is, or a unique prefix of (as git does for
    commits); NotFoundError naming the command that lists them, or InputError."""
    from sqlalchemy import select

    from frugalkit.errors import InputError, NotFoundError

    if not wanted:
        raise InputError(f"give a {noun} id")
    query = select(id_column).where(id_column.startswith(wanted, autoescape=True)).limit(2)
    with store.session() as session:
        matches = list(session.scalars(query))
    if not matches:
        raise NotFoundError(f"no {noun} with id {wanted!r}; `{listing}` lists them")
    if len(matches) > 1:
        raise InputError(f"{noun} id prefix {wanted!r} is ambiguous; give more characters")
    return str(matches[0])
