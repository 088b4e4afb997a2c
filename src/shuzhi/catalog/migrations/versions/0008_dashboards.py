"""dashboards, their versions, favourites and recent views

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200)),
        sa.Column("description", sa.Text),
        sa.Column("theme", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("shared_roles", sa.JSON, nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(64)),
    )
    op.create_table(
        "dashboard_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dashboard_id", sa.Integer, sa.ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ux_dashboard_versions", "dashboard_versions", ["dashboard_id", "version"], unique=True)
    op.create_table(
        "dashboard_favourites",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("dashboard_id", sa.Integer, sa.ForeignKey("dashboards.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "dashboard_views",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("dashboard_id", sa.Integer, sa.ForeignKey("dashboards.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("viewed_at", sa.DateTime, nullable=False),
        sa.Column("views", sa.Integer, nullable=False),
    )
    op.create_index("ix_dashboard_views_user_at", "dashboard_views", ["user_id", "viewed_at"])


def downgrade() -> None:
    op.drop_index("ix_dashboard_views_user_at", table_name="dashboard_views")
    op.drop_table("dashboard_views")
    op.drop_table("dashboard_favourites")
    op.drop_index("ux_dashboard_versions", table_name="dashboard_versions")
    op.drop_table("dashboard_versions")
    op.drop_table("dashboards")
