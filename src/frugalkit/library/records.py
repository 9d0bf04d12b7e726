"""What both places a library lives in share: the fields of its documents and passages, the
filters of a search, and the interface each offers (`Library`): the SQLite file
(`index.py`) and the PostgreSQL tables (`pg_index.py`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from frugalkit.library.passages import Passage

DOCUMENT_FIELDS = (
    "id",
    "title",
    "body",
    "year",
    "report_type",
    "language",
    "url",
    "licence",
    "file",
    "pages",
    "pages_without_text",
    "passages",
    "demonstration",
    "report_id",
    "added_at",
)


PASSAGE_FIELDS = (
    "document_id",
    "ordinal",
    "section",
    "pdf_page",
    "printed_page",
    "paragraph_id",
    "table_id",
    "figure_id",
    "caption",
    "qualifiers",
    "refs",
    "anchor",
    "text",
    "embedding",
)


@dataclass(frozen=True)
class Filters:
    document: str | None = None
    body: str | None = None
    year: int | None = None
    report_type: str | None = None

    def sql(self, mark: str = "?") -> tuple[str, list[Any]]:
        """' AND ...' over documents `d`, with `mark` as the placeholder of each value."""
        clauses, values = [], []
        for column, value in (
            ("d.id", self.document),
            ("d.body", self.body),
            ("d.year", self.year),
            ("d.report_type", self.report_type),
        ):
            if value is not None:
                if column == "d.id":
                    clauses.append(f"substr(d.id, 1, {mark}) = {mark}")
                    values.extend([len(str(value)), value])
                else:
                    clauses.append(f"{column} = {mark}")
                    values.append(value)
        return (" AND " + " AND ".join(clauses)) if clauses else "", values

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.document, self.body, self.year, self.report_type))


def document_row(document: dict[str, Any]) -> list[Any]:
    return [
        json.dumps(document[f]) if f == "pages_without_text" else document[f]
        for f in DOCUMENT_FIELDS
    ]


def passage_row(document_id: str, passage: Passage, embedding: bytes | None) -> tuple[Any, ...]:
    return (
        document_id,
        passage.ordinal,
        passage.section,
        passage.pdf_page,
        passage.printed_page,
        passage.paragraph_id,
        passage.table_id,
        passage.figure_id,
        passage.caption,
        json.dumps(passage.qualifiers),
        passage.references,
        passage.anchor,
        passage.text,
        embedding,
    )


class Library(Protocol):
    """What both places a library lives in offer: this SQLite file, or PostgreSQL tables."""

    backend: str
    identity: str
    cache_dir: Path

    def close(self) -> None: ...
    def __enter__(self) -> Library: ...
    def __exit__(self, *_exc: object) -> None: ...
    def has(self, document_id: str) -> bool: ...
    def add(
        self,
        document: dict[str, Any],
        passages: list[Passage],
        embeddings: list[bytes | None],
        source: Path,
    ) -> None: ...
    def remove(self, document_id: str) -> dict[str, Any]: ...
    def documents(self) -> list[dict[str, Any]]: ...
    def document(self, document_id: str) -> dict[str, Any]: ...
    def passages(self, ids: list[int]) -> dict[int, dict[str, Any]]: ...
    def kinds(self, ids: list[int]) -> dict[int, tuple[str, str]]: ...
    def file_path(self, document: dict[str, Any]) -> Path: ...
    def save_answer(self, answer: dict[str, Any]) -> None: ...
    def answers(self, limit: int = 50) -> list[dict[str, Any]]: ...
    def stamp(self) -> str: ...
    def texts(self) -> Iterator[str]: ...
    def lexical(self, terms: list[str], filters: Filters, limit: int) -> list[int]: ...
    def passage_ids(self, filters: Filters) -> list[int]: ...
    def embeddings(
        self, ids: list[int] | None = None, after: int = 0
    ) -> list[tuple[int, bytes]]: ...


def document_as_dict(row: dict[str, Any]) -> dict[str, Any]:
    row["pages_without_text"] = json.loads(row["pages_without_text"])
    row["demonstration"] = bool(row["demonstration"])
    return row


def passage_as_dict(row: dict[str, Any]) -> dict[str, Any]:
    row["qualifiers"] = json.loads(row["qualifiers"])
    row.pop("embedding", None)
    row["demonstration"] = bool(row["demonstration"])
    return row


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
