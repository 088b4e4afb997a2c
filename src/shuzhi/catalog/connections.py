"""Catalog records of database connections, the tables picked from them, and refresh runs.

Invariants
- `DbConnection.secret` holds only a Fernet token made by shuzhi.auth.secrets (never the password);
  this module never sees plaintext: callers pass the sealed string in and read it out.
- A picked table (`SourceTable`) is either mode "extract" (copied into the warehouse table
  `target_table`, unique across the catalog) or "direct" (queried live through a model whose
  `connection` is this connection; no warehouse copy).
- `source_columns` is the source's column list [{"name", "type"}] as of the last good refresh (or the
  pick); `columns` is the subset the extract copies (None: all, so added columns are taken in).
- `watermark` is {"type": "int" | "float" | "datetime" | "date" | "str", "value": str} or None; it only
  moves forward when a refresh succeeds.
- A RefreshRun is written "running" when a refresh starts and finished exactly once (succeeded or
  failed with {"code", "zh", "en"}); history is append-only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.sources.databases import ConnectionParts

NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MODES = ("extract", "direct")
REFRESH_MODES = ("full", "incremental")
INCREMENTAL_KINDS = ("key", "updated_at")


class DbConnection(Base):
    __tablename__ = "db_connections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    label: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    host: Mapped[str | None] = mapped_column(String(255))
    port: Mapped[int | None] = mapped_column(Integer)
    database: Mapped[str | None] = mapped_column(String(512))
    username: Mapped[str | None] = mapped_column(String(128))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    secret: Mapped[str | None] = mapped_column(Text)  # Fernet token of the password
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))

    @property
    def parts(self) -> ConnectionParts:
        return ConnectionParts(self.kind, self.host, self.port, self.database, self.username,
                               dict(self.options or {}))


class SourceTable(Base):
    __tablename__ = "source_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("db_connections.id", ondelete="CASCADE"), nullable=False)
    source_schema: Mapped[str | None] = mapped_column(String(128))
    source_table: Mapped[str] = mapped_column(String(256), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    target_table: Mapped[str | None] = mapped_column(String(64), unique=True)
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    source_columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    primary_key: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    refresh_mode: Mapped[str] = mapped_column(String(16), nullable=False, default="full")
    incremental_column: Mapped[str | None] = mapped_column(String(128))
    incremental_kind: Mapped[str | None] = mapped_column(String(16))
    watermark: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    last_refresh_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))
    schema_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_source_tables_connection", "connection_id"),)

    @property
    def qualified_source(self) -> str:
        return f"{self.source_schema}.{self.source_table}" if self.source_schema else self.source_table


class RefreshRun(Base):
    __tablename__ = "refresh_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_table_id: Mapped[int] = mapped_column(ForeignKey("source_tables.id", ondelete="CASCADE"), nullable=False)
    job_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # full | incremental
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rows_read: Mapped[int | None] = mapped_column(BigInteger)
    rows_total: Mapped[int | None] = mapped_column(BigInteger)
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    watermark_before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    watermark_after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    schema_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    triggered_by: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(160))  # the process running it (shuzhi.owners)

    __table_args__ = (Index("ix_refresh_runs_table_started", "source_table_id", "started_at"),)


# -- connections ---------------------------------------------------------------------------
def check_name(name: str, what_zh: str = "连接名", what_en: str = "connection name") -> str:
    n = (name or "").strip()
    if not NAME_RE.match(n):
        raise ShuzhiError("name_invalid", f"{what_zh}「{name}」无效：请用小写字母、数字和下划线，字母或下划线开头。",
                          f"The {what_en} '{name}' is invalid: use lower-case letters, digits and _, "
                          "starting with a letter or _.")
    return n


def _not_found(what_zh: str, what_en: str, ref: object) -> ShuzhiError:
    return ShuzhiError(f"{what_en.replace(' ', '_')}_not_found", f"找不到{what_zh}「{ref}」。",
                       f"No {what_en} '{ref}'.", 404)


def get_connection(db: Session, ref: int | str) -> DbConnection:
    """By id (an int or a string of digits) or by name."""
    if isinstance(ref, int) or str(ref).isdigit():
        rec = db.get(DbConnection, int(ref))
    else:
        rec = db.scalar(select(DbConnection).where(DbConnection.name == str(ref)))
    if rec is None:
        raise _not_found("数据库连接", "connection", ref)
    return rec


def list_connections(db: Session) -> list[DbConnection]:
    return list(db.scalars(select(DbConnection).order_by(DbConnection.name)))


def create_connection(db: Session, name: str, parts: ConnectionParts, sealed_secret: str | None, *,
                      label: str | None = None, actor: str | None = None) -> DbConnection:
    name = check_name(name)
    if db.scalar(select(DbConnection.id).where(DbConnection.name == name)) is not None:
        raise ShuzhiError("connection_exists", f"已存在名为「{name}」的连接。",
                          f"A connection named '{name}' already exists.", 409)
    rec = DbConnection(name=name, label=label, kind=parts.kind, host=parts.host, port=parts.port,
                       database=parts.database, username=parts.username, options=dict(parts.options),
                       secret=sealed_secret, created_by=actor)
    db.add(rec)
    db.flush()
    return rec


def update_connection(db: Session, rec: DbConnection, parts: ConnectionParts | None = None, *,
                      sealed_secret: str | None = None, clear_secret: bool = False,
                      label: str | None = None) -> DbConnection:
    if parts is not None:
        rec.kind, rec.host, rec.port = parts.kind, parts.host, parts.port
        rec.database, rec.username, rec.options = parts.database, parts.username, dict(parts.options)
    if sealed_secret is not None:
        rec.secret = sealed_secret
    elif clear_secret:
        rec.secret = None
    if label is not None:
        rec.label = label or None
    rec.updated_at = utcnow()
    db.flush()
    return rec


def delete_connection(db: Session, rec: DbConnection) -> None:
    n = db.scalar(select(SourceTable.id).where(SourceTable.connection_id == rec.id).limit(1))
    if n is not None:
        raise ShuzhiError("connection_in_use", f"连接「{rec.name}」还有已选的表，请先移除它们（shuzhi extract remove）。",
                          f"The connection '{rec.name}' still has picked tables; remove them first.", 409)
    db.delete(rec)
    db.flush()


# -- picked tables -------------------------------------------------------------------------
def get_source_table(db: Session, ref: int | str) -> SourceTable:
    """By id or by warehouse table name (target_table)."""
    if isinstance(ref, int) or str(ref).isdigit():
        rec = db.get(SourceTable, int(ref))
    else:
        rec = db.scalar(select(SourceTable).where(SourceTable.target_table == str(ref)))
    if rec is None:
        raise _not_found("抽取表", "extract", ref)
    return rec


def list_source_tables(db: Session, connection_id: int | None = None) -> list[SourceTable]:
    q = select(SourceTable).order_by(SourceTable.id)
    if connection_id is not None:
        q = q.where(SourceTable.connection_id == connection_id)
    return list(db.scalars(q))


def add_source_table(db: Session, conn: DbConnection, *, schema: str | None, table: str, mode: str,
                     target: str | None, columns: list[str] | None, source_columns: list[dict[str, Any]],
                     primary_key: list[str], refresh_mode: str, incremental_column: str | None,
                     incremental_kind: str | None, actor: str | None) -> SourceTable:
    """Record a picked table; the caller has checked the columns against the source."""
    if mode not in MODES:
        raise ShuzhiError("extract_mode_invalid", "模式只能是 extract（抽取）或 direct（直连）。",
                          "The mode must be extract or direct.")
    if mode == "extract":
        target = check_name(target or "", "仓库表名", "warehouse table name")
        if db.scalar(select(SourceTable.id).where(SourceTable.target_table == target)) is not None:
            raise ShuzhiError("extract_target_exists", f"仓库表「{target}」已被另一个抽取使用。",
                              f"The warehouse table '{target}' is already used by another extract.", 409)
    else:
        target = None
        dup = db.scalar(select(SourceTable.id).where(
            SourceTable.connection_id == conn.id, SourceTable.mode == "direct",
            SourceTable.source_table == table,
            SourceTable.source_schema.is_(None) if schema is None else SourceTable.source_schema == schema))
        if dup is not None:
            raise ShuzhiError("direct_table_exists", f"表 {table} 已以直连模式添加。",
                              f"The table {table} is already added in direct mode.", 409)
    rec = SourceTable(connection_id=conn.id, source_schema=schema, source_table=table, mode=mode,
                      target_table=target, columns=columns, source_columns=source_columns,
                      primary_key=primary_key, refresh_mode=refresh_mode if mode == "extract" else "full",
                      incremental_column=incremental_column, incremental_kind=incremental_kind,
                      created_by=actor)
    db.add(rec)
    db.flush()
    return rec


# -- refresh runs --------------------------------------------------------------------------
def start_run(db: Session, st: SourceTable, kind: str, *, job_id: int | None, actor: str | None,
              owner: str | None = None) -> RefreshRun:
    run = RefreshRun(source_table_id=st.id, kind=kind, job_id=job_id, triggered_by=actor,
                     watermark_before=st.watermark, status="running", owner=owner)
    db.add(run)
    db.flush()
    return run


def list_runs(db: Session, source_table_id: int, limit: int = 50) -> list[RefreshRun]:
    return list(db.scalars(select(RefreshRun).where(RefreshRun.source_table_id == source_table_id)
                           .order_by(RefreshRun.id.desc()).limit(limit)))


INTERRUPTED = {"code": "refresh_interrupted", "zh": "刷新被中断（运行它的进程已退出），已保留上次的数据。",
               "en": "The refresh was interrupted (the process running it exited); the last good data is kept."}


def interrupt_orphan_runs(db: Session, orphan: Callable[[RefreshRun], bool]) -> list[int]:
    """End the running runs `orphan` picks (their process is gone) as interrupted; their extract's
    last status says so too. Returns the run ids (the startup sweep, shuzhi.runtime.recovery)."""
    done = []
    for run in db.scalars(select(RefreshRun).where(RefreshRun.status == "running")):
        if not orphan(run):
            continue
        run.status, run.finished_at, run.error = "interrupted", utcnow(), INTERRUPTED
        st = db.get(SourceTable, run.source_table_id)
        if st is not None:
            st.last_status = "interrupted"
        done.append(run.id)
    db.flush()
    return done
