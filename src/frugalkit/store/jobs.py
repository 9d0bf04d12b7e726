"""Stored jobs: atomic claims, heartbeats and the reaping of jobs whose worker died.

Plain dicts in and out; `frugalkit.jobs` owns their meaning. A claim is one UPDATE ...
RETURNING on the oldest queued job (PostgreSQL skips rows another worker is claiming),
so two workers never run one job.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from frugalkit.store.models import JobRow
from frugalkit.store.store import Store, resolve_id

COLUMNS = [c.name for c in JobRow.__table__.columns]
ACTIVE = ("queued", "running")


def _as_dict(row: JobRow) -> dict[str, Any]:
    return {c: getattr(row, c) for c in COLUMNS}


def _now() -> datetime:
    return datetime.now(UTC)


def insert_jobs(store: Store, jobs: list[dict[str, Any]]) -> None:
    with store.session() as session, session.begin():
        session.add_all(JobRow(**job) for job in jobs)


def get_job(store: Store, job_id: str) -> dict[str, Any]:
    """By id or unique prefix."""
    full_id = resolve_id(store, JobRow.id, job_id, "job", "frugalkit jobs list")
    with store.session() as session:
        row = session.get(JobRow, full_id)
        assert row is not None
        return _as_dict(row)


def list_jobs(
    store: Store, state: str | None = None, ids: list[str] | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Newest first."""
    query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
    if state:
        query = query.where(JobRow.state == state)
    if ids is not None:
        query = query.where(JobRow.id.in_(ids))
    with store.session() as session:
        return [_as_dict(row) for row in session.scalars(query)]


def claim(store: Store, worker: str, job_id: str | None = None) -> dict[str, Any] | None:
    """Mark the oldest queued job (or `job_id`, if still queued) running for `worker`."""
    now = _now()
    if job_id is None:
        oldest = select(JobRow.id).where(JobRow.state == "queued").order_by(JobRow.created_at)
        if store.backend == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        target = oldest.limit(1).scalar_subquery()
    else:
        target = select(JobRow.id).where(JobRow.id == job_id).scalar_subquery()
    statement = (
        update(JobRow)
        .where(JobRow.id == target, JobRow.state == "queued")
        .values(
            state="running",
            worker=worker,
            attempts=JobRow.attempts + 1,
            started_at=now,
            heartbeat_at=now,
        )
        .returning(JobRow.id)
    )
    with store.session() as session, session.begin():
        claimed = session.scalars(statement).first()
    return get_job(store, claimed) if claimed else None


def heartbeat(store: Store, job_id: str, worker: str) -> bool | None:
    """Renew the job's heartbeat; returns whether a cancel was asked, or None when the
    job is no longer this worker's (it was reaped, or cancelled while queued)."""
    statement = (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.worker == worker, JobRow.state == "running")
        .values(heartbeat_at=_now())
        .returning(JobRow.cancel_requested)
    )
    with store.session() as session, session.begin():
        return session.scalars(statement).first()


def finish(
    store: Store,
    job_id: str,
    worker: str,
    state: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    """Record the end of a job this worker holds; False if it no longer holds it."""
    statement = (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.worker == worker, JobRow.state == "running")
        .values(state=state, result=result, error=(error or None) and error[:1000], ended_at=_now())
        .returning(JobRow.id)
    )
    with store.session() as session, session.begin():
        return session.scalars(statement).first() is not None


def request_cancel(store: Store, job_id: str) -> dict[str, Any]:
    """A queued job is cancelled at once; a running one is asked to stop."""
    job = get_job(store, job_id)
    with store.session() as session, session.begin():
        row = session.get(JobRow, job["id"], with_for_update=store.backend == "postgresql")
        assert row is not None
        if row.state == "queued":
            row.state, row.ended_at, row.error = "cancelled", _now(), "cancelled while queued"
        elif row.state == "running":
            row.cancel_requested = True
        return _as_dict(row)


def reap_stale(store: Store, stale_s: float) -> list[dict[str, Any]]:
    """Running jobs whose heartbeat is older than `stale_s`: re-queued while attempts
    remain, else failed, with the reason. Returns them as they are after."""
    cutoff = _now() - timedelta(seconds=stale_s)
    query = select(JobRow).where(JobRow.state == "running", JobRow.heartbeat_at < cutoff)
    if store.backend == "postgresql":
        query = query.with_for_update(skip_locked=True)
    reaped = []
    with store.session() as session, session.begin():
        for row in session.scalars(query):
            lost = (
                f"worker {row.worker} stopped answering (no heartbeat for {stale_s:g} s) "
                f"on attempt {row.attempts} of {row.max_attempts}"
            )
            if row.attempts < row.max_attempts and not row.cancel_requested:
                row.state, row.worker, row.error = "queued", None, f"{lost}; queued again"
            else:
                row.state, row.ended_at, row.error = "failed", _now(), lost
            reaped.append(_as_dict(row))
    return reaped
