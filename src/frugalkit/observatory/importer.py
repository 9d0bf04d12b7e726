"""Read a file of figures (CSV, JSON or Parquet), check every row, and name each bad row
and why. Nothing is stored unless every row passes (see `releases.import_file`).

One row per figure, with its source on the row:
    metric,region,year,value,unit,kind,case,source,publisher,published,licence,url,...
`scope` is accepted for `region`; `source_id` (a short slug) is optional, made from the
title and date when absent. JSON: a list of such objects (or {"rows": [...]}).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from frugalkit.errors import InputError
from frugalkit.impact.gate import decode_text, first_problem, parse_json
from frugalkit.observatory.records import DataPoint, Source, source_id

REQUIRED = ("metric", "region", "year", "value", "unit", "kind", "source", "published", "licence")
POINT_FIELDS = ("metric", "region", "year", "value", "unit", "kind", "case", "verified", "note")
SOURCE_FIELDS = ("publisher", "published", "licence", "url", "secondary")
# Every column a file may have, in the order frugalkit's own files list them.
COLUMNS = ("metric", "region", "year", "value", "unit", "kind", "case", "source_id", "source",
           "publisher", "published", "licence", "url", "secondary", "verified", "note",
           "source_note")  # fmt: skip
KNOWN = set(COLUMNS)
ALIASES = {"scope": "region"}
# Our limit, not a published figure: each checked figure holds about half a kilobyte, so
# a million of them is about 0.5 GB; a larger release is split into files.
MAX_ROWS = 1_000_000
PARQUET_BATCH_ROWS = 10_000
# How many bad rows one error message lists before "and N more".
ERRORS_SHOWN = 5


class ImportRejected(InputError):
    """A file, or some of its rows, cannot be imported; nothing was stored."""


@dataclass(frozen=True)
class Checked:
    """A file's rows, all valid: its points and the sources they cite."""

    points: list[DataPoint]
    sources: list[Source]


def read_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """('line 2', {...}) for each row, whatever the format; ImportRejected for a file
    that is not what its name says."""
    try:
        head = path.open("rb").read(4)
    except OSError as exc:
        raise ImportRejected(f"cannot read {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".parquet" or head == b"PAR1":
        yield from _parquet_rows(path)
    elif suffix == ".json":
        yield from _json_rows(path)
    elif suffix in (".csv", ".txt", ""):
        yield from _csv_rows(path)
    else:
        raise ImportRejected(
            f"{path.name}: unsupported file type {suffix!r}; give .csv, .json or .parquet"
        )


def _text(path: Path, what: str) -> str:
    data = path.read_bytes()
    if b"\x00" in data:
        raise ImportRejected(f"{path.name} is not a {what} file (it holds binary data)")
    return decode_text(data, path.name)


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(_text(path, "CSV"), newline=""))
    try:
        header = reader.fieldnames or []
        _check_header(path, header, "CSV")
        for row in reader:
            if None in row:
                raise ImportRejected(f"line {reader.line_num}: more values than columns")
            yield f"line {reader.line_num}", {k: v for k, v in row.items() if v not in ("", None)}
    except csv.Error as exc:
        raise ImportRejected(f"{path.name} is not a valid CSV file: {exc}") from None


def _json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    # The gate that reports pass: finite numbers, no NUL, bounded nesting.
    document = parse_json(decode_text(path.read_bytes(), path.name), path.name)
    rows = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise ImportRejected(f"{path.name}: expected a list of rows or {{'rows': [...]}}")
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise ImportRejected(f"item {number}: expected an object with the row's fields")
        _check_header(path, list(row), "JSON", where=f"item {number}")
        yield f"item {number}", {k: v for k, v in row.items() if v not in ("", None)}


