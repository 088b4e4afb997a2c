"""The process's shared resources: settings, the metadata catalog and the warehouse.

One Runtime per process. start() makes SHUZHI_HOME usable, applies catalog migrations and
creates the first admin on a fresh install; it returns that admin's generated password so the
caller can print it exactly once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuzhi.auth.users import ensure_first_admin
from shuzhi.catalog import Catalog
from shuzhi.catalog.semantic import current_version, get_model
from shuzhi.engines.cache import ResultCache
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError
from shuzhi.log import configure_logging
from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.runtime import wiring
from shuzhi.runtime.direct import DirectEngines
from shuzhi.runtime.events import Events
from shuzhi.runtime.jobs import JobRunner
from shuzhi.runtime.recovery import recover
from shuzhi.runtime.scheduler import ScheduleHandler, Scheduler
from shuzhi.service import run_query
from shuzhi.settings import Settings
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext


@dataclass
class StartInfo:
    admin_created: bool = False  # this start created the first admin
    admin_password: str | None = None  # its generated password (None if SHUZHI_ADMIN_PASSWORD)


@dataclass
class Runtime:
    settings: Settings
    _catalog: Catalog | None = field(default=None, init=False)
    _warehouse: Warehouse | None = field(default=None, init=False)
    _indexes: dict[tuple[str, int], ModelIndex] = field(default_factory=dict, init=False)
    _cache: ResultCache | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _lexicons: dict[tuple[str, int, Any, str], Any] = field(default_factory=dict, init=False)
    _conversations: dict[str, Any] = field(default_factory=dict, init=False)
    _jobs: JobRunner | None = field(default=None, init=False)
    _scheduler: Scheduler | None = field(default=None, init=False)
    events: Events = field(default_factory=Events, init=False)
    _wired: bool = field(default=False, init=False)
    _direct: DirectEngines | None = field(default=None, init=False)  # direct-query engines (runtime.direct)
    _readable: list[Path] = field(default_factory=list, init=False)  # files / folders imports may read

    def start(self, *, with_logging: bool = True, create_admin: bool = True) -> StartInfo:
        s = self.settings
        s.ensure_home()
        if with_logging:
            configure_logging(s.logs_dir, s.log_level, s.log_json_stderr)
        self.catalog.migrate()
        self._wire()
        recover(self, server=False)  # jobs and refresh runs of dead processes end as interrupted
        info = StartInfo()
        if not create_admin:
            return info
        try:
            with self.catalog.session() as db:
                info.admin_created, info.admin_password = ensure_first_admin(db, s.admin_password)
        except IntegrityError:
            # Another process created the first admin at the same moment: nothing to print.
            info = StartInfo()
        return info

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            s = self.settings
            self._catalog = Catalog(s.effective_metadata_url, pool_size=s.effective_metadata_pool_size,
                                    pool_timeout=s.metadata_pool_timeout_s)
        return self._catalog

    def warehouse(self, *, read_only: bool = False) -> Warehouse:
        """The process's warehouse handle (opened lazily, read-write unless asked otherwise), always
        sandboxed: DuckDB reads files only in SHUZHI_HOME/uploads and SHUZHI_HOME/tmp (where imports
        stage them) and the paths given to allow_reading() before it opens."""
        if self._warehouse is None:
            s = self.settings
            dirs, paths = self._sandbox_paths()
            self._warehouse = Warehouse(
                s.warehouse_path,
                read_only=read_only,
                memory_limit=s.duckdb_memory_limit,
                threads=s.duckdb_threads,
                allowed_dirs=dirs,
                allowed_paths=paths,
            )
        return self._warehouse

    def allow_reading(self, path: Path) -> None:
        """Let this process's warehouse read one more file, or every file under a folder (`shuzhi import
        FILE`: a path the shell user chose; tests: their data folder). Only before the warehouse
        opens: DuckDB's sandbox is fixed once configured."""
        wh = self._warehouse
        if wh is not None and wh.is_open and path not in (*wh.allowed_paths, *wh.allowed_dirs):
            raise ShuzhiError("warehouse_already_open", "数据仓库已打开，无法再允许读取新的文件。",
                              "The warehouse is already open; it cannot be allowed to read another file.", 500)
        self._readable.append(path)
        if wh is not None:
            wh.allowed_dirs, wh.allowed_paths = self._sandbox_paths()

    def _sandbox_paths(self) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
        s = self.settings
        dirs = (s.uploads_dir, s.home / "tmp")  # tmp: service/imports.py _workdir
        return (*dirs, *(p for p in self._readable if p.is_dir())), tuple(p for p in self._readable if not p.is_dir())

    def model_index(self, name: str | None = None, db: Session | None = None) -> tuple[ModelIndex, int]:
        """The current model (default: the default model), validated and indexed once per version."""
        if db is None:
            with self.catalog.session() as own:
                return self.model_index(name, own)
        key = current_version(db, name)
        idx = self._indexes.get(key)
        if idx is not None:
            return idx, key[1]
        model, version = get_model(db, key[0])
        key = (model.name, version)
        idx = ModelIndex.build(model)
        with self._lock:
            self._indexes = {k: v for k, v in self._indexes.items() if k[0] != model.name}
            self._indexes[key] = idx
        return idx, version

    def _wire(self) -> None:
        """Connect the areas that react to schedules and data changes, once per process (start()
        may run more than once). What to connect is registered from the application layer
        (runtime.wiring; shuzhi.service registers extract refreshes (schedule kind "refresh"),
        self-service datasets (refresh after their parents, kind "dataset") and alert rules (kind
        "alert", checks after data_refreshed))."""
        if self._wired:
            return
        self._wired = True
        for install in wiring.installers():
            install(self)

    # -- background work ---------------------------------------------------------------
    @property
    def jobs(self) -> JobRunner:
        """The process's job runner (imports, refreshes, materializations, alert checks)."""
        if self._jobs is None:
            with self._lock:
                if self._jobs is None:
                    self._jobs = JobRunner(self.catalog, home=self.settings.home)
        return self._jobs

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:
            with self._lock:
                if self._scheduler is None:
                    self._scheduler = Scheduler(self)
        return self._scheduler

    def register_schedule_kind(self, kind: str, handler: ScheduleHandler) -> None:
        """Let schedules of `kind` run `handler(rt, target, ctx)` as jobs."""
        self.scheduler.register(kind, handler)

    def scheduler_tick(self, now: Any = None) -> list[int]:
        """One scheduler pass: submit every due schedule; returns the job ids (tests call this)."""
        return self.scheduler.tick(now)

    def start_background(self) -> None:
        """For the server process, which owns the warehouse: end the work dead processes left
        unfinished and drop their stage tables (runtime.recovery), and start the scheduler loop."""
        recover(self, server=True)
        self.scheduler.start()

    def data_refreshed(self, tables: list[str], reason: str) -> None:
        """Announce that warehouse tables changed (imports, refreshes, datasets, demo)."""
        self.events.emit("data_refreshed", {"tables": list(tables), "reason": reason})

    def direct_engines(self) -> DirectEngines:
        """The engines of the database connections direct-mode models query (created on first use;
        service.connections invalidates one when its connection changes)."""
        with self._lock:
            if self._direct is None:
                self._direct = DirectEngines()
            return self._direct

    @property
    def cache(self) -> ResultCache:
        if self._cache is None:
            self._cache = ResultCache(self.settings.cache_max_mb * 1024 * 1024,
                                      size_of=lambda r: int(r.table.nbytes) + len(r.sql) + 512)
        return self._cache

    def row_cap(self, purpose: str) -> int:
        s = self.settings
        return {"ui": s.row_cap_ui, "api": s.row_cap_api, "export": s.row_cap_export}[purpose]

    def query(self, spec: Any, user: UserContext, *, purpose: str = "api", use_cache: bool = True,
              db: Session | None = None, cancel: threading.Event | None = None,
              index: ModelIndex | None = None) -> QueryResult:
        """Answer a QuerySpec on the warehouse for `user` (row and column rules applied).

        `index` answers over a candidate model that is not saved (the metric editor's preview);
        such answers are never cached."""
        qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
        if index is not None:
            idx, version, use_cache = index, -1, False
        else:
            idx, version = self.model_index(qs.model, db)
        if idx.model.connection:
            # Direct mode: the model's datasets live in a database connection; the compiled SQL (in
            # that database's dialect) runs there, live.
            engine, data_version = self.direct_engines().get(self, idx.model.connection, db)
        else:
            engine = DuckDBEngine(self.warehouse(read_only=True).open(), timeout_s=self.settings.query_timeout_s)
            data_version = engine.data_version
        today = self.settings.today_date(qs.timezone)
        return run_query(qs, idx, user, today, engine, max_rows=self.row_cap(purpose),
                         cache=self.cache if use_cache else None, model_version=version,
                         data_version=data_version, cancel=cancel)

    # -- natural-language questions ------------------------------------------------------
    def lexicon(self, name: str | None = None, db: Session | None = None, user: UserContext | None = None) -> Any:
        """The NL vocabulary of a model version and the dimension values `user` may see (default:
        the system, every value). Built once per model version, data version and rule signature
        (users whom the same rendered rules and column rules bind share one)."""
        from shuzhi.ai.nl import Lexicon
        from shuzhi.compile.row_scope import scope_signature

        idx, version = self.model_index(name, db)
        wh = self.warehouse(read_only=True).open()
        user = user or UserContext.system()
        key = (idx.model.name, version, wh.data_version, scope_signature(idx, user))
        with self._lock:
            cached = self._lexicons.get(key)
        if cached is not None:
            return cached
        with wh.cursor() as cur:
            lex = Lexicon.from_warehouse(idx, cur, user=user)
        with self._lock:
            # Older versions of this model go; at most 16 rule signatures of the current one stay.
            self._lexicons = {k: v for k, v in self._lexicons.items() if k[0] != key[0] or k[:3] == key[:3]}
            while len([k for k in self._lexicons if k[0] == key[0]]) >= 16:
                self._lexicons.pop(next(k for k in self._lexicons if k[0] == key[0]))
            self._lexicons[key] = lex
        return lex

    def ask(self, question: str, user: UserContext, *, conversation: str | None = None,
            db: Session | None = None) -> dict[str, Any]:
        """Answer a question: parse it over the model into a QuerySpec (never SQL), run that spec as
        `user` (row rules apply), and say how it was understood. Follow-ups refine the previous
        answer of the same conversation."""
        import uuid

        from shuzhi.ai.nl import parse_question
        from shuzhi.errors import ShuzhiError

        question = (question or "").strip()
        if not question or len(question) > 500:
            raise ShuzhiError("bad_question", "请输入 1–500 个字的问题。", "Ask a question of 1–500 characters.")
        lex = self.lexicon(None, db, user)
        key = f"{user.username}:{conversation}" if conversation else None
        with self._lock:
            previous = self._conversations.get(key) if key else None
        parsed = parse_question(question, lex, today=self.settings.today_date(), previous=previous)
        st = self.settings
        if st.llm_url and (parsed.spec is None or parsed.unknown):
            # Optional help from an OpenAI-compatible model; its spec is validated against the model
            # before use (never SQL), and the offline parser's answer stands when it fails.
            from shuzhi.ai.nl import recommend_chart
            from shuzhi.ai.nl.llm import llm_assist

            spec = llm_assist(question, lex, st.today_date(), url=st.llm_url, api_key=st.llm_api_key,
                              model=st.llm_model, timeout=st.llm_timeout_s)
            if spec is not None:
                parsed.spec = spec
                parsed.chart = recommend_chart(spec, index=lex.index)
                parsed.interpretation = [*parsed.interpretation, {
                    "kind": "source", "text": "由大模型辅助解析", "text_en": "interpreted with the LLM's help",
                    "value": "llm"}]
                parsed.confidence = min(parsed.confidence, 0.6) if parsed.confidence else 0.6
        conversation = conversation or uuid.uuid4().hex
        with self._lock:
            self._conversations[f"{user.username}:{conversation}"] = parsed
            while len(self._conversations) > 1000:
                self._conversations.pop(next(iter(self._conversations)))
        answer = {"conversation_id": conversation, **parsed.to_dict(), "result": None}
        if parsed.spec is not None:
            result = self.query(parsed.spec, user, purpose="ui", db=db)
            answer["result"] = result.to_json_obj()
        return answer

    def close(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()
        if self._jobs is not None:
            self._jobs.shutdown()
            self._jobs = None
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        if self._catalog is not None:
            self._catalog.dispose()
            self._catalog = None
