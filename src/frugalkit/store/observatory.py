"""Stored observatory data: releases of sourced figures, shared records, catalogue entries.

Plain dicts in and out; `frugalkit.observatory` owns their meaning. An import is one
transaction that takes the write lock before it reads, so two imports (the server's and
the CLI's) cannot both add the same figure: the second sees the first's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from frugalkit.errors import ConflictError, NotFoundError
from frugalkit.store.bench import COLUMNS as RUN_COLUMNS
from frugalkit.store.models import (
    BenchRunRow,
    ImpactReportRow,
    ObsEntryRow,
    ObsPointRow,
    ObsReleaseRow,
    ObsSharedRow,
    ObsSourceRow,
)
from frugalkit.store.store import Store

POINT_COLUMNS = [c.name for c in ObsPointRow.__table__.columns if c.name != "id"]
SOURCE_COLUMNS = [c.name for c in ObsSourceRow.__table__.columns]
RELEASE_COLUMNS = [c.name for c in ObsReleaseRow.__table__.columns]
# What a change is: a figure whose value or description differs from the stored one.
COMPARED = ("value", "unit", "kind", "verified", "note")
PG_IMPORT_LOCK_KEY = 0x6F6273  # any constant: serialises imports on PostgreSQL
DIFF_ROWS_KEPT = 1000


def _lock_for_import(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_IMPORT_LOCK_KEY})


def _current() -> Any:
    return ObsPointRow.release_removed.is_(None)


def import_release(
    store: Store,
    *,
    label: str,
    origin: str,
    sha256: str,
    sources: list[dict[str, Any]],
    points: list[dict[str, Any]],
) -> dict[str, Any]:
    """Store `points` as a new release; the release's summary, with `id` None when
    nothing differed from what is stored (no release is made then)."""
    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        _lock_for_import(session)
        # A write first: on SQLite it takes the write lock before anything is read.
        release = ObsReleaseRow(
            created_at=now,
            label=label,
            origin=origin,
            sha256=sha256,
            added=0,
            changed=0,
            unchanged=0,
            diff={},
        )
        session.add(release)
        session.flush()
        stored = _stored_points(session, {s["id"] for s in sources})
        added, changed, unchanged = [], [], 0
        for point in points:
            old = stored.get(point["key"])
            if old is None:
                added.append(point)
            elif any(old[c] != point[c] for c in COMPARED):
                changed.append((old, point))
            else:
                unchanged += 1
        source_changes = _merge_sources(session, sources, release.id)
        if not added and not changed and not source_changes:
            session.rollback()
            return {"id": None, "added": 0, "changed": 0, "unchanged": unchanged, "diff": {}}
        if changed:
            session.execute(
                update(ObsPointRow)
                .where(ObsPointRow.id.in_([old["id"] for old, _ in changed]))
                .values(release_removed=release.id)
            )
        new_rows = [*added, *(new for _, new in changed)]
        for start in range(0, len(new_rows), 50_000):
            session.execute(
                insert(ObsPointRow),
                [{**p, "release_added": release.id} for p in new_rows[start : start + 50_000]],
            )
        release.added, release.changed, release.unchanged = len(added), len(changed), unchanged
        release.diff = {
            "added": [_brief(p) for p in added[:DIFF_ROWS_KEPT]],
            "changed": [
                {"key": new["key"], "old": _brief(old), "new": _brief(new)}
                for old, new in changed[:DIFF_ROWS_KEPT]
            ],
            "sources": source_changes,
            "truncated": len(added) > DIFF_ROWS_KEPT or len(changed) > DIFF_ROWS_KEPT,
        }
        return _release_dict(release)


def _brief(point: dict[str, Any]) -> dict[str, Any]:
    return {c: point[c] for c in ("key", "series", "year", "value", "unit", "kind", "case")}


def _stored_points(session: Session, source_ids: set[str]) -> dict[str, dict[str, Any]]:
    query = select(ObsPointRow).where(_current(), ObsPointRow.source_id.in_(sorted(source_ids)))
    return {
        row.key: {"id": row.id, "key": row.key, **{c: getattr(row, c) for c in POINT_COLUMNS}}
        for row in session.scalars(query)
    }


def _merge_sources(session: Session, sources: list[dict[str, Any]], release_id: int) -> list[str]:
    """Add new sources and update changed ones; the ids of those added or changed."""
    touched = []
    for source in sources:
        row = session.get(ObsSourceRow, source["id"])
        if row is None:
            session.add(ObsSourceRow(**source, release_id=release_id))
            touched.append(f"added {source['id']}")
        elif any(getattr(row, k) != v for k, v in source.items()):
            for key, value in source.items():
                setattr(row, key, value)
            row.release_id = release_id
            touched.append(f"changed {source['id']}")
    return touched


def _release_dict(row: ObsReleaseRow) -> dict[str, Any]:
    return {c: getattr(row, c) for c in RELEASE_COLUMNS}


def release_stamp(store: Store) -> tuple[int, str]:
    """The newest release's id and creation time: what identifies the data now."""
    with store.session() as session:
        row = session.execute(
            select(ObsReleaseRow.id, ObsReleaseRow.created_at)
            .order_by(ObsReleaseRow.id.desc())
            .limit(1)
        ).first()
    return (int(row[0]), str(row[1])) if row else (0, "")


