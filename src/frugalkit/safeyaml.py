"""YAML that a user hands frugalkit (catalogues, facility, criteria and challenge files),
read within limits that hold while reading, not after.

Refused before anything is built: a file over `max_bytes` (from its size, unread), anchors
and aliases (a 400-byte catalogue of nested aliases took 27-78 s and 5.5 GB, issue 21),
nesting deeper than MAX_DEPTH (Python's recursion limit otherwise); tags are refused by
safe_load itself. Each refusal is one line that names the file and the limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from frugalkit.errors import InputError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


def _check_events(text: str, name: str) -> None:
    depth = 0
    for event in yaml.parse(text):  # events only: nothing is expanded or built yet
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InputError(f"{name}: YAML anchors and aliases are not accepted")
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"{name} is nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def loads(text: str, name: str, max_bytes: int = MAX_BYTES) -> Any:
    """The document in `text`, or InputError in one line."""
    if len(text.encode("utf-8", "replace")) > max_bytes:
        raise InputError(f"{name} is over {max_bytes >> 10:,} KiB")
    try:
        _check_events(text, name)
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{name} is not valid YAML{where}") from None


def load(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    """The document in the file at `path` (its size checked before it is read)."""
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"{path.name} is over {max_bytes >> 10:,} KiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    return loads(text, path.name, max_bytes)
