"""audit chain: where each event came from, and the hash chain that makes the log tamper-evident

Revision ID: 0018_audit_chain
Revises: 0017_assessment_answers
Create Date: 2026-12-08

`ip` is the client's address (after trusted proxies). `seq` orders the sealed chain (unique: two
sealers cannot both take the same place), `prev_hash` / `hash` chain each record to the one before
(catalog/audit.py). Existing events are sealed at the next start, in id order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_audit_chain"
down_revision = "0017_assessment_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("ip", sa.String(64)))
        batch.add_column(sa.Column("seq", sa.Integer()))
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
        batch.create_unique_constraint("uq_audit_events_seq", ["seq"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor", "audit_events")
    op.drop_index("ix_audit_events_action", "audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint("uq_audit_events_seq", type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
        batch.drop_column("ip")
