"""bench runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bench_runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("task", sa.String(32), nullable=False),
        sa.Column("submission", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("samples", sa.Integer, nullable=False),
        sa.Column("accuracy", sa.Float, nullable=True),
        sa.Column("energy_wh_per_1000", sa.Float, nullable=True),
        sa.Column("ghg_g_per_1000", sa.Float, nullable=True),
        sa.Column("energy_method", sa.String(16), nullable=False),
        sa.Column("hardware", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_bench_runs_task_created", "bench_runs", ["task", "created_at"])


def downgrade() -> None:
    op.drop_table("bench_runs")
