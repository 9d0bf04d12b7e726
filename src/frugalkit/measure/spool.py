"""The spool: finished reports appended as JSON lines, ingested into the store later.

Writing a line is cheap and needs neither pydantic nor SQLAlchemy, so tracking stays
fast; the CLI and the web app ingest the spool (`frugalkit.measure.ingest`) whenever they
open the store.
"""

from __future__ import annotations

import fcntl
import json
import os

from frugalkit import paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

SPOOL_FILE = "reports.jsonl"
REJECTED_FILE = "rejected.jsonl"


def _append_line(path: str | Path, line: str) -> None:
    data = line.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)  # closing releases the lock


def append(report: dict[str, Any]) -> str:
    """Append one finished report to the spool in FRUGALKIT_HOME; returns its path."""
    directory = paths.spool_dir()
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, SPOOL_FILE)
    _append_line(path, json.dumps(report, separators=(",", ":")) + "\n")
    return path
