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

from shuzhi.engines.external import ExternalWarehouse
from shuzhi.engines.import_sources import ident, table
from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error
from shuzhi.errors import ShuzhiError

TOP_VALUES = 5
TOP_COLUMNS = 60


class Reader:
    """What the data page reads through: DuckDB (a cursor of the embedded warehouse) or an external
    warehouse (its table and column lists, its engine for the generated SELECTs)."""

    dialect = "duckdb"

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur

    def all_columns(self) -> list[tuple[str, str, str]]:
        """(table, column, type) of every published table, by table and position."""
        return [(str(t), str(c), str(ty)) for t, c, ty in self._cur.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name NOT LIKE '\\_shuzhi%' ESCAPE '\\' "
            "ORDER BY table_name, ordinal_position").fetchall()]

    def columns(self, name: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
            "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()]

    def arrow(self, q: exp.Expression) -> pa.Table:
        try:
            return self._cur.sql(q.sql(dialect=self.dialect)).to_arrow_table()
        except duckdb.Error as exc:
            raise translate_duckdb_error(exc) from None


class ExternalReader(Reader):
    """Reader on an external warehouse (SHUZHI_WAREHOUSE_URL): SELECTs rendered in its dialect."""

    def __init__(self, ext: ExternalWarehouse) -> None:
        self._ext = ext
        self.dialect = ext.dialect

    def all_columns(self) -> list[tuple[str, str, str]]:
        return [(t, c, ty) for t in self._ext.tables() for c, ty in self._ext.columns(t)]

    def columns(self, name: str) -> list[tuple[str, str]]:
        return self._ext.columns(name)

    def arrow(self, q: exp.Expression) -> pa.Table:
        return self._ext.engine().execute(q.sql(dialect=self.dialect))


def _one(reader: Reader, q: exp.Expression) -> dict[str, Any]:
    return reader.arrow(q).to_pylist()[0]


def list_tables(reader: Reader) -> list[dict[str, Any]]:
    """[{name, rows, columns: [{name, type}]}] of the warehouse's published tables, by name."""
    out: dict[str, dict[str, Any]] = {}
    for t, c, typ in reader.all_columns():
        out.setdefault(t, {"name": t, "rows": 0, "columns": []})["columns"].append({"name": c, "type": typ})
    for t, info in out.items():
        info["rows"] = int(_one(reader, exp.select(exp.alias_(exp.Count(this=exp.Star()), "n")).from_(table(t)))["n"])
    return list(out.values())


def count_rows(reader: Reader, scope: exp.Select) -> int:
    """The number of rows of a scoped SELECT (a caller's view of a table)."""
    return int(_one(reader, exp.select(exp.alias_(exp.Count(this=exp.Star()), "n")).from_(_source("", scope)))["n"])


def check_table(reader: Reader, name: str) -> list[tuple[str, str]]:
    """The (column, type) list of an existing table, or a 404 ShuzhiError."""
    rows = reader.columns(name)
    if not rows or name.startswith("_shuzhi"):
        raise ShuzhiError("table_not_found", f"数据仓库中没有表 {name}。", f"The warehouse has no table {name}.", 404)
    return rows


def table_schema(warehouse: Warehouse | ExternalWarehouse, name: str) -> list[tuple[str, str]]:
    """check_table() on the warehouse: (column, type) of an existing table, or a 404."""
    if not isinstance(warehouse, Warehouse):
        return check_table(ExternalReader(warehouse), name)
    with warehouse.cursor() as cur:
        return check_table(Reader(cur), name)


def _source(name: str, scope: exp.Select | None) -> exp.Expression:
    return table(name) if scope is None else exp.alias_(scope.subquery(), "scoped", table=True)


def first_rows(reader: Reader, name: str, limit: int = 50, scope: exp.Select | None = None) -> pa.Table:
    check_table(reader, name)
    return reader.arrow(exp.select("*").from_(_source(name, scope)).limit(limit))


def profile(reader: Reader, name: str, scope: exp.Select | None = None,
            allowed: list[str] | None = None) -> dict[str, Any]:
    """Per column: nulls, distinct values, min, max and the most frequent values with counts (over
    `scope`'s rows and the `allowed` columns when given)."""
    columns = check_table(reader, name)
    if allowed is not None:
        keep = set(allowed)
        columns = [(c, t) for c, t in columns if c in keep]
    src = _source(name, scope)
    aggs: list[exp.Expression] = [exp.alias_(exp.Count(this=exp.Star()), "n")]
    for i, (c, typ) in enumerate(columns):
        col = exp.column(ident(c))
        orderable = not typ.upper().startswith(("STRUCT", "MAP", "UNION", "ARRAY", "JSON", "BOOL")) \
            and not typ.endswith("[]")
        aggs += [exp.alias_(exp.Count(this=col), f"nn{i}"),
                 exp.alias_(exp.Count(this=exp.Distinct(expressions=[col])), f"d{i}")]
        if orderable:
            aggs += [exp.alias_(exp.Min(this=col), f"mn{i}"), exp.alias_(exp.Max(this=col), f"mx{i}")]
    vals = _one(reader, exp.select(*aggs).from_(src.copy()))
    n = int(vals["n"])
    out = []
    for i, (c, typ) in enumerate(columns):
        col = exp.column(ident(c))
        top: list[dict[str, Any]] = []
        if i < TOP_COLUMNS:
            q = exp.select(exp.alias_(col, "v"), exp.alias_(exp.Count(this=exp.Star()), "k")).from_(src.copy()) \
                .where(col.is_(exp.null()).not_()).group_by(col).order_by("k DESC", "v").limit(TOP_VALUES)
            try:
                top = [{"value": _jsonable(r["v"]), "count": int(r["k"])} for r in reader.arrow(q).to_pylist()]
            except ShuzhiError:
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
