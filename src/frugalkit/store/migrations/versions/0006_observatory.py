"""observatory: sourced figures by release, shared records, catalogue entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "obs_sources",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("published", sa.String(10), nullable=False),
        sa.Column("licence", sa.String(200), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secondary", sa.Boolean, nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("release_id", sa.Integer, nullable=False),
    )
    op.create_table(
        "obs_releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("diff", sa.JSON, nullable=False),
    )
    op.create_table(
        "obs_points",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("series", sa.String(400), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("case", sa.String(60), nullable=False),
        sa.Column("source_id", sa.String(120), nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("release_added", sa.Integer, nullable=False),
        sa.Column("release_removed", sa.Integer, nullable=True),
    )
    op.create_index("ix_obs_points_key", "obs_points", ["key"])
    op.create_index("ix_obs_points_metric", "obs_points", ["metric", "region", "year"])
    op.create_index("ix_obs_points_series", "obs_points", ["series", "year"])
    op.create_index("ix_obs_points_source", "obs_points", ["source_id", "metric", "year"])
    op.create_index(
        "ix_obs_points_regions", "obs_points", ["metric", "source_id", "region", "year"]
    )
    op.create_table(
        "obs_shared",
        sa.Column("record_kind", sa.String(8), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "obs_entries",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("catalogue", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("obs_entries", "obs_shared", "obs_points", "obs_releases", "obs_sources"):
        op.drop_table(table)
