"""imported warehouse tables (file imports): labels, source, mode, rows

Revision ID: 0004_imported_tables
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_imported_tables"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_tables",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("source_file", sa.String(512), nullable=False),
        sa.Column("source_format", sa.String(16), nullable=False),
        sa.Column("source_sheet", sa.String(128)),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("imports", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("imported_by", sa.String(64)),
        sa.Column("job_id", sa.Integer),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("imported_tables")
