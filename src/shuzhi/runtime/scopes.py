"""The caller's view of raw warehouse tables: the rows and columns that row and column rules leave.

Invariants
- Every current semantic model counts: a table that backs a dataset of any model (a `table:`
  dataset in the warehouse) gets that dataset's binding row rules and its denied columns
  (compile.row_scope). A table that backs no dataset has no rules to apply.
- Admins (and anyone no rule binds) get None: the table itself, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlglot import exp

from shuzhi.catalog.semantic import list_models
from shuzhi.compile.row_scope import scope_table
from shuzhi.model.index import ModelIndex
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def model_indexes(rt: Runtime, db: Session | None = None) -> list[ModelIndex]:
    """The current version of every saved model."""
    if db is None:
        with rt.catalog.session() as own:
            return model_indexes(rt, own)
    return [rt.model_index(m.name, db)[0] for m in list_models(db)]


def table_view(rt: Runtime, user: UserContext, table: str, columns: list[str],
               db: Session | None = None) -> tuple[exp.Select | None, list[str]]:
    """(the SELECT `user` may read of `table` — None when unrestricted —, the visible columns)."""
    return scope_table(model_indexes(rt, db), table, user, columns)
