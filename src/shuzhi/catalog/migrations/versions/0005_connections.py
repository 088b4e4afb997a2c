"""database connections, picked tables (extract / direct) and refresh runs

Revision ID: 0005_connections
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_connections"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "db_connections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(128)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("host", sa.String(255)),
        sa.Column("port", sa.Integer),
        sa.Column("database", sa.String(512)),
        sa.Column("username", sa.String(128)),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("secret", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64)),
    )
    op.create_table(
        "source_tables",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("connection_id", sa.Integer, sa.ForeignKey("db_connections.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("source_schema", sa.String(128)),
        sa.Column("source_table", sa.String(256), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("target_table", sa.String(64), unique=True),
        sa.Column("columns", sa.JSON),
        sa.Column("source_columns", sa.JSON, nullable=False),
        sa.Column("primary_key", sa.JSON, nullable=False),
        sa.Column("refresh_mode", sa.String(16), nullable=False),
        sa.Column("incremental_column", sa.String(128)),
        sa.Column("incremental_kind", sa.String(16)),
        sa.Column("watermark", sa.JSON),
        sa.Column("row_count", sa.BigInteger),
        sa.Column("last_refresh_at", sa.DateTime),
        sa.Column("last_status", sa.String(16)),
        sa.Column("schema_changes", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64)),
    )
    op.create_index("ix_source_tables_connection", "source_tables", ["connection_id"])
    op.create_table(
        "refresh_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_table_id", sa.Integer, sa.ForeignKey("source_tables.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("job_id", sa.Integer),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("rows_read", sa.BigInteger),
        sa.Column("rows_total", sa.BigInteger),
        sa.Column("bytes", sa.BigInteger),
        sa.Column("watermark_before", sa.JSON),
        sa.Column("watermark_after", sa.JSON),
        sa.Column("schema_changes", sa.JSON),
        sa.Column("error", sa.JSON),
        sa.Column("triggered_by", sa.String(64)),
    )
    op.create_index("ix_refresh_runs_table_started", "refresh_runs", ["source_table_id", "started_at"])


def downgrade() -> None:
    op.drop_table("refresh_runs")
    op.drop_table("source_tables")
    op.drop_table("db_connections")