def release_by_sha(store: Store, sha256: str) -> int | None:
    with store.session() as session:
        return session.scalar(select(ObsReleaseRow.id).where(ObsReleaseRow.sha256 == sha256))


def list_releases(store: Store, with_diff: bool = False) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(ObsReleaseRow).order_by(ObsReleaseRow.id.desc()))
        return [
            {k: v for k, v in _release_dict(r).items() if with_diff or k != "diff"} for r in rows
        ]


def get_release(store: Store, release_id: int) -> dict[str, Any]:
    with store.session() as session:
        row = session.get(ObsReleaseRow, release_id)
        if row is None:
            raise NotFoundError(
                f"no release {release_id}; `frugalkit observatory sources` lists them"
            )
        return _release_dict(row)


def list_sources(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(ObsSourceRow).order_by(ObsSourceRow.published.desc()))
        return [{c: getattr(r, c) for c in SOURCE_COLUMNS} for r in rows]


def _as_of(release: int | None) -> Any:
    if release is None:
        return _current()
    return (ObsPointRow.release_added <= release) & (
        ObsPointRow.release_removed.is_(None) | (ObsPointRow.release_removed > release)
    )


def list_points(
    store: Store,
    *,
    release: int | None = None,
    limit: int | None = None,
    years: tuple[int, int] | None = None,
    **equal: Any,
) -> list[dict[str, Any]]:
    """Figures current at `release` (now when None), filtered by column equality (a list
    means any of), ordered by series then year."""
    query = select(*[getattr(ObsPointRow, c) for c in POINT_COLUMNS]).where(_as_of(release))
    for column, wanted in equal.items():
        if wanted is None:
            continue
        field = getattr(ObsPointRow, column)
        query = query.where(field.in_(wanted) if isinstance(wanted, list) else field == wanted)
    if years is not None:
        query = query.where(ObsPointRow.year.between(*years))
    query = query.order_by(ObsPointRow.series, ObsPointRow.year).limit(limit)
    with store.session() as session:
        return [dict(row._mapping) for row in session.execute(query)]


def series_summary(store: Store, **equal: str | None) -> list[dict[str, Any]]:
    """One row per current series: its metric, region, case, source, unit, kinds, years
    and number of figures."""
    p = ObsPointRow
    query = (
        select(
            p.series,
            p.metric,
            p.region,
            p.case,
            p.source_id,
            p.unit,
            p.kind,
            func.count(),
            func.min(p.year),
            func.max(p.year),
        )
        .where(_current())
        .group_by(p.series, p.metric, p.region, p.case, p.source_id, p.unit, p.kind)
    )
    for column, wanted in equal.items():
        if wanted is not None:
            query = query.where(getattr(p, column) == wanted)
    merged: dict[str, dict[str, Any]] = {}
    with store.session() as session:
        for series, metric, region, case, source, unit, kind, count, first, last in session.execute(
            query
        ):
            entry = merged.setdefault(
                series,
                {
                    "series": series,
                    "metric": metric,
                    "region": region,
                    "case": case,
                    "source": source,
                    "unit": unit,
                    "kinds": [],
                    "points": 0,
                    "first_year": first,
                    "last_year": last,
                },
            )
            entry["kinds"].append(kind)
            entry["points"] += count
            entry["first_year"] = min(entry["first_year"], first)
            entry["last_year"] = max(entry["last_year"], last)
    return sorted(merged.values(), key=lambda s: s["series"])


