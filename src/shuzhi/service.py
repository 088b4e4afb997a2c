"""The query pipeline, written down once: spec → resolve → compile → run → result.

Every consumer (API, CLI, later dashboards, NL answers, alerts) calls run_query(); security (row
and column rules) is applied inside compile, so nothing can bypass it.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Protocol

import pyarrow as pa

from shuzhi.compile import compile_query
from shuzhi.compile.context import CompiledQuery
from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext, resolve


class Engine(Protocol):
    dialect: str

    def execute(self, sql: str, *, max_rows: int | None = None) -> pa.Table: ...


def plan_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
               dialect: str = "duckdb") -> CompiledQuery:
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    rq = resolve(qs, index, user, today)
    return compile_query(rq, dialect)


def run_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
              engine: Engine, *, max_rows: int | None = None) -> QueryResult:
    t0 = time.perf_counter()
    compiled = plan_query(spec, index, user, today, engine.dialect)
    t1 = time.perf_counter()
    table = engine.execute(compiled.sql, max_rows=(max_rows + 1) if max_rows else None)
    t2 = time.perf_counter()
    truncated = bool(max_rows) and table.num_rows > (max_rows or 0)
    if truncated:
        table = table.slice(0, max_rows)
    names = [c["name"] for c in compiled.columns]
    if table.column_names != names:
        table = table.rename_columns(names)
    return QueryResult(table, compiled.columns, compiled.sql,
                       timings_ms={"compile": round((t1 - t0) * 1000, 2), "execute": round((t2 - t1) * 1000, 2)},
                       truncated=truncated)
