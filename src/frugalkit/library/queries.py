"""The reads and the answer log that the SQLite index (`index.py`) and the PostgreSQL one
(`pg_index.py`) run alike: the same SQL but for each one's placeholder and table names.
What differs (writing, full-text search, the stamp, where a stored file is) stays in each."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from frugalkit.errors import NotFoundError
from frugalkit.library.records import Filters, document_as_dict, passage_as_dict


class Queries:
    """Mixed into an index whose `db.execute(sql, params)` gives rows read by column name."""

    db: Any
    MARK = "?"  # the driver's placeholder
    DOCUMENTS, PASSAGES, ANSWERS = "documents", "passages", "answers"
    DOCUMENT_ORDER = "added_at"

    def writing(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _marks(self, count: int) -> str:
        return ", ".join([self.MARK] * count)

    def has(self, document_id: str) -> bool:
        query = f"SELECT 1 FROM {self.DOCUMENTS} WHERE id = {self.MARK}"
        return self.db.execute(query, (document_id,)).fetchone() is not None

    def documents(self) -> list[dict[str, Any]]:
        rows = self.db.execute(f"SELECT * FROM {self.DOCUMENTS} ORDER BY {self.DOCUMENT_ORDER}")
        return [document_as_dict(dict(r)) for r in rows]

    def document(self, document_id: str) -> dict[str, Any]:
        """By id or unique prefix."""
        rows = self.db.execute(
            f"SELECT * FROM {self.DOCUMENTS} WHERE substr(id, 1, {self.MARK}) = {self.MARK} "
            "LIMIT 2",
            (len(document_id), document_id),
        ).fetchall()
        if len(rows) != 1 or not document_id:
            raise NotFoundError(
                f"no single document with id {document_id!r}; `frugalkit library list` lists them"
            )
        return document_as_dict(dict(rows[0]))

    def passages(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT p.*, d.title, d.language, d.report_type, d.url, d.file, d.demonstration "
            f"FROM {self.PASSAGES} p JOIN {self.DOCUMENTS} d ON d.id = p.document_id "
            f"WHERE p.id IN ({self._marks(len(ids))})",
            ids,
        )
        found = {}
        for row in rows:
            passage = dict(row)
            passage.pop("words", None)  # PostgreSQL's full-text column
            found[int(passage["id"])] = passage_as_dict(passage)
        return found

    def kinds(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """(language, report type) of each passage: what ranking needs, without its text."""
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT p.id, d.language, d.report_type FROM {self.PASSAGES} p JOIN "
            f"{self.DOCUMENTS} d ON d.id = p.document_id WHERE p.id IN ({self._marks(len(ids))})",
            ids,
        )
        return {int(r["id"]): (r["language"], r["report_type"]) for r in rows}

    def texts(self) -> Iterator[str]:
        for row in self.db.execute(f"SELECT text FROM {self.PASSAGES}"):
            yield row["text"]

    def lexical_rows(self, after: int = 0) -> list[tuple[int, str]]:
        """(passage id, its text, section and caption) of the passages after id `after`,
        in id order: what full-text search reads (`lexical.py`)."""
        rows = self.db.execute(
            f"SELECT id, text, section, caption FROM {self.PASSAGES} WHERE id > {self.MARK} "
            "ORDER BY id",
            (after,),
        )
        return [(int(r["id"]), f"{r['text']} {r['section']} {r['caption']}") for r in rows]

    def passage_ids(self, filters: Filters) -> list[int]:
        where, values = filters.sql(self.MARK)
        rows = self.db.execute(
            f"SELECT p.id FROM {self.PASSAGES} p JOIN {self.DOCUMENTS} d ON d.id = p.document_id "
            f"WHERE p.embedding IS NOT NULL {where}",
            values,
        )
        return [int(r["id"]) for r in rows]

    def embeddings(self, ids: list[int] | None = None, after: int = 0) -> list[tuple[int, bytes]]:
        """(passage id, embedding) of the given passages, or of all those after id `after`."""
        if ids is not None:
            if not ids:
                return []
            where, values = f"id IN ({self._marks(len(ids))})", list(ids)
        else:
            where, values = f"id > {self.MARK}", [after]
        rows = self.db.execute(
            f"SELECT id, embedding FROM {self.PASSAGES} "
            f"WHERE {where} AND embedding IS NOT NULL ORDER BY id",
            values,
        )
        return [(int(r["id"]), bytes(r["embedding"])) for r in rows]

    def save_answer(self, answer: dict[str, Any]) -> None:
        with self.writing() as db:
            db.execute(
                f"INSERT INTO {self.ANSWERS} (id, question, created_at, report_id, answer) "
                f"VALUES ({self._marks(5)})",
                (
                    answer["id"],
                    answer["question"],
                    answer["created_at"],
                    answer.get("report_id"),
                    json.dumps(answer),
                ),
            )

    def answers(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.db.execute(
            f"SELECT answer FROM {self.ANSWERS} ORDER BY created_at DESC LIMIT {self.MARK}",
            (limit,),
        )
        return [json.loads(r["answer"]) for r in rows]
