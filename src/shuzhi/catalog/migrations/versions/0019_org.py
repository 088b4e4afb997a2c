"""organisation: departments (a tree with inherited attributes), members, content shared with people

Revision ID: 0019_org
Revises: 0018_audit_chain
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_org"
down_revision = "0018_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.String(700), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("departments.id", ondelete="CASCADE")),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False, server_default="local"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "user_departments",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_user_departments_department", "user_departments", ["department_id"])
    op.create_table(
        "content_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.Integer, nullable=False),
        sa.Column("grantee_type", sa.String(8), nullable=False),
        sa.Column("grantee", sa.String(64), nullable=False),
        sa.Column("access", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ux_content_grants", "content_grants", ["kind", "object_id", "grantee_type", "grantee"], unique=True)
    op.create_index("ix_content_grants_grantee", "content_grants", ["grantee_type", "grantee"])


def downgrade() -> None:
    op.drop_table("content_grants")
    op.drop_table("user_departments")
    op.drop_table("departments")