def share(store: Store, record_kind: str, record_id: str, shared: bool = True) -> None:
    """Opt a report ('report') or bench run ('run') in to the observatory, or out."""
    with store.session() as session, session.begin():
        row = session.get(ObsSharedRow, (record_kind, record_id))
        if shared and row is None:
            session.add(
                ObsSharedRow(
                    record_kind=record_kind, record_id=record_id, shared_at=datetime.now(UTC)
                )
            )
        elif not shared and row is not None:
            session.delete(row)


def shared_ids(store: Store, record_kind: str) -> list[str]:
    with store.session() as session:
        query = select(ObsSharedRow.record_id).where(ObsSharedRow.record_kind == record_kind)
        return list(session.scalars(query.order_by(ObsSharedRow.record_id)))


def add_entries(store: Store, catalogue: str, entries: list[dict[str, Any]]) -> int:
    """Store catalogue entries; an id stored with other content is a ConflictError (and
    nothing is stored). The number of entries new or changed."""
    now = datetime.now(UTC)
    written = 0
    with store.session() as session, session.begin():
        for entry in entries:
            row = session.get(ObsEntryRow, entry["id"])
            if row is not None and row.catalogue != catalogue:
                raise ConflictError(
                    f"entry id {entry['id']!r} is already used in the {row.catalogue} catalogue"
                )
            if row is None:
                session.add(
                    ObsEntryRow(id=entry["id"], catalogue=catalogue, payload=entry, added_at=now)
                )
                written += 1
            elif row.payload != entry:
                row.payload = entry
                written += 1
    return written


def list_entries(store: Store) -> list[tuple[str, dict[str, Any]]]:
    """(catalogue, entry) for every added entry, oldest first."""
    with store.session() as session:
        query = select(ObsEntryRow).order_by(ObsEntryRow.added_at, ObsEntryRow.id)
        return [(row.catalogue, row.payload) for row in session.scalars(query)]


def shared_records(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stored impact reports (payloads) and bench runs that were opted in."""

    def joined(kind: str, id_column: Any) -> Any:
        return (ObsSharedRow.record_kind == kind) & (ObsSharedRow.record_id == id_column)

    with store.session() as session:
        reports = list(
            session.scalars(
                select(ImpactReportRow.payload).join(
                    ObsSharedRow, joined("report", ImpactReportRow.id)
                )
            )
        )
        runs = [
            {c: getattr(row, c) for c in RUN_COLUMNS}
            for row in session.scalars(
                select(BenchRunRow).join(ObsSharedRow, joined("run", BenchRunRow.id))
            )
        ]
    return reports, runs


def region_counts(store: Store, metric: str) -> dict[str, int]:
    """For each source, how many regions other than the world it gives `metric` for."""
    p = ObsPointRow
    query = (
        select(p.source_id, func.count(func.distinct(p.region)))
        .where(_current(), p.metric == metric, p.region != "world")
        .group_by(p.source_id)
    )
    with store.session() as session:
        return {source: int(count) for source, count in session.execute(query)}


def years_of(store: Store, metric: str, source_id: str) -> list[tuple[int, str]]:
    """The (year, kind) pairs a source gives `metric` for, oldest first."""
    p = ObsPointRow
    query = (
        select(p.year, p.kind)
        .where(_current(), p.metric == metric, p.source_id == source_id)
        .group_by(p.year, p.kind)
        .order_by(p.year)
    )
    with store.session() as session:
        return [(int(year), str(kind)) for year, kind in session.execute(query)]


def latest_by_region(store: Store, metric: str, source_id: str) -> list[dict[str, Any]]:
    """Each region's most recent figure of `metric` from one source, projections aside."""
    p = ObsPointRow
    observed = (_current(), p.metric == metric, p.source_id == source_id, p.kind != "projection")
    newest = (
        select(p.region, func.max(p.year).label("year")).where(*observed).group_by(p.region)
    ).subquery()
    query = (
        select(*[getattr(p, c) for c in POINT_COLUMNS])
        .join(newest, (p.region == newest.c.region) & (p.year == newest.c.year))
        .where(*observed)
    )
    with store.session() as session:
        return [dict(row._mapping) for row in session.execute(query)]
