"""Where frugalkit keeps its files, as plain strings (no pathlib: the tracker uses this)."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

SPOOL_DIR = "spool"


def home_dir(env: Mapping[str, str] | None = None) -> str:
    """FRUGALKIT_HOME, else the platform's user data directory for frugalkit.

    On Linux that is $XDG_DATA_HOME/frugalkit or ~/.local/share/frugalkit, as
    platformdirs computes it (imported only on other systems: it costs ~25 ms).
    """
    env = os.environ if env is None else env
    home = env.get("FRUGALKIT_HOME", "").strip()
    if home:
        return os.path.expanduser(home)
    if sys.platform.startswith("linux"):
        base = env.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return os.path.join(base, "frugalkit")
    import platformdirs

    return str(platformdirs.user_data_dir("frugalkit", appauthor=False))


def spool_dir(env: Mapping[str, str] | None = None) -> str:
    return os.path.join(home_dir(env), SPOOL_DIR)
