"""Moving tables between a process's scratch DuckDB and the external warehouse (SHUZHI_WAREHOUSE_URL).

With an external warehouse, files and extracts are still parsed and written locally (the sandboxed
DuckDB of engines/warehouse.py, a scratch file of this process), by exactly the code that writes the
embedded warehouse; then:

    push(scratch, ext, ["orders"])   # each table streamed as Arrow into ext.load() (stage + swap), then
                                     # dropped from the scratch file
    push_merge(scratch, ext, "orders", ["id"])  # incremental extracts: only the new rows, merged there
    pull(scratch, ext, "orders")     # before an append / upsert / incremental refresh: the current
                                     # table copied from the external warehouse into the scratch file

Invariants
- The external warehouse is the truth; the scratch file keeps nothing between operations, so
  several processes (or machines) sharing the warehouse never read a stale local copy.
- Tables travel as Arrow record batches (DuckDB's reader, ext.load()), never as SQL text.
"""

from __future__ import annotations

import duckdb
from sqlglot import exp

from shuzhi.engines.external import ExternalWarehouse
from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error

BATCH_ROWS = 100_000


def _tbl(name: str) -> str:
    return exp.Table(this=exp.to_identifier(name, quoted=True)).sql("duckdb")


def push(scratch: Warehouse, ext: ExternalWarehouse, names: list[str], *, drop: bool = True) -> dict[str, int]:
    """Load each scratch table into the external warehouse (atomically per table); rows per table."""
    out: dict[str, int] = {}
    for name in names:
        with scratch.cursor() as cur:
            try:
                reader = cur.sql(f"SELECT * FROM {_tbl(name)}").to_arrow_reader(batch_size=BATCH_ROWS)  # noqa: S608
            except duckdb.Error as exc:
                raise translate_duckdb_error(exc, scratch.path) from None
            out[name] = ext.load(name, reader)
        if drop:
            scratch.drop_table(name)
    return out


def push_merge(scratch: Warehouse, ext: ExternalWarehouse, name: str, key: list[str]) -> int:
    """Merge the scratch table `name` (new rows only) into the external table of that name, which
    exists: appended, or upserted on `key` (ext.merge); dropped from the scratch file. The external
    table's rows afterwards."""
    with scratch.cursor() as cur:
        try:
            reader = cur.sql(f"SELECT * FROM {_tbl(name)}").to_arrow_reader(batch_size=BATCH_ROWS)  # noqa: S608
        except duckdb.Error as exc:
            raise translate_duckdb_error(exc, scratch.path) from None
        total = int(ext.merge(name, reader, key=key))  # type: ignore[attr-defined]
    scratch.drop_table(name)
    return total


def pull(scratch: Warehouse, ext: ExternalWarehouse, name: str) -> bool:
    """Copy the external table `name` into the scratch file (replacing a local one); False when the
    external warehouse has no such table."""
    if not ext.has_table(name):
        scratch.drop_table(name)
        return False
    read = getattr(ext, "read", None)  # SqlWarehouse: COPY on PostgreSQL
    data = read(name) if read is not None else ext.engine().execute(
        exp.select("*").from_(exp.Table(this=exp.to_identifier(name, quoted=True))).sql(ext.dialect))
    # Text (COPY) or floats for decimals (the engine): each column is cast back to its type in the warehouse,
    # so an append or upsert keeps the table's types (numeric(12,2) stays DECIMAL(12,2)).
    types = dict(ext.columns(name))
    select = [_cast(c, types.get(c), ext.dialect) for c in data.column_names]
    with scratch.cursor() as cur:
        try:
            cur.register("_shuzhi_pulled", data)
            cur.execute(exp.Create(this=exp.Table(this=exp.to_identifier(name, quoted=True)), kind="TABLE",
                                   replace=True, expression=exp.select(*select).from_("_shuzhi_pulled")).sql("duckdb"))
            cur.unregister("_shuzhi_pulled")
        except duckdb.Error as exc:
            raise translate_duckdb_error(exc, scratch.path) from None
    return True


def _cast(column: str, type_name: str | None, dialect: str) -> exp.Expression:
    col = exp.column(exp.to_identifier(column, quoted=True))
    if not type_name:
        return col
    try:
        to = exp.DataType.build(type_name, dialect=dialect)
    except Exception:  # noqa: BLE001 - a type DuckDB has no name for: left as the engine gave it
        return col
    if to.is_type(exp.DataType.Type.UNKNOWN, exp.DataType.Type.USERDEFINED):
        return col
    return exp.alias_(exp.Cast(this=col, to=to), exp.to_identifier(column, quoted=True))


def scratch_tables(scratch: Warehouse) -> list[str]:
    """Every table in the scratch file (what a demo build or an import just wrote)."""
    return [t for t in scratch.tables() if not t.startswith("_shuzhi_")]
