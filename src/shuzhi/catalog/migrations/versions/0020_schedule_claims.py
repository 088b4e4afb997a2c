"""schedule claims: which instance runs a scheduled firing, under a lease it renews

Revision ID: 0020_schedule_claims
Revises: 0019_org
Create Date: 2026-12-08

Several instances share one metadata store (issue 18). A firing (schedule, due time) is claimed once
(unique key); the claiming process renews `lease_until` while the run's job lives, and another
instance takes over a claim whose lease expired (catalog/schedule_claims.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_schedule_claims"
down_revision = "0019_org"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedule_claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("owner", sa.String(160), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer()),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("schedule_id", "due_at", name="uq_schedule_claims_firing"),
    )
    op.create_index("ix_schedule_claims_status_lease", "schedule_claims", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_schedule_claims_status_lease", table_name="schedule_claims")
    op.drop_table("schedule_claims")
