"""bench runs keyed by submission identity and test set; reports indexed by status

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bench_runs") as batch:
        batch.add_column(sa.Column("submission_key", sa.String(500), nullable=True))
        batch.add_column(sa.Column("test_set", sa.String(300), nullable=True))
    # Runs stored before: keyed by their spec, on a test set that was not recorded.
    op.execute("UPDATE bench_runs SET submission_key = submission WHERE submission_key IS NULL")
    op.execute("UPDATE bench_runs SET test_set = 'unrecorded' WHERE test_set IS NULL")
    op.create_index("ix_bench_runs_board", "bench_runs", ["task", "test_set", "status"])
    op.create_index("ix_impact_reports_status", "impact_reports", ["status"])


def downgrade() -> None:
    op.drop_index("ix_impact_reports_status", "impact_reports")
    op.drop_index("ix_bench_runs_board", "bench_runs")
    with op.batch_alter_table("bench_runs") as batch:
        batch.drop_column("test_set")
        batch.drop_column("submission_key")
