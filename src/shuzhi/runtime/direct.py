"""The engines that answer direct-mode queries: one per database connection, a process resource.

Invariants
- Engines are cached per connection name and keyed by the connection's updated_at: changing or
  removing a connection (service.connections) invalidates its engine, so the next query uses the
  new settings.
- The password is opened (shuzhi.auth.secrets) only to build the engine's URL; it is never logged.
- Runtime.direct_engines() holds the process's one DirectEngines; Runtime.close() disposes it.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shuzhi.auth.secrets import SecretBox
from shuzhi.catalog import connections as store
from shuzhi.engines.sql_engine import SqlAlchemyEngine
from shuzhi.errors import ShuzhiError
from shuzhi.sources.databases import KINDS, build_url, check_parts

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


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
