"""Imports as versioned releases. The packaged figures are release 1 of every store; each
`frugalkit observatory import FILE` that changes anything is the next release, with a diff
of what it added or changed. Nothing is overwritten: a changed figure keeps its old row,
marked as replaced, so any earlier release can be read back.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from frugalkit.observatory.importer import Checked, check_file
from frugalkit.store import Store
from frugalkit.store import observatory as stored

DATA_DIR = Path(__file__).parent / "data"
PACKAGED = ("figures.csv", "owid_countries.csv")


def _rows(checked: Checked) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    points = [{**p.model_dump(), "key": p.key, "series": p.series} for p in checked.points]
    for point in points:
        point["source_id"] = point.pop("source")
    return [s.model_dump() for s in checked.sources], points


def _store(store: Store, checked: Checked, label: str, origin: str, sha: str) -> dict[str, Any]:
    sources, points = _rows(checked)
    return stored.import_release(
        store, label=label, origin=origin, sha256=sha, sources=sources, points=points
    )


def import_file(store: Store, path: Path, label: str | None = None) -> dict[str, Any]:
    """Check every row of `path`, then store them as one release (or none when nothing
    differs). ImportRejected names each bad row; then nothing is stored."""
    checked = check_file(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return _store(store, checked, label or f"import of {path.name}", path.name[:500], sha)


@functools.cache
def packaged_sha() -> str:
    """The packaged files' digest (read once: they do not change while frugalkit runs)."""
    digest = hashlib.sha256()
    for name in PACKAGED:
        digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()


def ensure_packaged(store: Store) -> None:
    """Import the figures that ship with frugalkit, once per version of them."""
    sha = packaged_sha()
    if stored.release_by_sha(store, sha) is not None:
        return
    checked = [check_file(DATA_DIR / name) for name in PACKAGED]
    merged = Checked(
        points=[p for c in checked for p in c.points],
        sources=[s for c in checked for s in c.sources],
    )
    _store(store, merged, "figures packaged with frugalkit", "frugalkit package", sha)
