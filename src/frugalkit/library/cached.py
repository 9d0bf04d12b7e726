"""Files an index keeps under FRUGALKIT_HOME/library-cache (the vector graph, the lexical
matrix): written under a new name first, then named in a small JSON pointer replaced
atomically, so a process killed half-way leaves the previous file in force and a damaged
pointer or file is read as "nothing saved" (the caller rebuilds), never as a crash."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


def stamp_counts(stamp: str) -> tuple[int, int, int]:
    """(removals, passages, top id) of an index's stamp 'identity:removals:passages:top'."""
    removals, count, top = stamp.rsplit(":", 3)[-3:]
    return int(removals), int(count), int(top)


def pointer(cache_dir: Path, kind: str, identity: str) -> Path:
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return cache_dir / f"{kind}-{key}.json"


def saved(meta_path: Path) -> tuple[dict[str, Any], Path] | None:
    """The pointer's metadata and the file it names; None when there is none to read."""
    try:
        meta = json.loads(meta_path.read_text())
        return meta, meta_path.parent / Path(str(meta["file"])).name
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(meta_path: Path, suffix: str, write: Callable[[Path], None], meta: dict[str, Any]) -> None:
    """`write(path)` the new file, point `meta_path` at it, then remove the previous one."""
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    previous = saved(meta_path)
    target = meta_path.with_name(f"{meta_path.stem}-{uuid.uuid4().hex[:8]}{suffix}")
    write(target)
    scratch = meta_path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
    scratch.write_text(json.dumps({**meta, "file": target.name}))
    os.replace(scratch, meta_path)
    if previous and previous[1] != target:
        with contextlib.suppress(OSError):
            previous[1].unlink()
