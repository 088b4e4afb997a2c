"""share links: a dashboard opened read-only without an account

Revision ID: 0014_share_links
Revises: 0012_display_preferences
Create Date: 2026-12-07

share_links keeps each link's SHA-256 (never the link), the user whose data it shows, expiry, an
optional argon2 password hash, revocation and a view count (catalog/share_models.py); api_tokens.scope
limits a token to one use ("embed": issuing embed guest tokens only; NULL for every existing token).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_share_links"
down_revision = "0012_display_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "dashboard_id", sa.Integer(), sa.ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("as_user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime()),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("views", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_viewed_at", sa.DateTime()),
    )
    op.create_index("ix_share_links_dashboard", "share_links", ["dashboard_id"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
    op.drop_index("ix_share_links_dashboard", table_name="share_links")
    op.drop_table("share_links")
