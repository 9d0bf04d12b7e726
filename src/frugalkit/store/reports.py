"""Stored impact reports: plain rows in, plain dicts out (the schema lives in `measure`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from frugalkit.errors import InputError, NotFoundError
from frugalkit.store.models import ImpactReportRow
from frugalkit.store.store import Store


class ReportRow(TypedDict):
    id: str
    schema_version: int
    name: str
    phase: str
    status: str
    started_at: datetime
    ended_at: datetime
    energy_kwh: float
    ghg_g: float
    payload: dict[str, Any]


def save_reports(store: Store, rows: Iterable[ReportRow]) -> int:
    """Insert reports in one transaction; an id already stored is kept as it is.

    Returns how many were new.
    """
    batch = list(rows)
    if not batch:
        return 0
    insert = pg_insert if store.backend == "postgresql" else sqlite_insert
    statement = (
        insert(ImpactReportRow)
        .values(batch)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(ImpactReportRow.id)
    )
    with store.session() as session, session.begin():
        return len(session.execute(statement).all())


def list_reports(store: Store, *, limit: int = 50, name: str | None = None) -> list[dict[str, Any]]:
    """Newest first."""
    query = select(ImpactReportRow.payload).order_by(ImpactReportRow.started_at.desc())
    if name:
        query = query.where(ImpactReportRow.name == name)
    with store.session() as session:
        return [dict(payload) for payload in session.scalars(query.limit(limit))]


def _resolve_id(store: Store, report_id: str) -> str:
    """Accept a full id or a unique prefix of one (as git does for commits)."""
    if not report_id:
        raise InputError("give a report id")
    query = select(ImpactReportRow.id).where(
        ImpactReportRow.id.startswith(report_id, autoescape=True)
    )
    with store.session() as session:
        matches = list(session.scalars(query.limit(2)))
    if not matches:
        raise NotFoundError(f"no report with id {report_id!r}; `frugalkit reports list` shows them")
    if len(matches) > 1:
        raise InputError(f"report id prefix {report_id!r} is ambiguous; give more characters")
    return matches[0]


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


def report_totals(store: Store) -> dict[str, float]:
    """Count, energy (kWh) and GHG (g) over every stored report."""
    query = select(
        func.count(ImpactReportRow.id),
        func.coalesce(func.sum(ImpactReportRow.energy_kwh), 0.0),
        func.coalesce(func.sum(ImpactReportRow.ghg_g), 0.0),
    )
    with store.session() as session:
        count, energy_kwh, ghg_g = session.execute(query).one()
    return {"reports": int(count), "energy_kwh": float(energy_kwh), "ghg_g": float(ghg_g)}
