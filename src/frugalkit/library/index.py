"""The library's own index when the store is SQLite: one SQLite file with FTS5 (BM25) beside
a copy of each indexed PDF (served at its cited page). With a PostgreSQL store the library
lives in that database instead (`pg_index.py`), so that every web server sees the same one.

One document is added in one transaction that holds the write lock from its start: a
document that fails leaves the index as it was, and two writers never interleave.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from frugalkit.errors import StoreError
from frugalkit.library import lexical
from frugalkit.library.passages import Passage
from frugalkit.library.queries import Queries
from frugalkit.library.records import (
    DOCUMENT_FIELDS,
    PASSAGE_FIELDS,
    Filters,
    document_row,
    passage_row,
)
from frugalkit.library.retrieve import folded

INDEX_FILE = "library.sqlite3"
FILES_DIR = "library"
CACHE_DIR = "library-cache"  # what can be built again from the index: the vector graph
BUSY_TIMEOUT_S = 30
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, year INTEGER,
  report_type TEXT NOT NULL, language TEXT NOT NULL, url TEXT NOT NULL, licence TEXT NOT NULL,
  file TEXT NOT NULL, pages INTEGER NOT NULL, pages_without_text TEXT NOT NULL,
  passages INTEGER NOT NULL, demonstration INTEGER NOT NULL, report_id TEXT,
  added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passages (
  id INTEGER PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL, section TEXT NOT NULL, pdf_page INTEGER NOT NULL,
  printed_page TEXT NOT NULL, paragraph_id TEXT NOT NULL, table_id TEXT NOT NULL,
  figure_id TEXT NOT NULL, caption TEXT NOT NULL, qualifiers TEXT NOT NULL,
  refs TEXT NOT NULL, anchor TEXT NOT NULL, text TEXT NOT NULL, embedding BLOB);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id, ordinal);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
  text, section, caption, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS changes (
  id INTEGER PRIMARY KEY CHECK (id = 1), removals INTEGER NOT NULL, passages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  id TEXT PRIMARY KEY, question TEXT NOT NULL, created_at TEXT NOT NULL,
  report_id TEXT, answer TEXT NOT NULL);
"""


FTS_INSERT = "INSERT INTO passages_fts (rowid, text, section, caption) VALUES (?, ?, ?, ?)"
# The full-text table holds the text folded as the question's words are (`retrieve.folded`):
# before, FTS5 folded accents only, so a question's 'co2' never matched a report's 'CO₂'
# (in benchmarks/library_speed.py's 60k library 'co2' matched 10,952 passages, not the 17,931
# that hold CO2 or CO₂).
FOLDED_FTS_VERSION = 1  # PRAGMA user_version of an index whose full-text rows are folded


def _searched(passage: Any) -> tuple[str, str, str]:
    """A passage's text, section and caption as the full-text table holds them."""
    if isinstance(passage, Passage):
        return folded(passage.text), folded(passage.section), folded(passage.caption)
    return folded(passage[1]), folded(passage[2]), folded(passage[3])


