"""Alembic environment: always run programmatically by shuzhi.catalog.db.Catalog.migrate().

The caller passes an open SQLAlchemy connection in config.attributes["connection"].
"""

from alembic import context

from shuzhi.catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
