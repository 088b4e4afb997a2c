"""delivery channels: channels, their sends, and pictures served to robots

Revision ID: 0013_channels
Revises: 0012_display_preferences
Create Date: 2026-12-07

channels: name (unique), kind, label, config (JSON, no secrets), secret (a Fernet token of the secret keys).
channel_sends: one row per send (recipient, subject, source, status, attempts, the provider's error).
channel_images: PNGs served by an unguessable token to robots that show pictures by URL (DingTalk).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_channels"
down_revision = "0012_display_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(128)),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64)),
    )
    op.create_table(
        "channel_sends",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "channel_id", sa.Integer(), sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("recipient", sa.String(512), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.JSON()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
    )
    op.create_index("ix_channel_sends_channel_time", "channel_sends", ["channel_id", "created_at"])
    op.create_table(
        "channel_images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_channel_images_expires", "channel_images", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_channel_images_expires", table_name="channel_images")
    op.drop_table("channel_images")
    op.drop_index("ix_channel_sends_channel_time", table_name="channel_sends")
    op.drop_table("channel_sends")
    op.drop_table("channels")
