"""display preferences: a company setting table and each user's own preferences

Revision ID: 0012_display_preferences
Revises: 0011_firing_audience
Create Date: 2026-12-07

app_settings holds company-wide settings by key (the colour convention for changes, 涨跌颜色);
users.preferences a user's own overrides ({} for every existing user: the company's setting applies).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_display_preferences"
down_revision = "0011_firing_audience"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64)),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("preferences", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("preferences")
    op.drop_table("app_settings")
