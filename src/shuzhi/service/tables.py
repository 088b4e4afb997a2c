"""The data page's warehouse tables: list (rows, columns, labels, import record), first rows, profile.

Row and column rules apply: a table that backs a model dataset shows a caller with rules only the
rows that dataset's rules leave and none of the denied columns — in the list (row count, columns),
the preview and the profile alike (runtime.scopes). The SQL is built by engines.profile from
identifiers, on a cursor the executor hands out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shuzhi.catalog import tables as store
from shuzhi.compile.row_scope import scope_table
from shuzhi.engines import profile as prof
from shuzhi.runtime.scopes import model_indexes
from shuzhi.service.executor import warehouse_reader
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def labels(rt: Runtime, name: str | None = None) -> dict[str, tuple[dict[str, Any], dict[str, str | None]]]:
    """table -> (its import record, column -> label), for imported tables (one table when `name`)."""
    with rt.catalog.session() as db:
        recs = store.list_imported(db)
        return {n: (store.to_dict(r), {c["name"]: c.get("label") for c in r.columns or []}) for n, r in recs.items()
                if name is None or n == name}


def list_tables(rt: Runtime, user: UserContext) -> list[dict[str, Any]]:
    """[{name, rows, columns: [{name, type}], record (the import record or None), labels}] as `user` sees them."""
    indexes = model_indexes(rt)
    with warehouse_reader(rt) as cur:
        tables = prof.list_tables(cur)
        for t in tables:
            scope, allowed = scope_table(indexes, t["name"], user, [c["name"] for c in t["columns"]])
            if scope is not None:
                keep = set(allowed)
                t["columns"] = [c for c in t["columns"] if c["name"] in keep]
                t["rows"] = prof.count_rows(cur, scope)
    labs = labels(rt)
    for t in tables:
        t["record"], t["labels"] = labs.get(t["name"], (None, {}))
    return tables


def _scope(rt: Runtime, cur: Any, name: str, user: UserContext) -> tuple[Any, list[str]]:
    columns = [c for c, _ in prof.check_table(cur, name)]
    return scope_table(model_indexes(rt), name, user, columns)


def first_rows(rt: Runtime, name: str, limit: int, user: UserContext) -> pa.Table:
    """The first `limit` rows of `name` that `user` may read."""
    with warehouse_reader(rt) as cur:
        scope, _ = _scope(rt, cur, name, user)
        return prof.first_rows(cur, name, limit, scope)


def profile(rt: Runtime, name: str, user: UserContext) -> dict[str, Any]:
    """engines.profile.profile of `name` over the rows and columns `user` may read."""
    with warehouse_reader(rt) as cur:
        scope, allowed = _scope(rt, cur, name, user)
        return prof.profile(cur, name, scope, allowed if scope is not None else None)
