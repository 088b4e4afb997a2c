"""The metadata catalog: SQLAlchemy 2 models and Alembic migrations (SQLite or PostgreSQL)."""

import shuzhi.catalog.org_models  # noqa: F401 - maps User.departments before any session uses User
from shuzhi.catalog.db import Catalog

__all__ = ["Catalog"]
