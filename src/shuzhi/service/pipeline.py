"""The query pipeline, written down once: spec → resolve → compile → run → result.

Every consumer (API, CLI, later dashboards, NL answers, alerts) calls run_query(); security (row
and column rules) is applied inside compile, so nothing can bypass it.

Compile cache: a compiled query is kept (bounded LRU, COMPILED_MAX entries) on the model index it was
compiled against, keyed by the normalized spec, the user's rule signature (role for column rules,
attributes for row rules), today and the dialect. A new model version is a new index object, so its
cache starts empty and the old one goes with the old index: no entry can outlive the model it was
compiled from. Errors are not kept (they are raised again on the next call).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
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


COMPILED_MAX = 2048  # compiled queries kept per model version


class IndexCache:
    """A bounded LRU of values derived from one model index (one model version) alone plus its key."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> Any | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return hit

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def index_cache(index: ModelIndex, name: str = "compiled", max_entries: int = COMPILED_MAX) -> IndexCache:
    """The cache `name` of this model index, made on first use: it lives and dies with the index, so
    nothing in it can outlive the model version it was derived from."""
    attr = f"_shuzhi_cache_{name}"
    found = vars(index).get(attr)
    if found is None:
        found = vars(index).setdefault(attr, IndexCache(max_entries))
    return found  # type: ignore[no-any-return]


def rule_signature(user: UserContext) -> tuple[str, dict[str, Any]]:
    """What row and column rules read of a user: compiled SQL and answers are shared only when equal."""
    return user.role, user.attributes


def _compiled(qs: QuerySpec, dumped: dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
              dialect: str) -> tuple[CompiledQuery, bool]:
    """(compiled query, from the cache) of a parsed spec whose model_dump is `dumped`."""
    cache = index_cache(index)
    key = cache_key("compiled", dumped, *rule_signature(user), today.isoformat(), dialect)
    hit = cache.get(key)
    if hit is not None:
        return CompiledQuery(hit.sql, hit.tree, [dict(c) for c in hit.columns], hit.dialect), True
    compiled = compile_query(resolve(qs, index, user, today), dialect)
    cache.put(key, CompiledQuery(compiled.sql, compiled.tree, [dict(c) for c in compiled.columns], compiled.dialect))
    return compiled, False


def plan_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
               dialect: str = "duckdb") -> CompiledQuery:
    """The compiled SQL of a spec for `user` (row and column rules applied), from the compile cache
    when this spec was compiled before for the same model version, rule signature, today and dialect."""
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    return _compiled(qs, qs.model_dump(mode="json", by_alias=True), index, user, today, dialect)[0]


def run_query(spec: QuerySpec | dict[str, Any], index: ModelIndex, user: UserContext, today: dt.date,
              engine: Engine, *, max_rows: int | None = None, cache: ResultCache | None = None,
              model_version: int = 0, data_version: str = "", cancel: threading.Event | None = None
              ) -> QueryResult:
    """Compile and run a spec. With a cache, identical requests (same spec, model version, user
    security context, data version, row cap and today) are answered from memory, and identical
    concurrent ones run once."""
    t0 = time.perf_counter()
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    dumped = qs.model_dump(mode="json", by_alias=True)

    def compute() -> QueryResult:
        c0 = time.perf_counter()
        compiled, _ = _compiled(qs, dumped, index, user, today, engine.dialect)
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
    key = cache_key(dumped, index.model.name, model_version, user.role,
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
