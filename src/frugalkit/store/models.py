"""Tables. Their shape changes only through an Alembic migration in `migrations/`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ImpactReportRow(Base):
    """One ImpactReport. The whole report is in `payload`; the other columns are the
    fields that lists filter and sort on."""

    __tablename__ = "impact_reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), index=True)
    phase: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    energy_kwh: Mapped[float] = mapped_column(Float)
    ghg_g: Mapped[float] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class BenchRunRow(Base):
    """One evaluation of a submission on a task; `payload` holds metrics, energy
    details, methods, timings and the ids of its impact reports."""

    __tablename__ = "bench_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task: Mapped[str] = mapped_column(String(32))
    submission: Mapped[str] = mapped_column(String(500))
    # What makes two runs one leaderboard entry (a file's content hash), and the test set
    # they were scored on: only runs on the same test set are ranked together.
    submission_key: Mapped[str] = mapped_column(String(500))
    test_set: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    private: Mapped[bool] = mapped_column(Boolean)
    samples: Mapped[int] = mapped_column(Integer)
    accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    energy_wh_per_1000: Mapped[float | None] = mapped_column(Float, nullable=True)
    ghg_g_per_1000: Mapped[float | None] = mapped_column(Float, nullable=True)
    energy_method: Mapped[str] = mapped_column(String(16))
    hardware: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiTokenRow(Base):
    """A write-API token, stored as the SHA-256 of its secret (never the secret)."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class JobRow(Base):
    """One unit of queued work (see frugalkit.jobs): state queued -> running ->
    completed / failed / cancelled; `heartbeat_at` tells a live worker from a dead one."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ObsSourceRow(Base):
    """Who published observatory figures (see frugalkit.observatory.records.Source)."""

    __tablename__ = "obs_sources"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(200))
    published: Mapped[str] = mapped_column(String(10))
    licence: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    secondary: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(1000))
    release_id: Mapped[int] = mapped_column(Integer)


class ObsReleaseRow(Base):
    """One import of figures: what it was, and what it added or changed (`diff`)."""

    __tablename__ = "obs_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    added: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    diff: Mapped[dict[str, Any]] = mapped_column(JSON)


class ObsPointRow(Base):
    """One figure of one release. A change never overwrites: the old row gets
    `release_removed` and a new row is added, so any release can be read back."""

    __tablename__ = "obs_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400))
    series: Mapped[str] = mapped_column(String(400))
    metric: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    case: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[str] = mapped_column(String(120))
    verified: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(500))
    release_added: Mapped[int] = mapped_column(Integer)
    release_removed: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ObsSharedRow(Base):
    """An impact report or bench run its owner opted in to the observatory's series."""

    __tablename__ = "obs_shared"

    record_kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ObsEntryRow(Base):
    """A catalogue entry added from a YAML file (the packaged ones live in the package)."""

    __tablename__ = "obs_entries"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    catalogue: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FacilityRow(Base):
    """A registered data centre (see frugalkit.datacenter): its file and latest KPIs."""

    __tablename__ = "facilities"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChallengeRow(Base):
    """An organiser's challenge; `payload` is its validated challenge file."""

    __tablename__ = "challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ChallengeTeamRow(Base):
    """A team of one challenge; its token reaches that team's submissions only."""

    __tablename__ = "challenge_teams"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Written first by every upload: it serialises one team's uploads (the quota check).
    last_upload_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChallengeFileRow(Base):
    """An uploaded submission's bytes, by content hash: every worker of a shared store
    reads them from here."""

    __tablename__ = "challenge_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ChallengeSubmissionRow(Base):
    """One upload of a team and its evaluation: scores on the public and private parts of
    the test set (the private one shown once its phase has ended) and its energy."""

    __tablename__ = "challenge_submissions"
    __table_args__ = (Index("ix_challenge_submissions_team", "challenge_id", "team_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str] = mapped_column(String(32))
    task: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    phase: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    public_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    private_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    energy_wh_per_1000: Mapped[float | None] = mapped_column(Float, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
