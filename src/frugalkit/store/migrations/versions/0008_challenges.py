"""challenges: organisers' challenges, their teams, uploaded files and submissions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("published_at", WHEN, nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "challenge_teams",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("challenge_id", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_upload_at", WHEN, nullable=True),
        sa.UniqueConstraint("challenge_id", "name"),
    )
    op.create_table(
        "challenge_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "challenge_submissions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("task", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.Column("job_id", sa.String(64), nullable=True),
        sa.Column("public_score", sa.Float, nullable=True),
        sa.Column("private_score", sa.Float, nullable=True),
        sa.Column("energy_wh_per_1000", sa.Float, nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index(
        "ix_challenge_submissions_team", "challenge_submissions", ["challenge_id", "team_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_challenge_submissions_team", "challenge_submissions")
    for table in ("challenge_submissions", "challenge_files", "challenge_teams", "challenges"):
        op.drop_table(table)