class Index(Queries):
    """The index file under FRUGALKIT_HOME (created on first use)."""

    backend = "sqlite"

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.files = home / FILES_DIR
        self.files.mkdir(exist_ok=True)
        self.path = home / INDEX_FILE
        self.identity = str(self.path)
        self.cache_dir = home / CACHE_DIR
        try:
            self.db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            if self.db.execute("PRAGMA user_version").fetchone()[0] < FOLDED_FTS_VERSION:
                self._refold()
            if self.db.execute("SELECT 1 FROM changes").fetchone() is None:  # first open only:
                # counting the passages took 6 ms at 60k, on every request's open
                self.db.execute(
                    "INSERT OR IGNORE INTO changes (id, removals, passages) "
                    "SELECT 1, 0, count(*) FROM passages"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the library index {self.path} cannot be used: {exc}") from None

    def _refold(self) -> None:
        """Full-text rows written before they were folded (FOLDED_FTS_VERSION) written again."""
        with self.writing() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] >= FOLDED_FTS_VERSION:
                return  # another process did it while this one waited for the lock
            rows = db.execute("SELECT id, text, section, caption FROM passages").fetchall()
            db.execute("DELETE FROM passages_fts")
            db.executemany(FTS_INSERT, [(r[0], *_searched(r)) for r in rows])
            db.execute(f"PRAGMA user_version = {FOLDED_FTS_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A transaction that takes the write lock first; rolled back on any error."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def add(
        self,
        document: dict[str, Any],
        passages: list[Passage],
        embeddings: list[bytes | None],
        source: Path,
    ) -> None:
        """Store a document, its passages and a copy of its file, all or nothing."""
        stored = self.files / document["file"]
        shutil.copyfile(source, stored)
        try:
            with self.writing() as db:
                db.execute(
                    f"INSERT INTO documents ({', '.join(DOCUMENT_FIELDS)}) "
                    f"VALUES ({', '.join('?' * len(DOCUMENT_FIELDS))})",
                    document_row(document),
                )
                for passage, embedding in zip(passages, embeddings, strict=True):
                    cursor = db.execute(
                        f"INSERT INTO passages ({', '.join(PASSAGE_FIELDS)}) "
                        f"VALUES ({', '.join('?' * len(PASSAGE_FIELDS))})",
                        passage_row(document["id"], passage, embedding),
                    )
                    db.execute(FTS_INSERT, (cursor.lastrowid, *_searched(passage)))
                db.execute("UPDATE changes SET passages = passages + ?", (len(passages),))
        except BaseException:
            stored.unlink(missing_ok=True)
            raise

    def remove(self, document_id: str) -> dict[str, Any]:
        document = self.document(document_id)
        with self.writing() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM passages WHERE document_id = ?", (document["id"],)
                )
            ]
            db.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
            db.execute("DELETE FROM documents WHERE id = ?", (document["id"],))
            # a removal is counted: the ids of the passages removed may be given again
            db.execute(
                "UPDATE changes SET removals = removals + 1, passages = passages - ?", (len(ids),)
            )
        self.file_path(document).unlink(missing_ok=True)
        return document

    def file_path(self, document: dict[str, Any]) -> Path:
        """Where the stored copy of `document` is on this machine."""
        return self.files / Path(document["file"]).name

    def stamp(self) -> str:
        """'identity:removals:passages:top id', which changes whenever passages are added
        or removed (counted as they are: a count(*) took 13 ms at 60k passages)."""
        removals, count = self.db.execute("SELECT removals, passages FROM changes").fetchone()
        top = self.db.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
        return f"{self.identity}:{removals}:{count}:{top}"

    def lexical(self, terms: list[str], filters: Filters, limit: int) -> list[int]:
        """Passage ids by BM25 over any of `terms` (FTS5's bm25()), best first. Without a
        filter, a large library reads its words' columns (`lexical.py`, the same ranking)
        and a small one the full-text table alone: joined for nothing, it took 195 ms
        instead of 47 at 60k passages (benchmarks/library_speed.py)."""
        match = " OR ".join(f'"{t}"' for t in terms)
        if not filters:
            found = lexical.ranked(self, terms, limit)
            if found is not None:
                return found
            rows = self.db.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? "
                "ORDER BY bm25(passages_fts) LIMIT ?",
                (match, limit),
            )
            return [r[0] for r in rows]
        where, values = filters.sql()
        rows = self.db.execute(
            "SELECT f.rowid FROM passages_fts f JOIN passages p ON p.id = f.rowid "
            "JOIN documents d ON d.id = p.document_id "
            f"WHERE passages_fts MATCH ? {where} ORDER BY bm25(passages_fts) LIMIT ?",
            [match, *values, limit],
        )
        return [r[0] for r in rows]
