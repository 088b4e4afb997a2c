"""The query pipeline, written down once: spec → resolve → compile → run → result.

Every consumer (API, CLI, later dashboards, NL answers, alerts) calls run_query(); security (row
and column rules) is applied inside compile, so nothing can bypass it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any, Protocol

import pyarrow as pa

from shuzhi.compile import compile_query
from shuzhi.compile.context import CompiledQuery
from shuzhi.engines.cache import ResultCache, cache_key
from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext, resolve


class Engine(Protocol):
    dialect: str

    def execute(self, sql: str, *, max_rows: int | None = None) -> pa.Table: ...


def _execute(engine: Engine, sql: str, max_rows: int | None, cancel: threading.Event | None) -> pa.Table:
    if cancel is not None and getattr(engine, "dialect", "") == "duckdb":
        return engine.execute(sql, max_rows=max_rows, cancel=cancel)  # type: ignore[call-arg]
    return engine.execute(sql, max_rows=max_rows)


def plan_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
               dialect: str = "duckdb") -> CompiledQuery:
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    rq = resolve(qs, index, user, today)
    return compile_query(rq, dialect)


def run_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
              engine: Engine, *, max_rows: int | None = None, cache: ResultCache | None = None,
              model_version: int = 0, data_version: str = "", cancel: threading.Event | None = None
              ) -> QueryResult:
    """Compile and run a spec. With a cache, identical requests (same spec, model version, user
    security context, data version, row cap and today) are answered from memory, and identical
    concurrent ones run once."""
    t0 = time.perf_counter()
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)

    def compute() -> QueryResult:
        c0 = time.perf_counter()
        compiled = compile_query(resolve(qs, index, user, today), engine.dialect)
        c1 = time.perf_counter()
        table = _execute(engine, compiled.sql, (max_rows + 1) if max_rows else None, cancel)
        c2 = time.perf_counter()
        truncated = bool(max_rows) and table.num_rows > (max_rows or 0)
        if truncated:
            table = table.slice(0, max_rows)
        names = [c["name"] for c in compiled.columns]
        if table.column_names != names:
            table = table.rename_columns(names)
        return QueryResult(table, compiled.columns, compiled.sql,
                           timings_ms={"compile": round((c1 - c0) * 1000, 2),
                                       "execute": round((c2 - c1) * 1000, 2)},
                           truncated=truncated)

    if cache is None:
        return compute()
    key = cache_key(qs.model_dump(mode="json", by_alias=True), index.model.name, model_version, user.role,
                    user.attributes, data_version, max_rows, today.isoformat(), engine.dialect)
    result, cached = cache.get_or_compute(key, compute)
    if not cached:
        return result
    hit = QueryResult(result.table, result.columns, result.sql, truncated=result.truncated, cached=True,
                      timings_ms={"total": round((time.perf_counter() - t0) * 1000, 3)})
    hit._rows = result.rows  # encode the rows once per cached result
    return hit


def stream_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
                 engine: Engine, *, max_rows: int | None = None, batch_size: int = 65_536,
                 cancel: threading.Event | None = None) -> tuple[CompiledQuery, Iterator[pa.RecordBatch]]:
    """Compile a spec as run_query does (row and column rules applied) and stream its answer in Arrow
    batches of at most `max_rows` rows in all, without the cache (exports). Compile errors raise here;
    the engine's own errors arrive with the first batch."""
    compiled = plan_query(spec, index, user, today, engine.dialect)
    stream = getattr(engine, "stream", None)
    if stream is None:
        batches = iter(engine.execute(compiled.sql, max_rows=max_rows).to_batches(max_chunksize=batch_size))
    elif getattr(engine, "dialect", "") == "duckdb":
        batches = stream(compiled.sql, batch_size=batch_size, max_rows=max_rows, cancel=cancel)
    else:
        batches = stream(compiled.sql, batch_size=batch_size, max_rows=max_rows)
    return compiled, batches
