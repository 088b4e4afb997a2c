"""Writing generated columns into DuckDB with the contract's exact types, in a fixed row order.

Invariants:
- A table is created from contract.TABLE_COLUMNS (exact types, NOT NULL where the contract
  has no "null"), then filled by INSERT ... SELECT from a registered Arrow table. The SELECT
  names every contract column explicitly; `exprs` may give a SQL expression for a column
  (e.g. formatting an id) computed row by row, never an aggregate.
- Every insert has an ORDER BY on a unique staging key, so the stored order is the same on
  every run whatever the thread count (preserve_insertion_order is on during a build).
- Staging views are unregistered even when the insert fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import numpy as np
import pyarrow as pa

from shuzhi.demo.contract import TABLE_COLUMNS, Column, create_table_sql

_stage_ids = itertools.count()


def strings(indices: np.ndarray, pool: Sequence[str]) -> pa.DictionaryArray:
    """Arrow dictionary column: pool[indices] without materialising one Python str per row."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)), pa.array(list(pool)))


def dates(days: np.ndarray) -> pa.Array:
    """datetime64[D] (NaT = NULL) -> Arrow date32."""
    return pa.array(np.asarray(days, dtype="datetime64[D]"))


def id_sql(prefix: str, date_col: str, date_fmt: str, seq_col: str, width: int) -> str:
    """SQL for ids like SO20241015-00037: prefix, formatted date, '-', zero-padded sequence.

    The caller guarantees seq < 10**width (lpad would truncate longer numbers).
    """
    return f"'{prefix}' || strftime({date_col}, '{date_fmt}') || '-' || lpad(CAST({seq_col} AS VARCHAR), {width}, '0')"


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, data: pa.Table) -> Iterator[str]:
    name = f"__shuzhi_demo_stage_{next(_stage_ids)}"
    con.register(name, data)
    try:
        yield name
    finally:
        try:
            con.unregister(name)
        except duckdb.Error:  # pragma: no cover - the view may be gone after a rollback
            pass


def create(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[Column, ...] | None = None) -> None:
    """Drop and re-create `table` (empty) with its contract types."""
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(create_table_sql(table, columns))


def insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data: pa.Table,
    order_by: str,
    exprs: dict[str, str] | None = None,
    columns: tuple[Column, ...] | None = None,
) -> None:
    """Append `data` to `table`, casting every column to its declared type."""
    exprs = exprs or {}
    cols = columns if columns is not None else TABLE_COLUMNS[table]
    select = ", ".join(f"CAST({exprs.get(name, name)} AS {typ}) AS {name}" for name, typ, _ in cols)
    with staged(con, data) as stage:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM {stage} ORDER BY {order_by}")  # noqa: S608


def write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data: pa.Table,
    order_by: str,
    exprs: dict[str, str] | None = None,
    columns: tuple[Column, ...] | None = None,
) -> int:
    """Replace `table` with `data`; returns the row count."""
    create(con, table, columns)
    insert(con, table, data, order_by, exprs, columns)
    return data.num_rows
