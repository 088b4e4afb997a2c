"""subscriptions (定时推送), their runs and in-app receipts; alert rules gain an owner map (责任人)

Revision ID: 0015_subscriptions
Revises: 0012_display_preferences
Create Date: 2026-12-07

subscriptions: a dashboard or one component with fixed filters, a format and its recipients; the
schedule is a `schedules` row (kind "subscription"). subscription_runs records every run with one
delivery entry per channel and in-app user; subscription_receipts is an in-app user's copy.
alert_rules.owner_map maps members of the rule's split to usernames ({} for every existing rule).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_subscriptions"
down_revision = "0012_display_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "dashboard_id", sa.Integer(), sa.ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("component", sa.String(64)),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_run_at", sa.DateTime()),
        sa.Column("last_status", sa.String(16)),
        sa.Column("last_error", sa.JSON()),
    )
    op.create_index("ix_subscriptions_owner", "subscriptions", ["owner_id"])
    op.create_index("ix_subscriptions_dashboard", "subscriptions", ["dashboard_id"])
    op.create_table(
        "subscription_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.Column("error", sa.JSON()),
        sa.Column("title", sa.String(300)),
        sa.Column("link", sa.String(2000)),
    )
    op.create_index("ix_subscription_runs_sub_time", "subscription_runs", ["subscription_id", "started_at"])
    op.create_table(
        "subscription_receipts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "run_id", sa.Integer(), sa.ForeignKey("subscription_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime()),
    )
    op.create_index("ix_subscription_receipts_user", "subscription_receipts", ["user_id", "read_at"])
    with op.batch_alter_table("alert_rules") as batch:
        batch.add_column(sa.Column("owner_map", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.drop_column("owner_map")
    op.drop_index("ix_subscription_receipts_user", table_name="subscription_receipts")
    op.drop_table("subscription_receipts")
    op.drop_index("ix_subscription_runs_sub_time", table_name="subscription_runs")
    op.drop_table("subscription_runs")
    op.drop_index("ix_subscriptions_dashboard", table_name="subscriptions")
    op.drop_index("ix_subscriptions_owner", table_name="subscriptions")
    op.drop_table("subscriptions")
