"""alert rules, firings and receipts

Revision ID: 0007_alerts
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_alerts"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("metric", sa.String(128), nullable=False),
        sa.Column("grain", sa.String(16), nullable=False),
        sa.Column("by", sa.String(200)),
        sa.Column("where", sa.JSON, nullable=False),
        sa.Column("condition", sa.JSON, nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("subscribers", sa.JSON, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("last_checked_at", sa.DateTime),
        sa.Column("last_status", sa.String(16)),
        sa.Column("last_error", sa.JSON),
    )
    op.create_index("ix_alert_rules_owner", "alert_rules", ["owner_id"])
    op.create_table(
        "alert_firings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("series_key", sa.String(255), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("description_zh", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("fired_at", sa.DateTime, nullable=False),
    )
    op.create_index("ux_alert_firings_dedup", "alert_firings", ["rule_id", "series_key", "period", "kind"],
                    unique=True)
    op.create_index("ix_alert_firings_rule_time", "alert_firings", ["rule_id", "fired_at"])
    op.create_table(
        "firing_receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firing_id", sa.Integer, sa.ForeignKey("alert_firings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("read_at", sa.DateTime),
    )
    op.create_index("ux_firing_receipts", "firing_receipts", ["firing_id", "user_id", "channel"], unique=True)
    op.create_index("ix_firing_receipts_inbox", "firing_receipts", ["user_id", "channel", "read_at"])


def downgrade() -> None:
    op.drop_table("firing_receipts")
    op.drop_table("alert_firings")
    op.drop_table("alert_rules")
