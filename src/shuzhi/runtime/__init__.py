"""The process's shared resources: settings, the metadata catalog, the warehouse, model indexes, the
result cache, jobs and the scheduler. Use cases (query, ask, insights, alerts, ...) live in service/.

One Runtime per process. start() makes SHUZHI_HOME usable, applies catalog migrations and
creates the first admin on a fresh install; it returns that admin's generated password so the
caller can print it exactly once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuzhi import owners
from shuzhi.auth.users import ensure_first_admin
from shuzhi.catalog import Catalog
from shuzhi.catalog.semantic import current_version, get_model
from shuzhi.engines.cache import ResultCache
from shuzhi.engines.external import ExternalWarehouse, open_external
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError
from shuzhi.log import configure_logging
from shuzhi.model.index import ModelIndex
from shuzhi.runtime.events import Events
from shuzhi.runtime.jobs import JobRunner
from shuzhi.runtime.recovery import recover
from shuzhi.runtime.scheduler import ScheduleHandler, Scheduler
from shuzhi.settings import Settings

T = TypeVar("T")


@dataclass
class StartInfo:
    admin_created: bool = False  # this start created the first admin
    admin_password: str | None = None  # its generated password (None if SHUZHI_ADMIN_PASSWORD)


@dataclass
class Runtime:
    settings: Settings
    _catalog: Catalog | None = field(default=None, init=False)
    _warehouse: Warehouse | None = field(default=None, init=False)
    _external: ExternalWarehouse | None = field(default=None, init=False)
    _indexes: dict[tuple[str, int], ModelIndex] = field(default_factory=dict, init=False)
    _cache: ResultCache | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _jobs: JobRunner | None = field(default=None, init=False)
    _scheduler: Scheduler | None = field(default=None, init=False)
    events: Events = field(default_factory=Events, init=False)
    _attached: dict[str, Any] = field(default_factory=dict, init=False)  # the application layer's objects
    _wirings: set[str] = field(default_factory=set, init=False)  # layers above wired to this runtime
    _readable: list[Path] = field(default_factory=list, init=False)  # files / folders imports may read

    def start(self, *, with_logging: bool = True, create_admin: bool = True) -> StartInfo:
        s = self.settings
        s.ensure_home()
        if with_logging:
            configure_logging(s.logs_dir, s.log_level, s.log_json_stderr)
        if s.warehouse_url:
            self.external()  # an unreachable or unsuitable external warehouse fails here, not at the first query
        self.catalog.migrate()
        recover(self, server=False)  # jobs and refresh runs of dead processes end as interrupted
        info = StartInfo()
        if not create_admin:
            return info
        try:
            with self.catalog.start_lock(), self.catalog.session() as db:  # instances starting together
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
            path, ro = s.warehouse_path, read_only
            if s.warehouse_url:
                # The external warehouse holds the tables; this process's own scratch file only parses and
                # stages what imports, extracts and the demo then load there (engines/external_sync.py).
                s.scratch_dir.mkdir(parents=True, exist_ok=True)
                path, ro = s.scratch_dir / f"staging-{os.getpid()}.duckdb", False
                _sweep_scratch(s.scratch_dir, path)
            self._warehouse = Warehouse(
                path,
                read_only=ro,
                memory_limit=s.duckdb_memory_limit,
                threads=s.duckdb_threads,
                allowed_dirs=dirs,
                allowed_paths=paths,
            )
        return self._warehouse

    def external(self) -> ExternalWarehouse | None:
        """The external warehouse of SHUZHI_WAREHOUSE_URL (checked when first opened), or None: the
        embedded DuckDB file is the warehouse."""
        url = self.settings.warehouse_url
        if not url:
            return None
        if self._external is None:
            with self._lock:
                if self._external is None:
                    ext = open_external(url, timeout_s=self.settings.query_timeout_s)
                    try:
                        ext.check()
                    except BaseException:
                        ext.close()
                        raise
                    self._external = ext
        return self._external

    def published(self) -> Warehouse | ExternalWarehouse:
        """Where published tables live (tables(), has_table(), drop_table()): the external warehouse
        when set, else the embedded one."""
        return self.external() or self.warehouse()

    def data_version(self) -> str:
        """Changes whenever a published table changes (result caches key on it)."""
        ext = self.external()
        return ext.data_version() if ext is not None else self.warehouse(read_only=True).data_version

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
                    self._scheduler = Scheduler(self, period_s=self.settings.scheduler_period_s)
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
        sweep = getattr(self.external(), "sweep_stages", None)
        if sweep is not None:  # stage tables of loads that died on any instance of a shared external warehouse
            sweep()
        self.scheduler.start()

    def data_refreshed(self, tables: list[str], reason: str) -> None:
        """Announce that warehouse tables changed (imports, refreshes, datasets, demo). Cached results
        are dropped first, in every instance when they share a Redis (engines/redis_cache.py)."""
        self.cache.invalidate()
        self.events.emit("data_refreshed", {"tables": list(tables), "reason": reason})

    @property
    def cache(self) -> ResultCache:
        """The query result cache: in this process, or with SHUZHI_REDIS_URL an LRU in front of a
        Redis that every instance shares. "cache_invalidated" is emitted when another instance (or
        this one) invalidated it."""
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    self._cache = self._new_cache()
        return self._cache

    def _new_cache(self) -> ResultCache:
        s = self.settings
        size_of: Callable[[Any], int] = lambda r: int(r.table.nbytes) + len(r.sql) + 512  # noqa: E731
        if not s.redis_url:
            return ResultCache(s.cache_max_mb * 1024 * 1024, size_of=size_of)
        from shuzhi.auth.secrets import SecretBox
        from shuzhi.engines.redis_cache import RedisResultCache

        return RedisResultCache(s.redis_url, prefix=s.redis_prefix, ttl_s=s.redis_cache_ttl_s,
                                max_value_bytes=s.redis_cache_max_kb * 1024,
                                sign_key=SecretBox.from_settings(s).signing_key("result-cache"),
                                max_bytes=s.cache_max_mb * 1024 * 1024, size_of=size_of,
                                on_invalidated=lambda: self.events.emit("cache_invalidated", {}))

    # -- the application layer's process-wide objects -------------------------------------
    def attached(self, name: str, factory: Callable[[], T]) -> T:
        """The process-wide object `name` of a layer above (service/: the direct-query engine pool,
        question lexicons, conversations), created by `factory` on first use; close() closes it."""
        with self._lock:
            obj = self._attached.get(name)
            if obj is None:
                obj = self._attached[name] = factory()
        return obj  # type: ignore[no-any-return]

    def first_wiring(self, name: str) -> bool:
        """True the first time `name` asks (a layer above wiring itself to this runtime once, even
        across close() and start() again)."""
        with self._lock:
            first = name not in self._wirings
            self._wirings.add(name)
        return first

    def close(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()
        if self._jobs is not None:
            self._jobs.shutdown()
            self._jobs = None
        with self._lock:
            attached, self._attached = list(self._attached.values()), {}
        for obj in attached:
            close = getattr(obj, "close", None)
            if close is not None:
                close()
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._warehouse is not None:
            self._warehouse.close()
            if self.settings.warehouse_url:  # this process's scratch file
                for p in (self._warehouse.path, self._warehouse.path.with_name(self._warehouse.path.name + ".wal")):
                    p.unlink(missing_ok=True)
            self._warehouse = None
        if self._external is not None:
            self._external.close()
            self._external = None
        if self._catalog is not None:
            self._catalog.dispose()
            self._catalog = None


def _sweep_scratch(folder: Path, mine: Path) -> None:
    """Remove scratch files of processes that are gone (and a stale one of this pid)."""
    for f in folder.glob("staging-*.duckdb*"):
        pid = f.name.split("-", 1)[1].split(".", 1)[0]
        alive = pid.isdigit() and int(pid) != os.getpid() and owners.pid_exists(int(pid))
        if not alive or f.name.startswith(mine.name):
            f.unlink(missing_ok=True)
