"""Open the metadata catalog and keep its schema current.

Catalog(url).migrate() applies every Alembic revision up to head; it is called on every start
(serve and each CLI command that touches metadata), so an upgraded install migrates itself.
On PostgreSQL the upgrade holds an advisory lock, so several API instances starting together
migrate once (on SQLite a file lock beside the database does the same for processes on one machine).
"""

from __future__ import annotations

import ast
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    from alembic.config import Config

try:
    import fcntl
except ImportError:  # not POSIX: SQLite migrations are then serialized per process only
    fcntl = None  # type: ignore[assignment]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATE_LOCK = threading.Lock()
_PG_MIGRATION_LOCK = 7_342_001  # arbitrary constant for pg_advisory_lock
_PG_START_LOCK = 7_342_003  # (7_342_002: login throttling, auth/throttle.py)


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid url>"


def default_pool_size() -> int:
    """Without settings (CLI helpers, tests): enough for the default worker threads of this machine."""
    cpus = max(1, os.cpu_count() or 1)
    return (2 * cpus + 6) + 2 * cpus + 4


class Catalog:
    """The metadata store. Pool invariant: `pool_size` is at least the number of threads that may
    use the catalog at once (the server passes worker threads + dashboard query threads + a few),
    so a thread waits for a connection only when that bound is exceeded, and then at most
    `pool_timeout` seconds before a 503 "metadata_busy" (never a hang)."""

    def __init__(self, url: str, *, pool_size: int | None = None, pool_timeout: float = 10.0) -> None:
        self.url = url
        self.pool_size = pool_size or default_pool_size()
        self.pool_timeout = pool_timeout
        self._ping_engine: Engine | None = None
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ShuzhiError(
                "metadata_url_invalid",
                "SHUZHI_METADATA_URL 不是有效的数据库地址（例如 postgresql+psycopg://user@host/db）。",
                "SHUZHI_METADATA_URL is not a valid database URL (e.g. postgresql+psycopg://user@host/db).",
            ) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # pre-ping (a round trip per checkout) only where connections can go stale: a server.
        kwargs: dict = {"pool_pre_ping": self.dialect != "sqlite", "pool_size": self.pool_size, "max_overflow": 4,
                        "pool_timeout": pool_timeout}
        if self.dialect == "sqlite":
            if parsed.database in (None, "", ":memory:"):
                kwargs = {}  # an in-memory database keeps SQLAlchemy's own pool
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        elif self.dialect != "postgresql":
            raise ShuzhiError(
                "metadata_dialect_unsupported",
                f"元数据库只支持 SQLite 和 PostgreSQL，不支持 {self.dialect}。",
                f"The metadata store supports SQLite and PostgreSQL, not {self.dialect}.",
            )
        try:
            self.engine: Engine = create_engine(parsed, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise ShuzhiError(
                "metadata_url_invalid",
                f"无法使用元数据库地址 {_redact(url)}：{exc}",
                f"Cannot use the metadata URL {_redact(url)}: {exc}",
            ) from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- schema --------------------------------------------------------------------------
    def _alembic_config(self) -> Config:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        return cfg

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision (idempotent). A catalog already at the newest
        revision (every start but the first after an upgrade) is told apart with one query, without
        loading Alembic: a CLI command starts half a second sooner."""
        if self.at_head():
            return
        from alembic import command

        cfg = self._alembic_config()
        # Alembic keeps its migration context in module globals: one upgrade per process at a time.
        # Across processes (instances starting together): an advisory lock on PostgreSQL, a file lock
        # beside a SQLite file; the upgrade that waited finds the schema current and does nothing.
        with _MIGRATE_LOCK, self._file_lock():
            try:
                with self.engine.begin() as conn:
                    if self.dialect == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "heads")
            except (OperationalError, DatabaseError) as exc:
                raise self._unavailable(exc) from None

    @contextmanager
    def start_lock(self) -> Iterator[None]:
        """Held around first-start work besides migrations (the first admin), so that instances
        starting together do it one after another: a session advisory lock on PostgreSQL, the file
        lock beside a SQLite file (where a deferred transaction that read before another committed
        could not write at all: "database is locked")."""
        if self.dialect != "postgresql":
            with self._file_lock():
                yield
            return
        try:
            conn = self.engine.connect()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_START_LOCK})
        except (OperationalError, DatabaseError) as exc:
            raise self._unavailable(exc) from None
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_START_LOCK})
                conn.commit()
            finally:
                conn.close()

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        db = make_url(self.url).database if self.dialect == "sqlite" else None
        if not db or db == ":memory:" or fcntl is None:
            yield
            return
        with open(f"{db}.migrate.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def at_head(self) -> bool:
        """Whether the schema is at the newest revision (one query; Alembic is not loaded)."""
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).fetchall()
        except (OperationalError, DatabaseError):  # a new catalog (no table yet) or an unreachable one: migrate says
            return False
        return {r[0] for r in rows} == migration_heads()

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
        return ",".join(sorted(heads)) if heads else None

    def head_revision(self) -> str | None:
        """The newest revision (a merge revision joins the branches that areas add in parallel)."""
        from alembic.script import ScriptDirectory

        heads = ScriptDirectory.from_config(self._alembic_config()).get_heads()
        return ",".join(sorted(heads)) if heads else None

    def _unavailable(self, exc: Exception) -> ShuzhiError:
        msg = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        if "file is not a database" in msg or "malformed" in msg:
            return ShuzhiError(
                "metadata_corrupt",
                f"元数据库 {_redact(self.url)} 已损坏或不是数据库文件。请从备份恢复，或移走它后重新启动。",
                f"The metadata store {_redact(self.url)} is corrupt or not a database. Restore a backup, "
                "or move it away and start again.",
                500,
            )
        if "readonly" in msg or "read-only" in msg or "unable to open" in msg:
            return ShuzhiError(
                "metadata_not_writable",
                f"无法写入元数据库 {_redact(self.url)}：{msg}。请检查 SHUZHI_HOME 的权限。",
                f"Cannot write the metadata store {_redact(self.url)}: {msg}. Check SHUZHI_HOME permissions.",
                500,
            )
        if isinstance(exc, PoolTimeout):
            return ShuzhiError(
                "metadata_busy",
                f"服务器繁忙：{self.pool_timeout:g} 秒内没有空闲的元数据库连接，请稍后重试。",
                f"The server is busy: no metadata connection was free within {self.pool_timeout:g} s; "
                "try again shortly.",
                503,
                headers={"Retry-After": "2"},
            )
        return ShuzhiError(
            "metadata_unavailable",
            f"无法连接元数据库 {_redact(self.url)}：{msg}",
            f"Cannot reach the metadata store {_redact(self.url)}: {msg}",
            503,
        )

    # -- sessions ------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except (OperationalError, PoolTimeout) as exc:
            s.rollback()
            raise self._unavailable(exc) from None
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._ping_engine is not None:
            self._ping_engine.dispose()

    def ping(self) -> bool:
        """Can the store be reached? Uses a connection of its own (NullPool), never one of the
        request pool, so /health answers even when every pooled connection is busy."""
        if self._ping_engine is None:
            args = {"check_same_thread": False, "timeout": 2} if self.dialect == "sqlite" else {"connect_timeout": 2}
            self._ping_engine = create_engine(self.engine.url, poolclass=NullPool, connect_args=args)
        try:
            with self._ping_engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False


_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)


def migration_heads() -> set[str]:
    """The revisions no other revision builds on, read from the revision files' own `revision` and
    `down_revision` lines (Alembic reads the same lines; tests/catalog checks both agree)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_ASSIGN.findall(f.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(ast.literal_eval(found["revision"].strip()))
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        parents.update((down,) if isinstance(down, str) else (down or ()))
    return revisions - parents


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    for pragma in ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=30000"):
        dbapi_conn.execute(pragma).close()  # sqlite3: a connection runs a statement on a cursor of its own
