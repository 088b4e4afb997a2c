"""Running self-service dataset SQL on the warehouse: schemas, previews, distinct values, materialization.

Invariants
- Every statement is a sqlglot tree rendered here for DuckDB (the dataset query itself comes from
  shuzhi.compile.datasets); table names are quoted identifiers.
- materialize() is atomic: the result is first written to a stage table; only when that succeeded
  is the live table dropped and the stage renamed, in one transaction. Any failure rolls back and
  drops the stage, so readers see either the previous table or the new one, never a partial one.
- DuckDB errors become ShuzhiError (translate_duckdb_error); nothing else leaks.
- The application layer (service.datasets*) reads and writes through `tables(warehouse)` → Tables,
  never through a cursor of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines.external import ExternalWarehouse
from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error
from shuzhi.errors import ShuzhiError
from shuzhi.model.datasets.flow import Column, field_type_of


def _table(name: str) -> exp.Table:
    return exp.table_(name, quoted=True)


def table_columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[Column] | None:
    """The supported columns of a main-schema table or view (None when it does not exist)."""
    rows = cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
    if not rows:
        return None
    return [Column(n, t) for n, raw in rows if (t := field_type_of(raw)) is not None]


def table_exists(cur: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_name = ?", [table]).fetchone()[0])  # type: ignore[index]


def run_query(cur: duckdb.DuckDBPyConnection, query: exp.Expression,
              cancel: threading.Event | None = None) -> pa.Table:
    """Run a dataset query (a generated SELECT) and return Arrow; cancel interrupts it."""
    sql = query.sql("duckdb")
    watcher = _watch(cur, cancel)
    try:
        return cur.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc) from None
    finally:
        if watcher:
            watcher.set()


def _watch(cur: duckdb.DuckDBPyConnection, cancel: threading.Event | None) -> threading.Event | None:
    if cancel is None:
        return None
    done = threading.Event()

    def loop() -> None:
        while not done.wait(0.1):
            if cancel.is_set():
                cur.interrupt()
                return

    threading.Thread(target=loop, daemon=True, name="dataset-cancel").start()
    return done


def distinct_values(cur: duckdb.DuckDBPyConnection, query: exp.Select, column: str, cap: int) -> list[Any]:
    """Up to cap + 1 distinct non-null values of `column` in the query's rows, sorted."""
    c = exp.column(column, quoted=True)
    q = (exp.select(c).distinct().from_(query.subquery("q"), copy=False)
         .where(exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())), copy=False)
         .order_by(c.copy(), copy=False).limit(cap + 1, copy=False))
    return run_query(cur, q).column(0).to_pylist()


def materialize(cur: duckdb.DuckDBPyConnection, query: exp.Expression, table: str,
                cancel: threading.Event | None = None) -> int:
    """Write the query's rows to `table` atomically (stage + swap); returns the row count."""
    stage = f"{table}__stage"
    drop_stage = exp.Drop(tables=[_table(stage)], kind="TABLE", exists=True).sql("duckdb")
    create = exp.Create(this=_table(stage), kind="TABLE", expression=query.copy()).sql("duckdb")
    count = exp.select(exp.Count(this=exp.Star())).from_(_table(stage)).sql("duckdb")
    drop_live = exp.Drop(tables=[_table(table)], kind="TABLE", exists=True).sql("duckdb")
    rename = exp.Alter(this=_table(stage), kind="TABLE", actions=[exp.AlterRename(this=_table(table))]).sql("duckdb")
    watcher = _watch(cur, cancel)
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(drop_stage)
            cur.execute(create)
            rows = int(cur.execute(count).fetchone()[0])  # type: ignore[index]
            if cancel is not None and cancel.is_set():
                raise ShuzhiError("job_cancelled", "任务已取消。", "The job was cancelled.", 499)
            cur.execute(drop_live)
            cur.execute(rename)
            cur.execute("COMMIT")
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the transaction is already gone; nothing was committed
            raise
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc) from None
    finally:
        if watcher:
            watcher.set()
    return rows


def drop_table(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    try:
        cur.execute(exp.Drop(tables=[_table(table)], kind="TABLE", exists=True).sql("duckdb"))
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc) from None


class Tables:
    """The warehouse tables one dataset check, preview or materialization reads (and writes), over
    one cursor: the application layer never holds the cursor itself."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur

    def columns(self, table: str) -> list[Column] | None:
        return table_columns(self._cur, table)

    def exists(self, table: str) -> bool:
        return table_exists(self._cur, table)

    def run(self, query: exp.Expression, cancel: threading.Event | None = None) -> pa.Table:
        return run_query(self._cur, query, cancel)

    def distinct_values(self, query: exp.Select, column: str, cap: int) -> list[Any]:
        return distinct_values(self._cur, query, column, cap)

    def materialize(self, query: exp.Expression, table: str, cancel: threading.Event | None = None) -> int:
        return materialize(self._cur, query, table, cancel)

    def drop(self, table: str) -> None:
        drop_table(self._cur, table)


class ExternalTables:
    """Tables on an external warehouse (SHUZHI_WAREHOUSE_URL): queries rendered in its dialect and run
    by its engine; materialize() is CREATE TABLE … AS in its dialect, stage + swap (create_as) where the
    warehouse offers that, else the rows loaded through load(). A running query is not interrupted by
    `cancel` there (the settings' query timeout still bounds it)."""

    def __init__(self, ext: ExternalWarehouse) -> None:
        self._ext = ext

    def columns(self, table: str) -> list[Column] | None:
        rows = self._ext.columns(table)
        if not rows:
            return None
        out = []
        for n, raw in rows:
            try:
                t = field_type_of(exp.DataType.build(raw, dialect=self._ext.dialect))
            except Exception:  # noqa: BLE001 - an exotic type we do not support
                t = None
            if t is not None:
                out.append(Column(n, t))
        return out

    def exists(self, table: str) -> bool:
        return self._ext.has_table(table)

    def run(self, query: exp.Expression, cancel: threading.Event | None = None) -> pa.Table:
        return self._ext.engine().execute(query.sql(self._ext.dialect))

    def distinct_values(self, query: exp.Select, column: str, cap: int) -> list[Any]:
        c = exp.column(column, quoted=True)
        q = (exp.select(c).distinct().from_(query.subquery("q"), copy=False)
             .where(exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())), copy=False)
             .order_by(c.copy(), copy=False).limit(cap + 1, copy=False))
        return self.run(q).column(0).to_pylist()

    def materialize(self, query: exp.Expression, table: str, cancel: threading.Event | None = None) -> int:
        create_as = getattr(self._ext, "create_as", None)
        if create_as is not None:
            return int(create_as(table, query.sql(self._ext.dialect)))
        return self._ext.load(table, self.run(query))

    def drop(self, table: str) -> None:
        self._ext.drop_table(table)


@contextmanager
def tables(warehouse: Warehouse | ExternalWarehouse) -> Iterator[Tables | ExternalTables]:
    """The warehouse's tables for the duration of a block (one fresh cursor, closed afterwards; an
    external warehouse: ExternalTables)."""
    if not isinstance(warehouse, Warehouse):
        yield ExternalTables(warehouse)
        return
    with warehouse.cursor() as cur:
        yield Tables(cur)
