"""Stored impact reports: ImpactReport objects in, their JSON payloads out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Numeric, case, cast, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from frugalkit.errors import ConflictError, InputError
from frugalkit.impact.report import MAX_ENERGY_KWH
from frugalkit.store.models import ImpactReportRow
from frugalkit.store.store import Store, resolve_id

if TYPE_CHECKING:
    from frugalkit.impact.report import ImpactReport


# The error a lost run's record carries; a late final report may still replace it.
LOST_RUN_ERROR = "lost: the measuring process ended without a final report (killed?)"


def _row(report: ImpactReport) -> dict[str, Any]:
    """The one place an ImpactReport becomes a table row."""
    return {
        "id": report.id,
        "schema_version": report.schema_version,
        "name": report.name,
        "phase": report.phase,
        "status": report.status,
        "started_at": report.started_at,
        "ended_at": report.ended_at,
        "energy_kwh": report.energy.facility_kwh,
        "ghg_g": report.ghg.location_based_g,
        "payload": report.model_dump(mode="json"),
    }


def _provisional(payload: dict[str, Any]) -> bool:
    """A stored record that the final report of its run may replace."""
    return payload.get("status") == "running" or (
        payload.get("status") == "interrupted" and payload.get("error") == LOST_RUN_ERROR
    )


def _difference(old: Any, new: Any, path: str = "") -> str:
    """The first field where two payloads differ, as 'energy.cpu_kwh: 1.0 -> 2.0'."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                return _difference(old.get(key), new.get(key), f"{path}.{key}" if path else key)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{i}]")
    shown = [repr(v) if len(repr(v)) <= 40 else repr(v)[:37] + "..." for v in (old, new)]
    return f"{path or 'report'}: {shown[0]} stored, {shown[1]} given"


def save_reports(store: Store, reports: Iterable[ImpactReport]) -> int:
    """Store reports in one transaction; returns how many were new or replaced.

    The same report again is a no-op. Another report under a stored id is refused with
    ConflictError naming the first difference (nothing of the batch is stored), except
    that a run's final report replaces its provisional record ('running', or marked lost).
    """
    with store.session() as session, session.begin():
        return save_reports_in(session, reports)


