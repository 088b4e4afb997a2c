"""Warehouse tables for the data page: list with row counts and columns, first rows, column profiles.

Invariants
- Table names come from information_schema (a caller's name is looked up first and refused
  when unknown), and every statement is a sqlglot tree with quoted identifiers.
- Internal tables (`_shuzhi_*`) are never listed.
- A profile reads the whole table once for counts, nulls, distinct values and min/max, plus one
  grouped query per column for its top values (at most TOP_COLUMNS columns get top values).
- A caller with row or column rules passes `scope` (compile.row_scope.scope_table): rows and
  profiles are then computed over that SELECT only — its rows and its columns, nothing else.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines.import_sources import ident, table
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError

TOP_VALUES = 5
TOP_COLUMNS = 60


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


def list_tables(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """[{name, rows, columns: [{name, type}]}] of the warehouse's main schema, by name."""
    cols = cur.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = 'main' AND table_name NOT LIKE '\\_shuzhi%' ESCAPE '\\' "
                       "ORDER BY table_name, ordinal_position").fetchall()
    out: dict[str, dict[str, Any]] = {}
    for t, c, typ in cols:
        out.setdefault(t, {"name": t, "rows": 0, "columns": []})["columns"].append({"name": c, "type": typ})
    for t, info in out.items():
        info["rows"] = int(cur.execute(_sql(exp.select("count(*)").from_(table(t)))).fetchone()[0])  # type: ignore[index]
    return list(out.values())


def count_rows(cur: duckdb.DuckDBPyConnection, scope: exp.Select) -> int:
    """The number of rows of a scoped SELECT (a caller's view of a table)."""
    return int(cur.execute(_sql(exp.select("count(*)").from_(_source("", scope)))).fetchone()[0])  # type: ignore[index]


def check_table(cur: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    """The (column, type) list of an existing table, or a 404 ShuzhiError."""
    rows = cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                       "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
    if not rows or name.startswith("_shuzhi"):
        raise ShuzhiError("table_not_found", f"数据仓库中没有表 {name}。", f"The warehouse has no table {name}.", 404)
    return [(r[0], r[1]) for r in rows]


def table_schema(warehouse: Warehouse, name: str) -> list[tuple[str, str]]:
    """check_table() on a fresh cursor of the warehouse: (column, type) of an existing table, or a 404."""
    with warehouse.cursor() as cur:
        return check_table(cur, name)


def _source(name: str, scope: exp.Select | None) -> exp.Expression:
    return table(name) if scope is None else exp.alias_(scope.subquery(), "scoped", table=True)


def first_rows(cur: duckdb.DuckDBPyConnection, name: str, limit: int = 50,
               scope: exp.Select | None = None) -> pa.Table:
    check_table(cur, name)
    return cur.sql(_sql(exp.select("*").from_(_source(name, scope)).limit(limit))).to_arrow_table()


def profile(cur: duckdb.DuckDBPyConnection, name: str, scope: exp.Select | None = None,
            allowed: list[str] | None = None) -> dict[str, Any]:
    """Per column: nulls, distinct values, min, max and the most frequent values with counts (over
    `scope`'s rows and the `allowed` columns when given)."""
    columns = check_table(cur, name)
    if allowed is not None:
        keep = set(allowed)
        columns = [(c, t) for c, t in columns if c in keep]
    src = _source(name, scope)
    aggs: list[exp.Expression] = [exp.alias_(exp.Count(this=exp.Star()), "n")]
    for i, (c, typ) in enumerate(columns):
        col = exp.column(ident(c))
        orderable = not typ.startswith(("STRUCT", "MAP", "UNION")) and not typ.endswith("[]")
        aggs += [exp.alias_(exp.Count(this=col), f"nn{i}"),
                 exp.alias_(exp.Count(this=exp.Distinct(expressions=[col])), f"d{i}")]
        if orderable:
            aggs += [exp.alias_(exp.Min(this=col), f"mn{i}"), exp.alias_(exp.Max(this=col), f"mx{i}")]
    row = cur.execute(_sql(exp.select(*aggs).from_(src.copy()))).fetchone()
    assert row is not None
    names = [d[0] for d in cur.description]  # type: ignore[union-attr]
    vals = dict(zip(names, row, strict=True))
    n = int(vals["n"])
    out = []
    for i, (c, typ) in enumerate(columns):
        col = exp.column(ident(c))
        top: list[dict[str, Any]] = []
        if i < TOP_COLUMNS:
            q = exp.select(exp.alias_(col, "v"), exp.alias_(exp.Count(this=exp.Star()), "k")).from_(src.copy()) \
                .where(col.is_(exp.null()).not_()).group_by(col).order_by("k DESC", "v").limit(TOP_VALUES)
            try:
                top = [{"value": _jsonable(v), "count": int(k)} for v, k in cur.execute(_sql(q)).fetchall()]
            except duckdb.Error:
                top = []  # not groupable (nested types)
        out.append({"name": c, "type": typ, "nulls": n - int(vals[f"nn{i}"]), "distinct": int(vals[f"d{i}"]),
                    "min": _jsonable(vals.get(f"mn{i}")), "max": _jsonable(vals.get(f"mx{i}")), "top": top})
    return {"table": name, "rows": n, "columns": out}


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)
