"""Settings, read once from the environment into a typed, immutable object.

- ``FRUGALKIT_HOME``: data directory (default: the platform's user data dir).
- ``FRUGALKIT_DATABASE_URL``: SQLAlchemy URL (default: SQLite file ``frugalkit.db`` in
  the data directory; ``postgresql://user:pass@host/db`` for PostgreSQL).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from frugalkit.errors import ConfigError

DB_FILENAME = "frugalkit.db"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    database_url_from_env: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home_text = env.get("FRUGALKIT_HOME", "").strip()
        if home_text:
            home = Path(home_text).expanduser()
        else:
            import platformdirs

            home = Path(platformdirs.user_data_dir("frugalkit", appauthor=False))
        url = env.get("FRUGALKIT_DATABASE_URL", "").strip()
        if url:
            return cls(home=home, database_url=url, database_url_from_env=True)
        return cls(home=home, database_url=f"sqlite:///{home / DB_FILENAME}")

    @property
    def spool_dir(self) -> Path:
        """Where trackers append finished reports before the store ingests them."""
        return self.home / "spool"

    def ensure_home(self) -> Path:
        """Create the data directory if needed and check that it is writable."""
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
