"""Run compiled queries on the embedded warehouse, with a timeout and cancellation.

The SQL comes from the compiler (a sqlglot tree rendered for duckdb), never from users, so it is not
re-checked here; each query runs on its own cursor, which a timer interrupts when time is up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error
from shuzhi.errors import ShuzhiError


def timeout_error(seconds: float) -> ShuzhiError:
    return ShuzhiError("query_timeout", f"查询超过 {seconds:g} 秒未完成，已取消。请缩小范围或加上筛选条件。",
                       f"The query did not finish within {seconds:g} s and was cancelled; narrow it down.", 504)


class DuckDBEngine:
    dialect = "duckdb"

    def __init__(self, warehouse: Warehouse, *, timeout_s: float | None = 60.0) -> None:
        self.warehouse = warehouse
        self.timeout_s = timeout_s

    @property
    def data_version(self) -> str:
        return self.warehouse.data_version

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for engines-level helpers that build SQL from identifiers
        (engines.profile); closed afterwards."""
        with self.warehouse.cursor() as cur:
            yield cur

    def execute(self, sql: str, *, max_rows: int | None = None, timeout_s: float | None = None,
                cancel: threading.Event | None = None) -> pa.Table:
        """Run on a fresh cursor; a watcher interrupts it at the timeout or when `cancel` is set."""
        limit = timeout_s if timeout_s is not None else self.timeout_s
        with self.warehouse.cursor() as cur:
            done = threading.Event()
            why: list[str] = []

            def watch() -> None:
                deadline = time.monotonic() + limit if limit else None
                while not done.wait(0.05):
                    if cancel is not None and cancel.is_set():
                        why.append("cancelled")
                    elif deadline is not None and time.monotonic() >= deadline:
                        why.append("timeout")
                    if why:
                        cur.interrupt()
                        return

            watcher = threading.Thread(target=watch, daemon=True) if (limit or cancel is not None) else None
            if watcher:
                watcher.start()
            try:
                rel = cur.sql(sql)
                if rel is None:
                    return pa.table({})
                if max_rows is None:
                    return rel.to_arrow_table()
                reader = rel.to_arrow_reader(batch_size=min(max_rows, 100_000))
                batches, n = [], 0
                for b in reader:
                    batches.append(b)
                    n += b.num_rows
                    if n >= max_rows:
                        break
                return pa.Table.from_batches(batches, schema=reader.schema).slice(0, max_rows)
            except duckdb.Error as exc:
                if why == ["timeout"]:
                    raise timeout_error(limit or 0) from None
                if why == ["cancelled"]:
                    raise ShuzhiError("query_cancelled", "查询已取消。", "The query was cancelled.", 499) from None
                raise translate_duckdb_error(exc, self.warehouse.path) from None
            finally:
                done.set()

    def stream(self, sql: str, *, batch_size: int = 65_536, max_rows: int | None = None,
               timeout_s: float | None = None, cancel: threading.Event | None = None) -> Iterator[pa.RecordBatch]:
        """Run on a fresh cursor and yield the answer in Arrow batches (exports: a million rows without
        holding them). At most `max_rows` rows. The timeout bounds the wait for the first batch (the
        query's own work); after that only `cancel` stops it, since the consumer sets the pace. The
        cursor is closed when the generator is exhausted or closed."""
        limit = timeout_s if timeout_s is not None else self.timeout_s
        with self.warehouse.cursor() as cur:
            done, started = threading.Event(), threading.Event()
            why: list[str] = []

            def watch() -> None:
                deadline = time.monotonic() + limit if limit else None
                while not done.wait(0.05):
                    if cancel is not None and cancel.is_set():
                        why.append("cancelled")
                    elif deadline is not None and not started.is_set() and time.monotonic() >= deadline:
                        why.append("timeout")
                    if why:
                        cur.interrupt()
                        return

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                rel = cur.sql(sql)
                if rel is None:
                    return
                n = 0
                for batch in rel.to_arrow_reader(batch_size=batch_size):
                    started.set()
                    if max_rows is not None and n + batch.num_rows > max_rows:
                        batch = batch.slice(0, max_rows - n)
                    n += batch.num_rows
                    yield batch
                    if max_rows is not None and n >= max_rows:
                        return
            except duckdb.Error as exc:
                if why == ["timeout"]:
                    raise timeout_error(limit or 0) from None
                if why == ["cancelled"]:
                    raise ShuzhiError("query_cancelled", "查询已取消。", "The query was cancelled.", 499) from None
                raise translate_duckdb_error(exc, self.warehouse.path) from None
            finally:
                done.set()
