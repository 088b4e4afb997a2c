"""self-assessment answers: what a person states for the 专精特新 criteria the data cannot show

Revision ID: 0017_assessment_answers
Revises: 0016_merge_delivery
Create Date: 2026-12-08

One row per model and item (years in the niche, employees, R&D institution, ...); the value is JSON
(a number, a yes/no, or a list of names), typed and range-checked by shuzhi.ai.innovation.assess_rules
before it is stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_assessment_answers"
down_revision = "0016_merge_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_answers",
        sa.Column("model", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("assessment_answers")
