"""join the publishing areas added in parallel (issue 15): channels, share links, subscriptions

Revision ID: 0016_merge_delivery
Revises: 0013_channels, 0014_share_links, 0015_subscriptions
Create Date: 2026-12-07
"""

revision = "0016_merge_delivery"
down_revision = ("0013_channels", "0014_share_links", "0015_subscriptions")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
