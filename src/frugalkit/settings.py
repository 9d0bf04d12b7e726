"""Settings, read once from the environment into a typed, immutable object.

- ``FRUGALKIT_HOME``: data directory (default: the platform's user data dir).
- ``FRUGALKIT_DATABASE_URL``: SQLAlchemy URL (default: SQLite file ``frugalkit.db`` in
  the data directory; ``postgresql://user:pass@host/db`` for PostgreSQL).
- ``FRUGALKIT_REMOTE_ALLOW``: non-public hosts or networks that evaluations queued over the
  web API may reach (default: none; public addresses are always allowed).
- ``FRUGALKIT_WEB_PRIVATE``: ``1`` makes every page and JSON route ask for a token.
- ``FRUGALKIT_COUNTRY``: the default grid zone of tracked runs (ISO 3166).
- ``FRUGALKIT_EXECUTOR``: where jobs run, ``local`` (worker processes, default) or ``ray``;
  ``FRUGALKIT_RAY_ADDRESS``: the Ray cluster (default: start a local one);
  ``FRUGALKIT_JOB_STALE_S``: seconds without a heartbeat after which a job's worker is
  taken for dead (default 30).
"""

from __future__ import annotations

import os

from frugalkit import paths
from frugalkit.errors import ConfigError

TYPE_CHECKING = False  # kept off the tracking path: typing and dataclasses cost import time
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

DB_FILENAME = "frugalkit.db"
EXECUTORS = ("local", "ray")
# Where the hour's grid intensity comes from (impact/grid_live.py); "yearly": the data file.
GRID_PROVIDERS = ("yearly", "gb", "electricitymaps", "entsoe")
TRUE = ("1", "true", "yes")
FALSE = ("", "0", "false", "no")


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no setting, read strictly: `on` or `enabled` is not taken to mean either,
    because a private server that starts public on a typo would serve everything."""
    value = env.get(name, "").strip().lower()
    if value not in TRUE + FALSE:
        raise ConfigError(
            f"{name} must be one of {', '.join(TRUE)} or {', '.join(v for v in FALSE if v)} "
            f"(got {value!r})"
        )
    return value in TRUE


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or choices[0]
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise ConfigError(f"{name} must be a number of seconds above 0 (got {text!r})")
    return value


def default_country(env: Mapping[str, str] | None = None) -> str | None:
    """FRUGALKIT_COUNTRY, for the tracker (which must start fast: no Settings built)."""
    return (os.environ if env is None else env).get("FRUGALKIT_COUNTRY", "").strip() or None


class Settings:
    """Where frugalkit keeps its data and which database it uses. Immutable."""

    __slots__ = (
        "country",
        "database_url",
        "database_url_from_env",
        "executor",
        "grid_provider",
        "grid_token",
        "grid_url",
        "home",
        "job_stale_s",
        "ray_address",
        "remote_allow",
        "web_private",
    )

    def __init__(
        self,
        home: Path,
        database_url: str,
        database_url_from_env: bool = False,
        remote_allow: str = "",
        executor: str = "local",
        ray_address: str = "",
        job_stale_s: float = 30.0,
        web_private: bool = False,
        country: str = "",
        grid_provider: str = "yearly",
        grid_token: str = "",
        grid_url: str = "",
    ) -> None:
        values = {
            "home": home,
            "database_url": database_url,
            "database_url_from_env": database_url_from_env,
            "remote_allow": remote_allow,
            "executor": executor,
            "ray_address": ray_address,
            "job_stale_s": job_stale_s,
            "web_private": web_private,
            "country": country,
            "grid_provider": grid_provider,
            "grid_token": grid_token,
            "grid_url": grid_url,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    home: Path
    database_url: str
    database_url_from_env: bool
    remote_allow: str
    executor: str
    ray_address: str
    job_stale_s: float
    web_private: bool
    country: str
    grid_provider: str
    grid_token: str
    grid_url: str

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Settings are read once and do not change")

    def __repr__(self) -> str:
        return f"Settings(home={self.home!r}, database_url={self.database_url!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        from pathlib import Path  # here, not at the top: the tracker reads the country

        home = Path(paths.home_dir(env))
        url = env.get("FRUGALKIT_DATABASE_URL", "").strip()
        return cls(
            home,
            url or f"sqlite:///{home / DB_FILENAME}",
            database_url_from_env=bool(url),
            remote_allow=env.get("FRUGALKIT_REMOTE_ALLOW", "").strip(),
            executor=_choice(env, "FRUGALKIT_EXECUTOR", EXECUTORS),
            ray_address=env.get("FRUGALKIT_RAY_ADDRESS", "").strip(),
            job_stale_s=_seconds(env, "FRUGALKIT_JOB_STALE_S", 30.0),
            web_private=_flag(env, "FRUGALKIT_WEB_PRIVATE"),
            country=env.get("FRUGALKIT_COUNTRY", "").strip(),
            grid_provider=_choice(env, "FRUGALKIT_GRID_PROVIDER", GRID_PROVIDERS),
            grid_token=env.get("FRUGALKIT_GRID_TOKEN", "").strip(),
            grid_url=env.get("FRUGALKIT_GRID_URL", "").strip().rstrip("/"),
        )

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

    @property
    def redacted_url(self) -> str:
        """The database URL with its password hidden, for messages and `config show`."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except ArgumentError:
            return "<not a URL>"

    def as_dict(self) -> dict[str, str]:
        return {
            "home": str(self.home),
            "database_url": self.redacted_url,
            "database_url_source": "FRUGALKIT_DATABASE_URL"
            if self.database_url_from_env
            else "default (SQLite in FRUGALKIT_HOME)",
        }
