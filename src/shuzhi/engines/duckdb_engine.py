"""Run compiled queries on the embedded warehouse, with a timeout and cancellation.

The SQL comes from the compiler (a sqlglot tree rendered for duckdb), never from users, so it is not
re-checked here; each query runs on its own cursor, which DuckDB's own interrupt stops when time is up
or its `cancel` event is set.

One monitor thread per process (MONITOR, started on first use) watches every running query: it sleeps
until the nearest deadline, and while a watched query has a cancel event it looks at the events every
TICK seconds. No thread is started per query. A query is unwatched (under the monitor's lock) before
its cursor closes, so a late interrupt never reaches a closed or reused cursor.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from shuzhi.engines.warehouse import Warehouse, translate_duckdb_error
from shuzhi.errors import ShuzhiError


def timeout_error(seconds: float) -> ShuzhiError:
    return ShuzhiError("query_timeout", f"查询超过 {seconds:g} 秒未完成，已取消。请缩小范围或加上筛选条件。",
                       f"The query did not finish within {seconds:g} s and was cancelled; narrow it down.", 504)


TICK = 0.05  # how often cancel events are looked at while a watched query has one


@dataclass(eq=False)
class Watch:
    cursor: duckdb.DuckDBPyConnection
    deadline: float | None
    cancel: threading.Event | None
    why: list[str] = field(default_factory=list)


class Monitor:
    """Interrupts watched cursors at their deadline or when their cancel event is set (one thread)."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._watches: set[Watch] = set()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def watch(self, cursor: duckdb.DuckDBPyConnection, timeout_s: float | None,
              cancel: threading.Event | None) -> Watch:
        w = Watch(cursor, time.monotonic() + timeout_s if timeout_s else None, cancel)
        with self._cv:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()  # a forked child has no monitor thread of its own yet
                self._thread = threading.Thread(target=self._run, name="duckdb-monitor", daemon=True)
                self._thread.start()
            self._watches.add(w)
            self._cv.notify()
        return w

    def no_deadline(self, w: Watch) -> None:
        """Stop the timeout of `w` (a stream's first batch arrived); `cancel` still applies."""
        with self._cv:
            w.deadline = None

    def unwatch(self, w: Watch) -> list[str]:
        """Stop watching; returns why the cursor was interrupted ([] if it was not)."""
        with self._cv:
            self._watches.discard(w)
            return list(w.why)

    def watching(self) -> int:
        with self._cv:
            return len(self._watches)

    def _run(self) -> None:
        with self._cv:
            while True:
                now = time.monotonic()
                for w in list(self._watches):
                    if w.cancel is not None and w.cancel.is_set():
                        w.why.append("cancelled")
                    elif w.deadline is not None and now >= w.deadline:
                        w.why.append("timeout")
                    if w.why:
                        self._watches.discard(w)
                        try:
                            w.cursor.interrupt()
                        except duckdb.Error:  # pragma: no cover - the connection is already closed
                            pass
                deadlines = [w.deadline for w in self._watches if w.deadline is not None]
                wait = max(0.0, min(deadlines) - now) if deadlines else None
                if any(w.cancel is not None for w in self._watches):
                    wait = TICK if wait is None else min(wait, TICK)
                self._cv.wait(wait)


MONITOR = Monitor()


def _interrupted(why: list[str], limit: float | None) -> ShuzhiError | None:
    if why == ["timeout"]:
        return timeout_error(limit or 0)
    if why == ["cancelled"]:
        return ShuzhiError("query_cancelled", "查询已取消。", "The query was cancelled.", 499)
    return None


def _run(cur: duckdb.DuckDBPyConnection, sql: str, max_rows: int | None) -> pa.Table:
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
        """Run on a fresh cursor; the monitor interrupts it at the timeout or when `cancel` is set."""
        limit = timeout_s if timeout_s is not None else self.timeout_s
        with self.warehouse.cursor() as cur:
            w = MONITOR.watch(cur, limit, cancel) if (limit or cancel is not None) else None
            try:
                table = _run(cur, sql, max_rows)
            except duckdb.Error as exc:
                stopped = _interrupted(MONITOR.unwatch(w), limit) if w else None
                raise (stopped or translate_duckdb_error(exc, self.warehouse.path)) from None
            finally:
                why = MONITOR.unwatch(w) if w else []
            stopped = _interrupted(why, limit)
            if stopped is not None:  # interrupted: an answer that may be cut short is never returned
                raise stopped
            return table

    def stream(self, sql: str, *, batch_size: int = 65_536, max_rows: int | None = None,
               timeout_s: float | None = None, cancel: threading.Event | None = None) -> Iterator[pa.RecordBatch]:
        """Run on a fresh cursor and yield the answer in Arrow batches (exports: a million rows without
        holding them). At most `max_rows` rows. The timeout bounds the wait for the first batch (the
        query's own work); after that only `cancel` stops it, since the consumer sets the pace. The
        cursor is closed when the generator is exhausted or closed."""
        limit = timeout_s if timeout_s is not None else self.timeout_s
        with self.warehouse.cursor() as cur:
            w = MONITOR.watch(cur, limit, cancel)
            started = False
            try:
                rel = cur.sql(sql)
                if rel is None:
                    return
                n = 0
                for batch in rel.to_arrow_reader(batch_size=batch_size):
                    if w.why:  # interrupted: a stream cut short never looks complete
                        break
                    if not started:
                        started = True
                        MONITOR.no_deadline(w)
                    if max_rows is not None and n + batch.num_rows > max_rows:
                        batch = batch.slice(0, max_rows - n)
                    n += batch.num_rows
                    yield batch
                    if max_rows is not None and n >= max_rows:
                        return
                stopped = _interrupted(MONITOR.unwatch(w), limit)
                if stopped is not None:
                    raise stopped
            except duckdb.Error as exc:
                raise (_interrupted(MONITOR.unwatch(w), limit) or translate_duckdb_error(exc, self.warehouse.path)
                       ) from None
            finally:
                MONITOR.unwatch(w)
