"""The lexicon's default value fetcher: the distinct values of one string dimension, read through a
DB-API/duckdb connection (`Lexicon.from_warehouse`). SQL is built with sqlglot from model identifiers
only. With `user` (a UserContext), only what that user may see is read: each dataset's rows through
its binding row rules (compile.row_scope, the same rendering as a query), and no values at all of
fields the user's column rules deny.

The application layer will give the lexicon a fetcher that runs a QuerySpec through its executor
instead (`Lexicon.from_queries(index, fetch_values)`); this one stays for callers holding a connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlglot import exp

from shuzhi.model.index import ModelIndex


def warehouse_values(index: ModelIndex, con: Any, *, user: Any = None
                     ) -> Callable[[str, str, int], Sequence[Any] | None]:
    """fetch_values(dataset, field, limit) over `con`: at most `limit` distinct non-null values, or
    None for a field the user may not see or a column this warehouse lacks."""
    from shuzhi.compile.row_scope import BASE, denied_fields, scoped_select
    from shuzhi.model.sql_guard import dataset_query

    scopes: dict[str, Any] = {}
    denied: dict[str, set[str]] = {}

    def fetch(ds: str, f: str, limit: int) -> Sequence[Any] | None:
        fd = index.fields[(ds, f)]
        d = index.datasets[ds]
        name = fd.column if getattr(fd, "column", None) else f
        if user is not None:
            if ds not in scopes:
                scopes[ds] = scoped_select(index, ds, user)
                denied[ds] = denied_fields(index, ds, user.role)
            if f in denied[ds]:
                return None
        if user is not None and scopes[ds] is not None:
            col = exp.column(name, table=BASE, quoted=True)
            q = scopes[ds].copy().select(col).distinct()
        else:
            if d.sql:
                source: exp.Expression = dataset_query(d.sql).subquery("t")
            else:
                source = exp.to_table(d.table or ds)
            col = exp.column(name, quoted=True)
            q = exp.select(col).distinct().from_(source)
        q = q.where(exp.Not(this=exp.Is(this=col.copy(), expression=exp.Null()))).limit(limit)
        try:
            return [r[0] for r in con.execute(q.sql(dialect="duckdb")).fetchall()]
        except Exception:  # noqa: BLE001 - a column missing in this warehouse: no values for it
            return None

    return fetch
