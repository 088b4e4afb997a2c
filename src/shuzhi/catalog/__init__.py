"""The metadata catalog: SQLAlchemy 2 models and Alembic migrations (SQLite or PostgreSQL)."""

from shuzhi.catalog.db import Catalog

__all__ = ["Catalog"]
