"""alert firings per audience: subscribers whose row/column rules differ get their own firings

Revision ID: 0011_firing_audience
Revises: 0010_run_owners
Create Date: 2026-12-07

A rule is evaluated once per group of recipients who see the same rows and columns (their rule
signature). The owner's group keeps audience "" (every existing firing); another group's firings
carry its signature, so the dedup key becomes (rule, audience, series, period, kind).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_firing_audience"
down_revision = "0010_run_owners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_firings", sa.Column("audience", sa.String(32), nullable=False, server_default=""))
    op.drop_index("ux_alert_firings_dedup", table_name="alert_firings")
    op.create_index("ux_alert_firings_dedup", "alert_firings", ["rule_id", "audience", "series_key", "period", "kind"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ux_alert_firings_dedup", table_name="alert_firings")
    op.execute("DELETE FROM alert_firings WHERE audience <> ''")
    op.create_index("ux_alert_firings_dedup", "alert_firings", ["rule_id", "series_key", "period", "kind"],
                    unique=True)
    with op.batch_alter_table("alert_firings") as batch:
        batch.drop_column("audience")
