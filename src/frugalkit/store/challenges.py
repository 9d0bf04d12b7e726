"""Challenges, teams, uploaded files and submissions in the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from frugalkit.errors import ConflictError, NotFoundError, QuotaError
from frugalkit.store.models import (
    ChallengeFileRow,
    ChallengeRow,
    ChallengeSubmissionRow,
    ChallengeTeamRow,
)
from frugalkit.store.store import Store

SUBMISSION_FIELDS = (
    "id",
    "challenge_id",
    "team_id",
    "task",
    "filename",
    "sha256",
    "kind",
    "phase",
    "state",
    "reason",
    "created_at",
    "ended_at",
    "job_id",
    "public_score",
    "private_score",
    "energy_wh_per_1000",
    "payload",
)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _challenge(row: ChallengeRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "created_at": _utc(row.created_at),
        "published_at": _utc(row.published_at),
        "spec": row.payload,
    }


def save_challenge(store: Store, challenge_id: str, title: str, spec: dict[str, Any]) -> None:
    try:
        with store.session() as session, session.begin():
            session.add(
                ChallengeRow(
                    id=challenge_id, title=title, created_at=datetime.now(UTC), payload=spec
                )
            )
    except IntegrityError:
        raise ConflictError(
            f"a challenge {challenge_id!r} exists already; give the new one another id"
        ) from None


def get_challenge(store: Store, challenge_id: str) -> dict[str, Any]:
    with store.session() as session:
        row = session.get(ChallengeRow, challenge_id)
        if row is None:
            raise NotFoundError(f"no challenge {challenge_id!r}; `frugalkit challenge list`")
        return _challenge(row)


def list_challenges(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        return [_challenge(r) for r in session.scalars(select(ChallengeRow).order_by("created_at"))]


def publish_challenge(store: Store, challenge_id: str) -> None:
    with store.session() as session, session.begin():
        row = session.get(ChallengeRow, challenge_id)
        if row is None:
            raise NotFoundError(f"no challenge {challenge_id!r}")
        row.published_at = datetime.now(UTC)


def add_team(store: Store, team_id: str, challenge_id: str, name: str, digest: str) -> None:
    try:
        with store.session() as session, session.begin():
            session.add(
                ChallengeTeamRow(
                    id=team_id,
                    challenge_id=challenge_id,
                    name=name,
                    token_sha256=digest,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        raise ConflictError(f"challenge {challenge_id} has a team named {name!r} already") from None


def _team(row: ChallengeTeamRow) -> dict[str, Any]:
    return {"id": row.id, "challenge_id": row.challenge_id, "name": row.name}


def team_by_digest(store: Store, digest: str) -> dict[str, Any] | None:
    with store.session() as session:
        row = session.scalars(
            select(ChallengeTeamRow).where(ChallengeTeamRow.token_sha256 == digest)
        ).first()
        return _team(row) if row is not None else None


def list_teams(store: Store, challenge_id: str) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(
            select(ChallengeTeamRow)
            .where(ChallengeTeamRow.challenge_id == challenge_id)
            .order_by(ChallengeTeamRow.name)
        )
        return [_team(r) for r in rows]


def put_file(store: Store, sha256: str, content: bytes) -> None:
    """Keep an upload's bytes once, whoever sends the same file again (two at once: the
    second insert finds the first one's row, with the same bytes by their hash)."""
    try:
        with store.session() as session, session.begin():
            if session.get(ChallengeFileRow, sha256) is None:
                session.add(ChallengeFileRow(sha256=sha256, size=len(content), content=content))
    except IntegrityError:
        pass


def get_file(store: Store, sha256: str) -> bytes:
    with store.session() as session:
        row = session.get(ChallengeFileRow, sha256)
        if row is None:
            raise NotFoundError(f"no uploaded file {sha256[:12]}")
        return bytes(row.content)