def _parquet_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportRejected(
            "reading Parquet needs pyarrow: pip install 'frugalkit[data]'"
        ) from None
    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise ImportRejected(f"{path.name} is not a readable Parquet file: {exc}") from None
    # A 75 KiB file of repeated rows unpacked to 2.75 GB: its own row count first, unread.
    if file.metadata.num_rows > MAX_ROWS:
        raise ImportRejected(f"{path.name}: more than {MAX_ROWS:,} rows; split the file")
    _check_header(path, file.schema_arrow.names, "Parquet")
    number = 0
    try:
        for batch in file.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield f"row {number}", {k: v for k, v in row.items() if v not in ("", None)}
    except OSError as exc:
        raise ImportRejected(f"{path.name} is not a readable Parquet file: {exc}") from None


def _check_header(path: Path, columns: Sequence[str], what: str, where: str = "") -> None:
    named = {ALIASES.get(c.strip(), c.strip()) for c in columns}
    unknown = sorted(named - KNOWN)
    missing = [c for c in REQUIRED if c not in named] if not where else []
    if missing:
        raise ImportRejected(
            f"{path.name} is not a {what} file of figures: missing column(s) {', '.join(missing)}"
        )
    if unknown:
        shown = ", ".join(c[:40] for c in unknown[:ERRORS_SHOWN])
        more = f" and {len(unknown) - ERRORS_SHOWN:,} more" if len(unknown) > ERRORS_SHOWN else ""
        raise ImportRejected(
            f"{where or path.name}: unknown column(s) {shown}{more}; known: "
            f"{', '.join(sorted(KNOWN))}"
        )


def check_rows(rows: Iterator[tuple[str, dict[str, Any]]], name: str) -> Checked:
    """Every row valid, no key twice, each source described one way; else ImportRejected
    naming the rows and their reasons."""
    problems: list[str] = []
    points: list[DataPoint] = []
    sources: dict[str, tuple[str, Source]] = {}
    seen: dict[str, str] = {}
    for where, raw in rows:
        if len(points) >= MAX_ROWS:
            raise ImportRejected(f"{name}: more than {MAX_ROWS:,} rows; split the file")
        row = {ALIASES.get(k.strip(), k.strip()): v for k, v in raw.items()}
        with_nul = [k for k, v in row.items() if isinstance(v, str) and "\x00" in v]
        if with_nul:  # PostgreSQL cannot store it; SQLite would: refused on both
            problems.append(f"{where}: {with_nul[0]}: a NUL character; remove it")
            continue
        try:
            source = _source(row)
            point = DataPoint(**{k: row[k] for k in POINT_FIELDS if k in row}, source=source.id)
        except (ValidationError, ValueError) as exc:
            reason = first_problem(exc) if isinstance(exc, ValidationError) else exc
            problems.append(f"{where}: {reason}")
            continue
        if point.key in seen:
            problems.append(
                f"{where}: duplicate of {seen[point.key]} (same source, metric, region, "
                f"year and case)"
            )
            continue
        seen[point.key] = where
        if source.id in sources and sources[source.id][1] != source:
            first = sources[source.id][0]
            problems.append(f"{where}: source {source.id!r} is described differently on {first}")
            continue
        sources.setdefault(source.id, (where, source))
        points.append(point)
    if problems:
        shown = "; ".join(problems[:ERRORS_SHOWN])
        more = f"; and {len(problems) - ERRORS_SHOWN} more" if len(problems) > ERRORS_SHOWN else ""
        raise ImportRejected(
            f"{name}: {len(problems)} row(s) rejected, nothing imported: {shown}{more}"
        )
    if not points:
        raise ImportRejected(f"{name} holds no rows")
    return Checked(points, [s for _, s in sources.values()])


def _source(row: dict[str, Any]) -> Source:
    for needed in ("source", "published", "licence"):
        if needed not in row:
            raise ValueError(f"{needed}: every row names its source, publication date and licence")
    title = str(row["source"]).strip()
    published = str(row["published"]).strip()
    return Source(
        id=str(row.get("source_id") or source_id(title, published)),
        title=title,
        publisher=row.get("publisher", title),
        published=published,
        licence=row["licence"],
        url=row.get("url", ""),
        secondary=row.get("secondary", False),
        note=row.get("source_note", ""),
    )


def check_file(path: Path) -> Checked:
    return check_rows(read_rows(path), path.name)
