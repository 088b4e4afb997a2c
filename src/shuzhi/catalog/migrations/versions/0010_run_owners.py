"""the owning process of jobs and refresh runs (issue 12: killed work ends as interrupted)

Revision ID: 0010_run_owners
Revises: 0009
Create Date: 2026-12-07

`owner` is "<host>/<boot id>/<pid>/<process start time>" (shuzhi.owners). The startup sweep
ends a queued or running record only when its owner is certainly gone; rows written before this
revision have no owner and are ended only at a server start (as before).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_run_owners"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as t:
        t.add_column(sa.Column("owner", sa.String(160)))
    with op.batch_alter_table("refresh_runs") as t:
        t.add_column(sa.Column("owner", sa.String(160)))


def downgrade() -> None:
    with op.batch_alter_table("refresh_runs") as t:
        t.drop_column("owner")
    with op.batch_alter_table("jobs") as t:
        t.drop_column("owner")