def insert_submission(
    store: Store, row: dict[str, Any], day_start: datetime, per_day: int, total: int
) -> None:
    """Insert a submission unless the team's quota is reached. The team's row is written
    first, so that two uploads of one team at once are counted one after the other
    (a row lock in PostgreSQL, the write lock in SQLite)."""
    with store.session() as session, session.begin():
        session.execute(
            update(ChallengeTeamRow)
            .where(ChallengeTeamRow.id == row["team_id"])
            .values(last_upload_at=row["created_at"])
        )
        mine = select(func.count()).where(
            ChallengeSubmissionRow.challenge_id == row["challenge_id"],
            ChallengeSubmissionRow.team_id == row["team_id"],
        )
        so_far = session.scalar(mine) or 0
        today = session.scalar(mine.where(ChallengeSubmissionRow.created_at >= day_start)) or 0
        if so_far >= total:
            raise QuotaError(f"your team has used all its {total} submissions for this challenge")
        if today >= per_day:
            tomorrow = day_start.timestamp() + 86_400
            wait_s = max(int(tomorrow - row["created_at"].timestamp()) + 1, 1)
            opens = datetime.fromtimestamp(tomorrow, UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise QuotaError(
                f"your team has made its {per_day} submissions of the day; the next one is "
                f"allowed from {opens}",
                retry_after_s=wait_s,
            )
        session.add(ChallengeSubmissionRow(**row))


def update_submission(store: Store, submission_id: str, **fields: Any) -> None:
    with store.session() as session, session.begin():
        row = session.get(ChallengeSubmissionRow, submission_id)
        if row is None:
            raise NotFoundError(f"no submission {submission_id}")
        for key, value in fields.items():
            setattr(row, key, value)


def _submission(row: ChallengeSubmissionRow) -> dict[str, Any]:
    found = {f: getattr(row, f) for f in SUBMISSION_FIELDS}
    found["created_at"], found["ended_at"] = _utc(row.created_at), _utc(row.ended_at)
    return found


def get_submission(store: Store, submission_id: str) -> dict[str, Any]:
    with store.session() as session:
        row = session.get(ChallengeSubmissionRow, submission_id)
        if row is None:
            raise NotFoundError(f"no submission {submission_id}")
        return _submission(row)


def list_submissions(
    store: Store, challenge_id: str, team_id: str | None = None
) -> list[dict[str, Any]]:
    query = select(ChallengeSubmissionRow).where(
        ChallengeSubmissionRow.challenge_id == challenge_id
    )
    if team_id is not None:
        query = query.where(ChallengeSubmissionRow.team_id == team_id)
    with store.session() as session:
        rows = session.scalars(query.order_by(ChallengeSubmissionRow.created_at.desc()))
        return [_submission(r) for r in rows]


def _forget(session: Any, where: Any) -> list[str]:
    """Delete the submissions `where` selects and every file no submission uses any more;
    the job ids of the deleted submissions are returned (to be cancelled)."""
    rows = session.execute(
        select(ChallengeSubmissionRow.job_id, ChallengeSubmissionRow.sha256).where(where)
    ).all()
    session.execute(delete(ChallengeSubmissionRow).where(where))
    for sha256 in {r.sha256 for r in rows}:
        used = select(ChallengeSubmissionRow.id).where(ChallengeSubmissionRow.sha256 == sha256)
        if session.scalars(used.limit(1)).first() is None:
            session.execute(delete(ChallengeFileRow).where(ChallengeFileRow.sha256 == sha256))
    return [r.job_id for r in rows if r.job_id]


def remove_team(store: Store, challenge_id: str, name: str) -> dict[str, Any]:
    """A team, its token and its submissions (and their files), in one transaction."""
    with store.session() as session, session.begin():
        team = session.scalars(
            select(ChallengeTeamRow).where(
                ChallengeTeamRow.challenge_id == challenge_id, ChallengeTeamRow.name == name
            )
        ).first()
        if team is None:
            raise NotFoundError(f"challenge {challenge_id!r} has no team named {name!r}")
        jobs = _forget(session, ChallengeSubmissionRow.team_id == team.id)
        session.delete(team)
        return {"team": name, "submissions": len(jobs), "job_ids": jobs}


def remove_challenge(store: Store, challenge_id: str) -> dict[str, Any]:
    """A challenge with its teams, submissions and files, in one transaction."""
    with store.session() as session, session.begin():
        row = session.get(ChallengeRow, challenge_id)
        if row is None:
            raise NotFoundError(f"no challenge {challenge_id!r}")
        jobs = _forget(session, ChallengeSubmissionRow.challenge_id == challenge_id)
        of_it = ChallengeTeamRow.challenge_id == challenge_id
        teams = session.scalar(select(func.count()).where(of_it)) or 0
        session.execute(delete(ChallengeTeamRow).where(of_it))
        session.delete(row)
        return {
            "challenge": challenge_id,
            "teams": teams,
            "submissions": len(jobs),
            "job_ids": jobs,
        }
