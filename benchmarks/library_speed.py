"""The library's speed (issue 24, item 5), each figure beside its peer in the same run:

- indexing seconds per page of a real report (the WG1 SPM, 32 pages), reading and
  embedding apart, with the embedder's tokens per second;
- search milliseconds at 1k, 10k and 60k passages: the vector graph (`library/vectors.py`,
  usearch HNSW above 2,000 passages) beside the exact scan it replaced (every embedding read
  from SQLite and multiplied, as `retrieve.dense` did before), BM25 (the term-count matrix of
  `library/lexical.py` from 5,000 passages) beside FTS5's own bm25() that it replaced, with the
  graph's recall@10 against the exact scan (of passages, and of their texts: a synthetic
  passage repeats a real one's text, its embedding a hair away from its copies'), and the
  whole `search()` (both retrievers fused, the question's embedding included).

    python benchmarks/library_speed.py

The larger libraries are the real passages of both SPM editions repeated: the same texts
(real vocabulary for BM25) and embeddings that mix two real passages' embeddings with a little
noise (near the real ones, as in a library of many IPCC reports), so the graph is searched
among close neighbours. Nothing is kept: every index lives in a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
QUESTION_FILES = sorted((ROOT / "benchmarks" / "library_questions").glob("*.yaml"))
SIZES = (1_000, 10_000, 60_000)
CHUNK = 5_000  # passages per synthetic document
GOAL_SEARCH_MS = 50.0  # issue 24: a search under 50 ms at 60,000 passages


def questions() -> list[str]:
    asked = []
    for path in QUESTION_FILES:
        data = yaml.safe_load(path.read_text())
        for q in data["questions"] + data["near"]:
            asked += [q["en"], q["fr"]]
    return asked


def indexed(folder: Path) -> tuple[Any, Any, dict[str, float]]:
    """Both SPM editions indexed, timed: seconds per page, reading and embedding apart."""
    from frugalkit.library import service
    from frugalkit.settings import Settings

    settings = Settings.from_env({"FRUGALKIT_HOME": str(folder / "real")})
    index = service.open_index(settings)
    moments: dict[str, float] = {}

    def step(what: str, done: int, total: int) -> None:
        moments.setdefault(what, time.perf_counter())

    figures = {"pages": 0.0, "seconds": 0.0, "embedding s": 0.0, "tokens": 0.0}
    engine = service.dense_model()
    for language in ("en", "fr"):
        moments.clear()
        started = time.perf_counter()
        path = CORPUS / f"ipcc-ar6-wg1-spm-{language}.pdf"
        document, _ = service.add_file(settings, index, path, on_step=step, language=language)
        ended = time.perf_counter()
        figures["pages"] += document["pages"]
        figures["seconds"] += ended - started
        figures["embedding s"] += ended - moments.get("embedding", ended)
        if engine is not None:
            rows = index.db.execute(
                "SELECT text FROM passages WHERE document_id = ?", (document["id"],)
            )
            figures["tokens"] += sum(engine.get_model().token_count(r[0]) for r in rows)
    return settings, index, figures


def grow(index: Any, size: int, rng: np.random.Generator) -> None:
    """Add synthetic documents until the index holds `size` passages."""
    from frugalkit.library.passages import Passage
    from frugalkit.library.records import now

    rows = index.db.execute(
        "SELECT section, pdf_page, printed_page, text, paragraph_id, embedding FROM passages "
        "WHERE document_id IN (SELECT id FROM documents WHERE file NOT LIKE 'synthetic%') "
        "ORDER BY id"
    ).fetchall()
    base = np.frombuffer(b"".join(r["embedding"] for r in rows), np.float32).reshape(len(rows), -1)
    source = Path(index.files) / "synthetic-source.pdf"
    source.write_bytes(b"%PDF-1.4 synthetic")
    have = index.db.execute("SELECT count(*) FROM passages").fetchone()[0]
    while have < size:
        n = min(CHUNK, size - have)
        picks, mates = rng.integers(0, len(rows), n), rng.integers(0, len(rows), n)
        mixed = 0.7 * base[picks] + 0.3 * base[mates]
        mixed += rng.normal(0, 0.01, mixed.shape).astype(np.float32)
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        passages = [
            Passage(i, rows[j]["section"], rows[j]["pdf_page"], rows[j]["printed_page"],
                    rows[j]["text"], paragraph_id=rows[j]["paragraph_id"])
            for i, j in enumerate(picks)
        ]  # fmt: skip
        digest = hashlib.sha256(f"synthetic {have}".encode()).hexdigest()
        document = {
            "id": digest, "title": f"synthetic {have}", "body": "synthetic", "year": None,
            "report_type": "report", "language": "en", "url": "", "licence": "none",
            "file": f"synthetic-{digest}.pdf", "pages": 1, "pages_without_text": [],
            "passages": n, "demonstration": True, "report_id": None, "added_at": now(),
        }  # fmt: skip
        vectors = [v.astype(np.float32).tobytes() for v in mixed]
        index.add(document, passages, vectors, source)
        have += n


def old_scan(index: Any, query: np.ndarray, k: int) -> list[int]:
    """What `retrieve.dense` did before the graph: read every embedding, multiply, sort."""
    rows = index.db.execute(
        "SELECT id, embedding FROM passages WHERE embedding IS NOT NULL"
    ).fetchall()
    matrix = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(len(rows), -1)
    order = np.argsort(-(matrix @ query))[:k]
    return [int(rows[i][0]) for i in order]


def fts5(index: Any, question: str) -> list[int]:
    """What `bm25` did before the term-count matrix: FTS5 scores every matching row."""
    from frugalkit.library.retrieve import CANDIDATES, content_words

    match = " OR ".join(f'"{t}"' for t in content_words(question))
    rows = index.db.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? "
        "ORDER BY bm25(passages_fts) LIMIT ?",
        (match, CANDIDATES),
    )
    return [r[0] for r in rows]


def _ms(call: Any, items: list[Any]) -> float:
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def searches(index: Any, asked: list[str]) -> dict[str, float]:
    from frugalkit.library import vectors
    from frugalkit.library.records import Filters
    from frugalkit.library.retrieve import CANDIDATES, bm25, dense_model, search

    model = dense_model()
    embedded = [np.asarray(model.query(q), np.float32) for q in asked]
    started = time.perf_counter()
    vectors.nearest(index, embedded[0], CANDIDATES, Filters())  # builds (or loads) the graph
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    bm25(index, asked[0], Filters())  # builds (or loads) the term-count matrix, from 5k
    matrix_s = time.perf_counter() - started
    texts = dict(index.db.execute("SELECT id, text FROM passages").fetchall())
    by_id, by_text = [], []
    for q in embedded:
        found = [p for p, _ in vectors.nearest(index, q, 10, Filters())]
        exact = old_scan(index, q, 10)
        by_id.append(len(set(found) & set(exact)) / 10)
        wanted = {texts[p] for p in exact}  # the larger libraries repeat real texts
        by_text.append(len({texts[p] for p in found} & wanted) / len(wanted))
    return {
        "passages": index.db.execute("SELECT count(*) FROM passages").fetchone()[0],
        "graph build s": build_s,
        "graph ms": _ms(lambda q: vectors.nearest(index, q, CANDIDATES, Filters()), embedded),
        "old scan ms": _ms(lambda q: old_scan(index, q, CANDIDATES), embedded),
        "BM25 ms": _ms(lambda q: bm25(index, q, Filters()), asked),
        "FTS5 ms": _ms(lambda q: fts5(index, q), asked),
        "matrix build s": matrix_s,
        "BM25 = FTS5": statistics.mean(bm25(index, q, Filters()) == fts5(index, q) for q in asked),
        "search() ms": _ms(lambda q: search(index, q), asked),
        "graph recall@10": statistics.mean(by_id),
        "texts recall@10": statistics.mean(by_text),
    }


def main() -> int:
    if not all((CORPUS / f"ipcc-ar6-wg1-spm-{lang}.pdf").is_file() for lang in ("en", "fr")):
        print(f"the IPCC SPMs are not in {CORPUS}: nothing to measure", file=sys.stderr)
        return 1
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
    asked = questions()
    rng = np.random.default_rng(24)
    with tempfile.TemporaryDirectory() as scratch:
        _, index, figures = indexed(Path(scratch))
        per_page = figures["seconds"] / figures["pages"]
        print(f"indexing: {figures['pages']:.0f} pages in {figures['seconds']:.1f} s = "
              f"{per_page:.2f} s/page (embedding {figures['embedding s']:.1f} s, "
              f"{figures['tokens'] / max(figures['embedding s'], 1e-9):.0f} tokens/s on "
              f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})")  # fmt: skip
        rows = []
        for size in SIZES:
            grow(index, size, rng)
            rows.append(searches(index, asked))
        index.close()
    keys = list(rows[0])
    print("  ".join(f"{k:>15}" for k in keys))
    for row in rows:
        print(
            "  ".join(f"{row[k]:>15.0f}" if k == "passages" else f"{row[k]:>15.2f}" for k in keys)
        )
    last = rows[-1]
    print(f"goal: a search under {GOAL_SEARCH_MS:.0f} ms at {last['passages']} passages: graph "
          f"{last['graph ms']:.1f} ms, whole search() {last['search() ms']:.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
