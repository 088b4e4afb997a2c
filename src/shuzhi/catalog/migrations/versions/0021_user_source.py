"""user source: local accounts, or accounts a directory or sign-in provider vouches for (LDAP, OIDC, ...)

Revision ID: 0021_user_source
Revises: 0020_schedule_claims
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_user_source"
down_revision = "0020_schedule_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="local"))
        batch.add_column(sa.Column("external_id", sa.String(512)))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("external_id")
        batch.drop_column("source")
