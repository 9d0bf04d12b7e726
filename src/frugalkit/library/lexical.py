"""BM25 over a large SQLite library without scoring every matching row in FTS5.

FTS5 scores each passage holding any of the question's words: at 60,000 passages a question
of eight words matched a median 25,000 rows and took 50-60 ms, more than the rest of a search
(benchmarks/library_speed.py). Here the passages' term counts are held as a sparse matrix
(scipy), one column per word, so a question reads only its words' columns: about 2 ms.

The score is FTS5's own bm25() (sqlite.org/fts5.html, section "The bm25() function"; the
formula and constants are those of ext/fts5/fts5_aux.c: k1 = 1.2, b = 0.75, idf floored at
1e-6, one weight per column, the document length over all columns), with ties in passage id
order as FTS5 returns them, so switching to it changes no ranking; tests/library/
test_lexical.py checks the top 50 of every benchmark question on the real SPMs against FTS5.
Words are cut as FTS5's unicode61 tokenizer with remove_diacritics cuts them (letters and
digits), after the same accent folding as the question's words (`retrieve.folded`).

Below LEXICAL_FROM passages FTS5 is fast enough and the matrix is not built. The matrix is
kept per process and on disk (`cached.py`), keyed by the index's stamp: passages added since
are read and appended, any removal means a rebuild.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from frugalkit.library import cached
from frugalkit.library.retrieve import folded

if TYPE_CHECKING:  # scipy is imported when a large library is first searched, not before
    from scipy import sparse

LEXICAL_FROM = 5_000  # passages; our choice: FTS5 took 2 ms at 1k and 12 ms at 10k
K1, B = 1.2, 0.75  # FTS5's bm25() constants (ext/fts5/fts5_aux.c)
MIN_IDF = 1e-6  # FTS5 floors a word's idf here (a word in more than half the passages)
TOKEN = re.compile(r"[^\W_]+")


class Source(Protocol):
    identity: str
    cache_dir: Path

    def stamp(self) -> str: ...

    def lexical_rows(self, after: int = 0) -> list[tuple[int, str]]: ...


@dataclass
class _Terms:
    stamp: str
    top_id: int
    ids: np.ndarray  # int64, the passages in row order (ascending id)
    lengths: np.ndarray  # float64, each passage's word count over its columns
    vocabulary: dict[str, int]
    counts: sparse.csc_matrix  # passages x words, how often each word occurs


_held: dict[str, _Terms] = {}


def tokens(text: str) -> list[str]:
    return TOKEN.findall(folded(text))


def ranked(source: Source, terms: list[str], limit: int) -> list[int] | None:
    """Passage ids by FTS5's bm25() over any of `terms`, best first; None below
    LEXICAL_FROM passages (the caller asks FTS5)."""
    stamp = source.stamp()
    if cached.stamp_counts(stamp)[1] < LEXICAL_FROM:
        return None
    held = _load(source, stamp)
    rows = len(held.ids)
    if not rows:
        return []
    average = float(held.lengths.sum()) / rows
    norm = K1 * (1 - B + B * held.lengths / average)
    score = np.zeros(rows, dtype=np.float64)
    counts = held.counts
    for word in (w for term in terms for w in tokens(term)):  # a repeated word counts twice
        column = held.vocabulary.get(word)
        if column is None:
            continue
        start, end = counts.indptr[column], counts.indptr[column + 1]
        where, frequency = counts.indices[start:end], counts.data[start:end].astype(np.float64)
        hits = end - start
        idf = max(math.log((rows - hits + 0.5) / (hits + 0.5)), MIN_IDF)
        score[where] += idf * ((frequency * (K1 + 1.0)) / (frequency + norm[where]))
    matched = np.flatnonzero(score)
    if len(matched) > limit:  # every row tied with the last kept stays in the running
        cut = np.partition(score[matched], len(matched) - limit)[len(matched) - limit]
        matched = matched[score[matched] >= cut]
    order = matched[np.lexsort((held.ids[matched], -score[matched]))][:limit]
    return [int(i) for i in held.ids[order]]


def _load(source: Source, stamp: str) -> _Terms:
    held = _held.get(source.identity)
    if held is None or held.stamp != stamp:
        held = _update(source, held or _from_disk(source), stamp)
        _held[source.identity] = held
    return held


def _update(source: Source, held: _Terms | None, stamp: str) -> _Terms:
    if held is not None and held.stamp == stamp:
        return held  # saved by this or another process, nothing changed since
    removals, _, top_id = cached.stamp_counts(stamp)
    if (
        held is not None
        and cached.stamp_counts(held.stamp)[0] == removals
        and top_id >= held.top_id
    ):
        grown = _appended(held, source.lexical_rows(after=held.top_id), stamp, top_id)
    else:
        grown = _appended(_empty(), source.lexical_rows(), stamp, top_id)
    _save(source, grown)
    return grown


def _empty() -> _Terms:
    from scipy import sparse

    nothing = sparse.csc_matrix((0, 0), dtype=np.float32)
    return _Terms("", 0, np.empty(0, np.int64), np.empty(0, np.float64), {}, nothing)


def _appended(held: _Terms, rows: list[tuple[int, str]], stamp: str, top_id: int) -> _Terms:
    from scipy import sparse

    vocabulary = dict(held.vocabulary)
    indptr, indices, data, lengths = [0], [], [], []
    for _, text in rows:
        words = tokens(text)
        lengths.append(len(words))
        for word, n in Counter(words).items():
            indices.append(vocabulary.setdefault(word, len(vocabulary)))
            data.append(n)
        indptr.append(len(indices))
    new = sparse.csr_matrix(
        (np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr)),
        shape=(len(rows), len(vocabulary)),
    )
    old = held.counts.tocsr()
    old.resize((old.shape[0], len(vocabulary)))
    ids = np.concatenate([held.ids, np.fromiter((r[0] for r in rows), np.int64, len(rows))])
    lengths_all = np.concatenate([held.lengths, np.asarray(lengths, np.float64)])
    counts = sparse.vstack([old, new], format="csc")
    return _Terms(stamp, top_id, ids, lengths_all, vocabulary, counts)


def _pointer(source: Source) -> Path:
    return cached.pointer(source.cache_dir, "lexical", source.identity)


def _from_disk(source: Source) -> _Terms | None:
    found = cached.saved(_pointer(source))
    if found is None:
        return None
    meta, path = found
    from scipy import sparse

    try:
        cached.stamp_counts(meta["stamp"])
        with np.load(path, allow_pickle=False) as saved:
            words = json.loads(bytes(saved["vocabulary"]).decode())
            shape = (len(saved["ids"]), len(words))
            counts = sparse.csc_matrix(
                (saved["data"], saved["indices"], saved["indptr"]), shape=shape
            )
            held = _Terms(meta["stamp"], int(meta["top_id"]), saved["ids"], saved["lengths"],
                          {w: i for i, w in enumerate(words)}, counts)  # fmt: skip
        if len(held.ids) != meta["rows"] or len(held.lengths) != meta["rows"]:
            return None
        return held
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def _save(source: Source, held: _Terms) -> None:
    words = sorted(held.vocabulary, key=held.vocabulary.__getitem__)

    def write(path: Path) -> None:
        with path.open("wb") as out:
            np.savez(out, ids=held.ids, lengths=held.lengths, data=held.counts.data,
                     indices=held.counts.indices, indptr=held.counts.indptr,
                     vocabulary=np.frombuffer(json.dumps(words).encode(), np.uint8))  # fmt: skip

    meta = {"stamp": held.stamp, "top_id": held.top_id, "rows": len(held.ids)}
    cached.save(_pointer(source), ".npz", write, meta)


def forget() -> None:
    """Drop what this process holds (tests; a library replaced under a running process)."""
    _held.clear()
