"""The library in the store's PostgreSQL database, so that every web server on it sees the
same library: documents, passages with their embeddings, a full-text index (tsvector, GIN)
and each document's stored file, in `library_*` tables.

The same contract as the SQLite index (`index.py`): one document per transaction, under an
advisory lock taken first, so a document that fails leaves the library as it was and two
writers never interleave. Full-text ranking is PostgreSQL's `ts_rank_cd` over the 'simple'
configuration of accent-folded text (the same folding as the question's words), not BM25:
PostgreSQL has no BM25, and the fusion in `retrieve.py` uses ranks only.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from frugalkit.errors import StoreError
from frugalkit.library.index import CACHE_DIR
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
from frugalkit.store import parse_url

LOCK_KEY = 7_424_511  # pg_advisory_xact_lock key of library writes (any number of our own)
CONNECT_TIMEOUT_S = 5
_checked: dict[Path, tuple[int, int]] = {}  # local copies found intact: (size, mtime_ns)
SCHEMA = """
CREATE TABLE IF NOT EXISTS library_documents (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, year INTEGER,
  report_type TEXT NOT NULL, language TEXT NOT NULL, url TEXT NOT NULL, licence TEXT NOT NULL,
  file TEXT NOT NULL, pages INTEGER NOT NULL, pages_without_text TEXT NOT NULL,
  passages INTEGER NOT NULL, demonstration BOOLEAN NOT NULL, report_id TEXT,
  added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS library_files (
  document_id TEXT PRIMARY KEY REFERENCES library_documents(id) ON DELETE CASCADE,
  content BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS library_passages (
  id BIGSERIAL PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES library_documents(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL, section TEXT NOT NULL, pdf_page INTEGER NOT NULL,
  printed_page TEXT NOT NULL, paragraph_id TEXT NOT NULL, table_id TEXT NOT NULL,
  figure_id TEXT NOT NULL, caption TEXT NOT NULL, qualifiers TEXT NOT NULL,
  refs TEXT NOT NULL, anchor TEXT NOT NULL, text TEXT NOT NULL, embedding BYTEA,
  words TSVECTOR NOT NULL);
CREATE INDEX IF NOT EXISTS library_passages_document ON library_passages(document_id, ordinal);
CREATE INDEX IF NOT EXISTS library_passages_words ON library_passages USING GIN (words);
CREATE TABLE IF NOT EXISTS library_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1), removals BIGINT NOT NULL);
INSERT INTO library_changes (id, removals) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS library_answers (
  id TEXT PRIMARY KEY, question TEXT NOT NULL, created_at TEXT NOT NULL,
  report_id TEXT, answer TEXT NOT NULL);
"""


class PgIndex(Queries):
    """The library tables of the PostgreSQL database at `url` (created on first use)."""

    backend = "postgresql"
    MARK = "%s"
    DOCUMENTS, PASSAGES, ANSWERS = "library_documents", "library_passages", "library_answers"
    DOCUMENT_ORDER = "added_at, id"

    def __init__(self, url: str, home: Path) -> None:
        parsed = parse_url(url).set(drivername="postgresql")
        self.identity = parsed.render_as_string(hide_password=True)
        self.cache_dir = home / CACHE_DIR
        self.files = home / CACHE_DIR / "files"  # copies of stored files, checked by digest
        try:
            self.db = psycopg.connect(
                parsed.render_as_string(hide_password=False),
                connect_timeout=CONNECT_TIMEOUT_S,
                autocommit=True,
                row_factory=dict_row,
            )
            found = self.db.execute("SELECT to_regclass('library_answers') AS t").fetchone()
            if found is None or found["t"] is None:  # first use: create, one server at a time
                with self.db.transaction():
                    self.db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                    self.db.execute(SCHEMA)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"the library in {self.identity} cannot be used: {reason}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> PgIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[psycopg.Connection[Any]]:
        """A transaction that takes the library's write lock first; rolled back on error."""
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            yield self.db

    def add(
        self,
        document: dict[str, Any],
        passages: list[Passage],
        embeddings: list[bytes | None],
        source: Path,
    ) -> None:
        """Store a document, its passages and its file's bytes, all or nothing."""
        fields = ", ".join(DOCUMENT_FIELDS)
        with self.writing() as db:
            db.execute(
                f"INSERT INTO library_documents ({fields}) "
                f"VALUES ({', '.join(['%s'] * len(DOCUMENT_FIELDS))})",
                document_row(document),
            )
            db.execute(
                "INSERT INTO library_files (document_id, content) VALUES (%s, %s)",
                (document["id"], source.read_bytes()),
            )
            with db.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO library_passages ({', '.join(PASSAGE_FIELDS)}, words) VALUES "
                    f"({', '.join(['%s'] * len(PASSAGE_FIELDS))}, to_tsvector('simple', %s))",
                    [
                        (
                            *passage_row(document["id"], p, e),
                            folded(f"{p.text} {p.section} {p.caption}"),
                        )
                        for p, e in zip(passages, embeddings, strict=True)
                    ],
                )

    def remove(self, document_id: str) -> dict[str, Any]:
        document = self.document(document_id)
        with self.writing() as db:
            db.execute("DELETE FROM library_documents WHERE id = %s", (document["id"],))
            db.execute("UPDATE library_changes SET removals = removals + 1")
        self._local(document).unlink(missing_ok=True)
        return document

    def _local(self, document: dict[str, Any]) -> Path:
        return self.files / Path(document["file"]).name

    def file_path(self, document: dict[str, Any]) -> Path:
        """The stored file, copied once from the database to this machine's cache; a copy
        whose digest is not the document's id is written again."""
        path = self._local(document)
        if path.is_file() and self._intact(path, document["id"]):
            return path
        row = self.db.execute(
            "SELECT content FROM library_files WHERE document_id = %s", (document["id"],)
        ).fetchone()
        if row is None:
            return path  # missing: the caller says so
        self.files.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f"{path.suffix}.{uuid.uuid4().hex[:8]}.part")  # one each
        scratch.write_bytes(bytes(row["content"]))
        scratch.replace(path)
        return path

    @staticmethod
    def _intact(path: Path, digest: str) -> bool:
        """The copy's digest is the document's id; hashed again only when its size or time
        changed (every page image of a cited figure asks, and a report may be 200 MB)."""
        seen = path.stat()
        if _checked.get(path) == (seen.st_size, seen.st_mtime_ns):
            return True
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
        _checked[path] = (seen.st_size, seen.st_mtime_ns)
        return True

    def stamp(self) -> str:
        row = self.db.execute(
            "SELECT (SELECT removals FROM library_changes) AS removals, count(*) AS n, "
            "coalesce(max(id), 0) AS top FROM library_passages"
        ).fetchone()
        assert row is not None
        return f"{self.identity}:{row['removals']}:{row['n']}:{row['top']}"

    def lexical(self, terms: list[str], filters: Filters, limit: int) -> list[int]:
        """Passage ids by ts_rank_cd over any of `terms`, best first."""
        where, values = filters.sql("%s")
        rows = self.db.execute(
            "SELECT p.id FROM library_passages p JOIN library_documents d ON d.id = p.document_id,"
            " to_tsquery('simple', %s) q "
            f"WHERE p.words @@ q {where} ORDER BY ts_rank_cd(p.words, q) DESC, p.id LIMIT %s",
            [" | ".join(_lexeme(t) for t in terms), *values, limit],
        )
        return [int(r["id"]) for r in rows]


def _lexeme(term: str) -> str:
    """A word as a tsquery operand: quoted, so that no character of it is an operator."""
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"
