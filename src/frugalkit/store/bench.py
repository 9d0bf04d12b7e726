"""Stored bench runs: plain dicts in and out (the bench module owns their meaning)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from frugalkit.errors import InputError
from frugalkit.store.models import BenchRunRow
from frugalkit.store.store import Store, resolve_id

if TYPE_CHECKING:
    from frugalkit.impact.report import ImpactReport

COLUMNS = [
    "id",
    "task",
    "submission",
    "submission_key",
    "test_set",
    "kind",
    "description",
    "status",
    "reason",
    "created_at",
    "private",
    "samples",
    "accuracy",
    "energy_wh_per_1000",
    "ghg_g_per_1000",
    "energy_method",
    "hardware",
    "payload",
]


# Free text written by the bench (a failure's reason, a model's description): shortened to
# fit rather than refused, so that an evaluation is never thrown away for its prose.
SHORTENED = ("reason", "description", "hardware")


def fit_lengths(run: dict[str, Any]) -> dict[str, Any]:
    """The same limits on SQLite (which has none) as on PostgreSQL, before any write:
    free text shortened, NUL characters dropped; an identifier too long is refused."""
    fitted = {"submission_key": run.get("submission"), "test_set": "", **run}
    for column in BenchRunRow.__table__.columns:
        value = run.get(column.name)
        longest = getattr(column.type, "length", None)
        if not isinstance(value, str) or longest is None:
            continue
        if column.name in SHORTENED:
            value = value.replace("\x00", "")
            fitted[column.name] = value if len(value) <= longest else value[: longest - 1] + "…"
        elif len(value) > longest or "\x00" in value:
            raise InputError(
                f"bench run field {column.name} must have at most {longest} characters and "
                f"no NUL (got {len(value):,} characters)"
            )
    return fitted


def save_run(store: Store, run: dict[str, Any], reports: Iterable[ImpactReport] = ()) -> None:
    """Store (or update) a run with its impact reports, in one transaction."""
    from frugalkit.store.reports import save_reports_in

    fitted = fit_lengths(run)
    with store.session() as session, session.begin():
        save_reports_in(session, reports)
        session.merge(BenchRunRow(**{c: fitted[c] for c in COLUMNS}))


def _as_dict(row: BenchRunRow) -> dict[str, Any]:
    return {c: getattr(row, c) for c in COLUMNS}


def list_runs(
    store: Store, task: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Newest first."""
    query = select(BenchRunRow).order_by(BenchRunRow.created_at.desc())
    if task:
        query = query.where(BenchRunRow.task == task)
    if status:
        query = query.where(BenchRunRow.status == status)
    with store.session() as session:
        return [_as_dict(row) for row in session.scalars(query)]


def get_run(store: Store, run_id: str) -> dict[str, Any]:
    """By id or unique prefix."""
    full_id = resolve_id(store, BenchRunRow.id, run_id, "bench run", "frugalkit bench leaderboard")
    with store.session() as session:
        row = session.get(BenchRunRow, full_id)
        assert row is not None
        return _as_dict(row)


SLIM = (
    "id",
    "submission",
    "submission_key",
    "kind",
    "description",
    "accuracy",
    "samples",
    "energy_wh_per_1000",
    "ghg_g_per_1000",
    "energy_method",
    "hardware",
    "created_at",
)


def latest_completed(store: Store, task: str, test_set: str) -> list[dict[str, Any]]:
    """The newest completed run of each submission (by identity) on one test set of
    `task`, without payloads (cheap enough for leaderboards of thousands of runs)."""
    columns = [getattr(BenchRunRow, c) for c in SLIM]
    query = (
        select(*columns)
        .where(
            BenchRunRow.task == task,
            BenchRunRow.test_set == test_set,
            BenchRunRow.status == "completed",
        )
        .order_by(BenchRunRow.created_at.desc())
    )
    latest: dict[str, dict[str, Any]] = {}
    with store.session() as session:
        for row in session.execute(query):
            entry = dict(zip(SLIM, row, strict=True))
            latest.setdefault(entry["submission_key"], entry)
    return list(latest.values())


def test_sets(store: Store, task: str) -> list[dict[str, Any]]:
    """The test sets `task` has completed runs on, most runs first."""
    from sqlalchemy import func

    query = (
        select(BenchRunRow.test_set, func.count(BenchRunRow.id))
        .where(BenchRunRow.task == task, BenchRunRow.status == "completed")
        .group_by(BenchRunRow.test_set)
        .order_by(func.count(BenchRunRow.id).desc(), BenchRunRow.test_set)
    )
    with store.session() as session:
        return [{"test_set": t, "runs": int(n)} for t, n in session.execute(query)]


def runs_version(store: Store, task: str) -> tuple[int, Any]:
    """Changes whenever a run of `task` is added or updated (count, newest time)."""
    from sqlalchemy import func

    query = select(func.count(BenchRunRow.id), func.max(BenchRunRow.created_at)).where(
        BenchRunRow.task == task
    )
    with store.session() as session:
        count, newest = session.execute(query).one()
    return int(count), newest


def payload_field(store: Store, ids: list[str], *keys: str) -> dict[str, Any]:
    """One nested payload value for each run id (e.g. metrics.mean_iou)."""
    query = select(BenchRunRow.id, BenchRunRow.payload).where(BenchRunRow.id.in_(ids))
    out: dict[str, Any] = {}
    with store.session() as session:
        for run_id, payload in session.execute(query):
            value: Any = payload
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            out[run_id] = value
    return out
