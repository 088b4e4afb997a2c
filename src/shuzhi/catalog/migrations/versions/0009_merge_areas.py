"""merge the areas added in parallel off 0003 (imports, connections, datasets, alerts, dashboards)

Revision ID: 0009
Revises: 0004_imported_tables, 0005_connections, 0006_datasets, 0007_alerts, 0008
Create Date: 2026-11-26

A merge revision changes no schema: from here on the catalog has a single head again, and the
next area's revision continues from "0009".
"""

revision = "0009"
down_revision = ("0004_imported_tables", "0005_connections", "0006_datasets", "0007_alerts", "0008")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
