"""The executor: where every QuerySpec of the application layer runs, bound to (model, user).

    ex = Executor.open(rt, user, purpose="ui")          # the default model
    result = ex.run({"metrics": ["revenue"]})

Invariants
- This module is the only place outside engines/ that constructs an engine (DuckDBEngine on the
  warehouse, SqlAlchemyEngine on a model's own connection in direct mode); tests/test_structure.py
  holds that.
- Engine choice follows the model: a model with a `connection` is answered live on that database
  (its compiled SQL in that database's dialect), every other model on the warehouse.
- Limits come from the named purpose (PURPOSES): "ui", "api", "export" cap rows at the settings'
  row_cap_*; "insight" and "alert" read whole series (their own limits bound the work).
  Every query has the settings' query timeout and stops when `cancel` is set (DuckDB).
- Answers go through the process's result cache unless use_cache=False or the model index is a
  candidate that is not saved (version -1); security (row and column rules) is applied inside
  compile (service.pipeline), so nothing here can bypass it.
- Direct engines are pooled per connection name (DirectEngines, one per process) and keyed by the
  connection's updated_at: a changed connection gets a new engine, a removed one fails clearly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy.orm import Session

from shuzhi.catalog import connections as store
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.profile import ExternalReader, Reader
from shuzhi.engines.sql_engine import SqlAlchemyEngine
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.service.pipeline import Engine, plan_query, run_query, stream_query
from shuzhi.sources.databases import KINDS, build_url, check_parts
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.compile.context import CompiledQuery
    from shuzhi.runtime import Runtime

# purpose -> the settings field of its row cap (None: no cap)
PURPOSES: dict[str, str | None] = {"ui": "row_cap_ui", "api": "row_cap_api", "export": "row_cap_export",
                                   "insight": None, "alert": None}


def row_cap(rt: Runtime, purpose: str) -> int | None:
    """The row cap of a named purpose."""
    if purpose not in PURPOSES:
        raise ShuzhiError("bad_purpose", f"未知的查询用途：{purpose}（可选 {'、'.join(PURPOSES)}）。",
                          f"Unknown query purpose: {purpose} (one of {', '.join(PURPOSES)}).", 500)
    name = PURPOSES[purpose]
    return None if name is None else int(getattr(rt.settings, name))


def warehouse_engine(rt: Runtime) -> Engine:
    """The warehouse's engine: the external warehouse's (SHUZHI_WAREHOUSE_URL, its own dialect) when
    set, else a DuckDB engine on the process's warehouse (read-only handle), with the settings' timeout."""
    ext = rt.external()
    if ext is not None:
        return ext.engine()
    return DuckDBEngine(rt.warehouse(read_only=True).open(), timeout_s=rt.settings.query_timeout_s)


@dataclass
class Executor:
    """Runs specs of one model for one user with the limits of one purpose."""

    rt: Runtime
    user: UserContext
    index: ModelIndex
    version: int  # the model version (-1: a candidate model that is not saved; never cached)
    purpose: str = "api"
    db: Session | None = None
    _engine: tuple[Engine, str] | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, rt: Runtime, user: UserContext, *, model: str | None = None, purpose: str = "api",
             db: Session | None = None, index: ModelIndex | None = None) -> Executor:
        """The executor of `model` (default: the default model) for `user`; `index` answers over a
        candidate model that is not saved (the metric editor's preview)."""
        row_cap(rt, purpose)  # an unknown purpose fails here
        if index is not None:
            return cls(rt, user, index, -1, purpose, db)
        idx, version = rt.model_index(model, db)
        return cls(rt, user, idx, version, purpose, db)

    @property
    def max_rows(self) -> int | None:
        return row_cap(self.rt, self.purpose)

    def engine(self) -> tuple[Engine, str]:
        """(engine, data version) of this model: its own connection in direct mode, else the warehouse.
        The data version carries the result cache's generation, which moves on whenever data changes
        in any instance (rt.data_refreshed; engines/redis_cache.py), so every cache keyed by it drops
        what it computed before."""
        if self._engine is None:
            conn = self.index.model.connection
            if conn:
                engine, version = direct_engines(self.rt).get(self.rt, conn, self.db)
            else:
                engine, version = warehouse_engine(self.rt), self.rt.data_version()
            self._engine = (engine, f"{version}|{self.rt.cache.generation}")
        return self._engine

    def run(self, spec: QuerySpec | dict[str, Any], *, use_cache: bool = True, cancel: threading.Event | None = None,
            index: ModelIndex | None = None) -> QueryResult:
        """Answer a QuerySpec as this executor's user (row and column rules applied).

        `index` answers over a variant of this executor's model version (e.g. with helper metrics
        derived from its own formulas); it shares the version, so its answers are cached too."""
        qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
        idx = index or self.index
        if self.version >= 0 and qs.model is not None and qs.model != idx.model.name:
            raise ShuzhiError("model_mismatch", f"查询的模型 {qs.model} 与执行器的模型 {idx.model.name} 不一致。",
                              f"The query's model {qs.model} is not the executor's model {idx.model.name}.", 500)
        engine, data_version = self.engine()
        cache = self.rt.cache if use_cache and self.version >= 0 else None
        return run_query(qs, idx, self.user, self.rt.settings.today_date(qs.timezone), engine,
                         max_rows=self.max_rows, cache=cache, model_version=self.version,
                         data_version=data_version, cancel=cancel)

    def rows(self, spec: QuerySpec | dict[str, Any], *, index: ModelIndex | None = None) -> list[dict[str, Any]]:
        """The answer's rows as dicts (insights and alerts read series this way)."""
        return self.run(spec, index=index).table.to_pylist()

    def stream(self, spec: QuerySpec | dict[str, Any], *, max_rows: int | None = None, batch_size: int = 65_536,
               cancel: threading.Event | None = None) -> tuple[CompiledQuery, Iterator[pa.RecordBatch]]:
        """The answer in Arrow batches (exports), never cached: at most `max_rows` rows (default: the
        purpose's cap). Row and column rules apply as in run()."""
        qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
        engine, _ = self.engine()
        cap = max_rows if max_rows is not None else self.max_rows
        return stream_query(qs, self.index, self.user, self.rt.settings.today_date(qs.timezone), engine,
                            max_rows=cap, batch_size=batch_size, cancel=cancel)

    def plan(self, spec: QuerySpec | dict[str, Any]) -> CompiledQuery:
        """The compiled SQL of a spec for this user, in this model's dialect, without running it."""
        qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
        engine, _ = self.engine()
        return plan_query(qs, self.index, self.user, self.rt.settings.today_date(qs.timezone), engine.dialect)


def raw_sql_warehouse(rt: Runtime) -> Any:
    """Where people's read-only SQL runs (the SQL page, `shuzhi sql`): the embedded DuckDB (its sandbox
    and a READ ONLY transaction), or a PostgreSQL warehouse (engines/sql_read_only.py: sqlglot-checked,
    published tables and known functions only, READ ONLY transaction). Either has read_query()."""
    ext = rt.external()
    if ext is None:
        return rt.warehouse(read_only=True).open()
    if not hasattr(ext, "read_query"):
        raise ShuzhiError(
            "sql_external_warehouse",
            "数据仓库在外部引擎（SHUZHI_WAREHOUSE_URL）上，Shuzhi 不在其上运行手写 SQL；请用该引擎自己的客户端和只读账号。",
            "The warehouse is on an external engine (SHUZHI_WAREHOUSE_URL); Shuzhi does not run hand-written SQL "
            "there. Use that engine's own client with a read-only account.", 409)
    return ext


@contextmanager
def warehouse_reader(rt: Runtime) -> Iterator[Reader]:
    """What engines.profile reads the data page's table list, first rows and column profile through:
    the external warehouse when set (SQL in its dialect), else a DuckDB cursor of the embedded one."""
    ext = rt.external()
    if ext is not None:
        yield ExternalReader(ext)
        return
    engine = DuckDBEngine(rt.warehouse(), timeout_s=rt.settings.query_timeout_s)
    with engine.reader() as cur:
        yield Reader(cur)


# -- direct query -------------------------------------------------------------------------------
class DirectEngines:
    """One SqlAlchemyEngine per connection name, rebuilt when the connection changes."""

    def __init__(self) -> None:
        self._engines: dict[str, tuple[str, SqlAlchemyEngine]] = {}
        self._lock = threading.Lock()

    def get(self, rt: Runtime, name: str, db: Session | None = None) -> tuple[SqlAlchemyEngine, str]:
        """The engine for connection `name` and a data version for the result cache (changes when the
        connection does, and every SHUZHI_DIRECT_CACHE_S seconds: live data may change any time)."""
        if db is None:
            with rt.catalog.session() as own:
                return self.get(rt, name, own)
        try:
            rec = store.get_connection(db, name)
        except ShuzhiError:
            raise ShuzhiError("model_connection_missing", f"模型使用的数据库连接「{name}」不存在。",
                              f"The model's database connection '{name}' does not exist.", 404) from None
        kind = KINDS[rec.kind]
        if kind.sql_dialect not in ("postgres", "mysql"):
            raise ShuzhiError("direct_unsupported", f"{kind.label} 暂不支持直连查询，请改用抽取模式。",
                              f"Direct query on {kind.label} is not supported yet; use extract mode.")
        stamp = rec.updated_at.isoformat()
        with self._lock:
            cached = self._engines.get(name)
        if cached is None or cached[0] != stamp:
            from shuzhi.auth.secrets import SecretBox

            parts = check_parts(rec.parts, rt.settings.allowed_dialects)
            password = SecretBox.from_settings(rt.settings).open(rec.secret) if rec.secret else None
            url = build_url(parts, password).render_as_string(hide_password=False)
            engine = SqlAlchemyEngine(url, timeout_s=rt.settings.query_timeout_s)
            with self._lock:
                old = self._engines.get(name)
                self._engines[name] = (stamp, engine)
            if old is not None:
                old[1].dispose()
            cached = (stamp, engine)
        bucket = int(time.time() // rt.settings.direct_cache_s) if rt.settings.direct_cache_s > 0 else time.time_ns()
        return cached[1], f"direct:{name}:{stamp}:{bucket}"

    def invalidate(self, name: str) -> None:
        with self._lock:
            old = self._engines.pop(name, None)
        if old is not None:
            old[1].dispose()

    def close(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for _, e in engines:
            e.dispose()


def direct_engines(rt: Runtime) -> DirectEngines:
    """The process's DirectEngines (created on first use, closed with the runtime)."""
    return rt.attached("direct_engines", DirectEngines)
