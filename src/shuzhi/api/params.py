"""Bounded integer parameters shared by the routers.

Invariant: every integer that comes from a URL (path or query) is bounded, so nothing larger than
a signed 64-bit integer reaches SQLite, PostgreSQL or DuckDB (an unbounded `int` made SQLAlchemy
raise OverflowError → 500 for ids ≥ 2**63). Out-of-range values are a 422 like any bad parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1

# A database id (jobs, alert rules, inbox items, tokens): 1 … 2**63 − 1.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# A saved version number of a model, metric, dataset or dashboard.
VersionPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# A page size in a list route.
ListLimit = Annotated[int, Query(ge=1, le=500)]
