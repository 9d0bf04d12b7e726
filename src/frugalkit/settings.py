"""Settings, read once from the environment into a typed, immutable object.

- ``FRUGALKIT_HOME``: data directory (default: the platform's user data dir).
- ``FRUGALKIT_DATABASE_URL``: SQLAlchemy URL (default: SQLite file ``frugalkit.db`` in
  the data directory; ``postgresql://user:pass@host/db`` for PostgreSQL).
- ``FRUGALKIT_REMOTE_ALLOW``: non-public hosts or networks that evaluations queued over the
  web API may reach (default: none; public addresses are always allowed).
"""

from __future__ import annotations

import os
from pathlib import Path

from frugalkit import paths
from frugalkit.errors import ConfigError

TYPE_CHECKING = False  # kept off the tracking path: typing and dataclasses cost import time
if TYPE_CHECKING:
    from collections.abc import Mapping

DB_FILENAME = "frugalkit.db"


class Settings:
    """Where frugalkit keeps its data and which database it uses. Immutable."""

    __slots__ = ("database_url", "database_url_from_env", "home", "remote_allow")

    def __init__(
        self,
        home: Path,
        database_url: str,
        database_url_from_env: bool = False,
        remote_allow: str = "",
    ) -> None:
        object.__setattr__(self, "home", home)
        object.__setattr__(self, "database_url", database_url)
        object.__setattr__(self, "database_url_from_env", database_url_from_env)
        object.__setattr__(self, "remote_allow", remote_allow)

    home: Path
    database_url: str
    database_url_from_env: bool
    remote_allow: str

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Settings are read once and do not change")

    def __repr__(self) -> str:
        return f"Settings(home={self.home!r}, database_url={self.database_url!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(paths.home_dir(env))
        url = env.get("FRUGALKIT_DATABASE_URL", "").strip()
        allow = env.get("FRUGALKIT_REMOTE_ALLOW", "").strip()
        if url:
            return cls(home, url, database_url_from_env=True, remote_allow=allow)
        return cls(home, f"sqlite:///{home / DB_FILENAME}", remote_allow=allow)

    @property
    def spool_dir(self) -> Path:
        """Where trackers append finished reports before the store ingests them."""
        return self.home / paths.SPOOL_DIR

    def ensure_home(self) -> Path:
        """Create the data directory if needed and check that it is writable."""
        import tempfile

        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.home, prefix=".probe-"):
                pass
        except OSError as exc:
            raise ConfigError(
                f"FRUGALKIT_HOME={self.home} is not a writable directory "
                f"({exc.strerror or exc}); set FRUGALKIT_HOME to a directory you can write"
            ) from None
        return self.home

    def as_dict(self) -> dict[str, str]:
        from frugalkit.store.engine import redact_url

        return {
            "home": str(self.home),
            "database_url": redact_url(self.database_url),
            "database_url_source": "FRUGALKIT_DATABASE_URL"
            if self.database_url_from_env
            else "default (SQLite in FRUGALKIT_HOME)",
        }
