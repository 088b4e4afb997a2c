"""Writing an extract into the DuckDB warehouse: stream Arrow batches into a stage table, then swap
or upsert it into the target in one transaction.

Invariants
- Until the final transaction commits, the target table is exactly as before: a failed, cancelled or
  interrupted refresh leaves the last good data (and drops its stage table).
- A stage table is committed batch by batch, so a killed process leaves it behind. Only one process
  at a time can open the warehouse read-write (DuckDB locks the file), and every stage this process
  is writing is in _ACTIVE; so any other `_shuzhi_stage_*` table is a dead process's leftover, and
  sweep_stages() drops them all (at every refresh and at the server's start).
- replace: DROP target + RENAME stage → target, in one transaction.
  upsert: DELETE target rows whose key is in the stage, INSERT the stage rows, in one transaction
  (new source columns are first added to the target, so an added column is taken in).
  append: INSERT only.
- Table names are validated identifiers (shuzhi.catalog.connections.check_name); statements are
  sqlglot trees with quoted identifiers; rows travel as Arrow, never as SQL text.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error
from shuzhi.errors import ShuzhiError

STAGE_PREFIX = "_shuzhi_stage_"


@dataclass
class WriteResult:
    rows_read: int = 0
    bytes: int = 0
    rows_total: int = 0
    max_value: Any = None  # max of `watermark_column` over the rows read (None when none)
    added_columns: list[str] = field(default_factory=list)


def _col(name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True))


def _tbl(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def _drop(name: str) -> exp.Drop:
    return exp.Drop(tables=[_tbl(name)], kind="TABLE", exists=True)


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


def table_exists(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_name = ?", [name]).fetchone()[0])  # type: ignore[index]


def table_columns(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    rows = cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                       "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
    return {r[0]: r[1] for r in rows}


_ACTIVE: set[str] = set()  # stage tables being written by this process
_ACTIVE_LOCK = threading.Lock()


def sweep_stages(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop the stage tables no write of this process is using (see the module invariants)."""
    rows = cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND starts_with(table_name, ?)", [STAGE_PREFIX]).fetchall()
    with _ACTIVE_LOCK:
        stale = [name for (name,) in rows if name not in _ACTIVE]
    for name in stale:
        cur.execute(_sql(_drop(name)))
    return stale


def sweep_warehouse_stages(wh: Warehouse) -> list[str]:
    """sweep_stages on a cursor of its own (runtime.recovery, when the server starts)."""
    with wh.cursor() as cur:
        return sweep_stages(cur)


def write_extract(cur: duckdb.DuckDBPyConnection, target: str, schema: pa.Schema,
                  batches: Iterable[pa.RecordBatch], *, how: str, key: list[str] | None = None,
                  watermark_column: str | None = None,
                  on_batch: Callable[[WriteResult], None] | None = None) -> WriteResult:
    """Load `batches` (all of `schema`) into `target` as replace, upsert (on `key`) or append.

    on_batch is called after each staged batch (progress; it may raise to cancel)."""
    if how not in ("replace", "upsert", "append"):
        raise ValueError(how)
    if how == "upsert" and not key:
        raise ShuzhiError("extract_key_missing", "增量合并需要主键列。", "An upsert needs primary key columns.")
    res = WriteResult()
    stage = f"{STAGE_PREFIX}{target}_{uuid.uuid4().hex[:8]}"
    with _ACTIVE_LOCK:
        _ACTIVE.add(stage)
    try:
        sweep_stages(cur)
        cur.from_arrow(schema.empty_table()).create(stage)
        for batch in batches:
            if batch.num_rows:
                cur.from_arrow(pa.Table.from_batches([batch], schema=schema)).insert_into(stage)
            res.rows_read += batch.num_rows
            res.bytes += batch.nbytes
            if on_batch is not None:
                on_batch(res)
        if watermark_column and res.rows_read:
            q = exp.select(exp.Max(this=_col(watermark_column))).from_(_tbl(stage))
            res.max_value = cur.execute(_sql(q)).fetchone()[0]  # type: ignore[index]
        exists = table_exists(cur, target)
        cur.begin()
        try:
            if how == "replace" or not exists:
                cur.execute(_sql(_drop(target)))
                cur.execute(_sql(exp.Alter(this=_tbl(stage), kind="TABLE",
                                           actions=[exp.AlterRename(this=_tbl(target))])))
            else:
                res.added_columns = _add_new_columns(cur, target, stage)
                cols = list(schema.names)
                if how == "upsert":
                    keys = [_col(k) for k in key or []]
                    lhs = keys[0] if len(keys) == 1 else exp.Tuple(expressions=keys)
                    cond = lhs.isin(query=exp.select(*[_col(k) for k in key or []]).from_(_tbl(stage)))
                    cur.execute(_sql(exp.delete(_tbl(target), where=cond)))
                ins = exp.insert(exp.select(*[_col(c) for c in cols]).from_(_tbl(stage)), _tbl(target),
                                 columns=[exp.to_identifier(c, quoted=True) for c in cols])
                cur.execute(_sql(ins))
                cur.execute(_sql(_drop(stage)))
            res.rows_total = int(cur.execute(_sql(exp.select(exp.Count(this=exp.Star())).from_(_tbl(target))))
                                 .fetchone()[0])  # type: ignore[index]
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    except duckdb.Error as exc:
        _drop_quietly(cur, stage)
        raise translate_duckdb_error(exc) from None
    except BaseException:
        _drop_quietly(cur, stage)
        raise
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(stage)
    return res


def _add_new_columns(cur: duckdb.DuckDBPyConnection, target: str, stage: str) -> list[str]:
    have = table_columns(cur, target)
    added = []
    for name, typ in table_columns(cur, stage).items():
        if name not in have:
            col = exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=exp.DataType.build(typ, dialect="duckdb"))
            cur.execute(_sql(exp.Alter(this=_tbl(target), kind="TABLE", actions=[col])))
            added.append(name)
    return added


def _drop_quietly(cur: duckdb.DuckDBPyConnection, stage: str) -> None:
    try:
        cur.execute(_sql(_drop(stage)))
    except duckdb.Error:
        pass


def drop_table(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    try:
        cur.execute(_sql(_drop(name)))
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc) from None