def _merge(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether `new` (a row) must replace `old` (a payload) under the same id."""
    if old == new["payload"]:
        return False
    if not _provisional(old):
        raise ConflictError(
            f"report {new['id']} is already stored with other values "
            f"({_difference(old, new['payload'])}); give it another id"
        )
    return True


def save_reports_in(session: Session, reports: Iterable[ImpactReport]) -> int:
    """save_reports inside the caller's transaction."""
    rows: dict[str, dict[str, Any]] = {}
    for row in map(_row, reports):  # one id twice in a batch: the same rule as in the store
        seen = rows.get(row["id"])
        if seen is None or _merge(seen["payload"], row):
            rows[row["id"]] = row
    if not rows:
        return 0
    backend = session.get_bind().dialect.name
    insert = pg_insert if backend == "postgresql" else sqlite_insert
    statement = (
        insert(ImpactReportRow)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(ImpactReportRow.id)
    )
    new_ids = set(session.scalars(statement))
    stored = len(new_ids)
    existing = [r for r in rows.values() if r["id"] not in new_ids]
    if not existing:
        return stored
    query = select(ImpactReportRow).where(ImpactReportRow.id.in_([r["id"] for r in existing]))
    by_id = {row.id: row for row in session.scalars(query)}
    for row in existing:
        old = by_id[row["id"]]
        if _merge(old.payload, row):
            for column, value in row.items():
                setattr(old, column, value)
            stored += 1
    session.flush()
    return stored


def running_reports(store: Store) -> list[dict[str, Any]]:
    """Payloads of the provisional records of runs still in progress."""
    query = select(ImpactReportRow.payload).where(ImpactReportRow.status == "running")
    with store.session() as session:
        return [dict(p) for p in session.scalars(query)]


def list_reports(store: Store, *, limit: int = 50, name: str | None = None) -> list[dict[str, Any]]:
    """Newest first."""
    query = select(ImpactReportRow.payload).order_by(ImpactReportRow.started_at.desc())
    if name:
        query = query.where(ImpactReportRow.name == name)
    with store.session() as session:
        return [dict(payload) for payload in session.scalars(query.limit(limit))]


REPORT_SORTS: dict[str, Any] = {
    "newest": ImpactReportRow.started_at.desc(),
    "oldest": ImpactReportRow.started_at.asc(),
    "energy": ImpactReportRow.energy_kwh.desc(),
    "ghg": ImpactReportRow.ghg_g.desc(),
    "name": ImpactReportRow.name.asc(),
}


def search_reports(
    store: Store,
    *,
    limit: int = 50,
    offset: int = 0,
    text: str | None = None,
    status: str | None = None,
    phase: str | None = None,
    zone: str | None = None,
    hide_names: Iterable[str] = (),
    sort: str = "newest",
) -> tuple[list[dict[str, Any]], int]:
    """One page of reports matching the filters, and how many match in all."""
    conditions = []
    if text:
        conditions.append(ImpactReportRow.name.contains(text, autoescape=True))
    if status:
        conditions.append(ImpactReportRow.status == status)
    if phase:
        conditions.append(ImpactReportRow.phase == phase)
    if zone:
        conditions.append(ImpactReportRow.payload["ghg"]["zone"].as_string() == zone)
    hidden = list(hide_names)
    if hidden:
        conditions.append(ImpactReportRow.name.not_in(hidden))
    order = REPORT_SORTS.get(sort)
    if order is None:
        raise InputError(f"sort must be one of {', '.join(REPORT_SORTS)} (got {sort!r})")
    query = select(ImpactReportRow.payload).where(*conditions).order_by(order, ImpactReportRow.id)
    count = select(func.count(ImpactReportRow.id)).where(*conditions)
    with store.session() as session:
        total = int(session.execute(count).scalar_one())
        rows = [dict(p) for p in session.scalars(query.offset(offset).limit(limit))]
    return rows, total


def _resolve_id(store: Store, report_id: str) -> str:
    return resolve_id(store, ImpactReportRow.id, report_id, "report", "frugalkit reports list")


def get_report(store: Store, report_id: str) -> dict[str, Any]:
    full_id = _resolve_id(store, report_id)
    with store.session() as session:
        row = session.get(ImpactReportRow, full_id)
        assert row is not None
        return dict(row.payload)


def delete_report(store: Store, report_id: str) -> str:
    full_id = _resolve_id(store, report_id)
    with store.session() as session, session.begin():
        session.execute(delete(ImpactReportRow).where(ImpactReportRow.id == full_id))
    return full_id


def _total(column: Any) -> Any:
    """A column's exact sum over the records within today's energy ceiling (a record over
    it, stored before it existed, is counted but left out: PostgreSQL's float SUM raised an
    overflow on it)."""
    within = ImpactReportRow.energy_kwh <= MAX_ENERGY_KWH
    return func.coalesce(func.sum(case((within, cast(column, Numeric)))), 0)


def report_totals(store: Store) -> dict[str, float]:
    """Count, energy (kWh) and GHG (g) over every stored report."""
    query = select(
        func.count(ImpactReportRow.id),
        _total(ImpactReportRow.energy_kwh),
        _total(ImpactReportRow.ghg_g),
    )
    with store.session() as session:
        count, energy_kwh, ghg_g = session.execute(query).one()
    return {"reports": int(count), "energy_kwh": float(energy_kwh), "ghg_g": float(ghg_g)}


def report_totals_by_kind(store: Store) -> list[dict[str, Any]]:
    """The same, for each phase and status (what `/metrics` exports)."""
    row = ImpactReportRow
    query = select(
        row.phase, row.status, func.count(row.id), _total(row.energy_kwh), _total(row.ghg_g)
    ).group_by(row.phase, row.status)
    with store.session() as session:
        found = session.execute(query).all()
    return [
        {"phase": phase, "status": status, "reports": int(count),
         "energy_kwh": float(energy_kwh), "ghg_g": float(ghg_g)}
        for phase, status, count, energy_kwh, ghg_g in found
    ]  # fmt: skip
