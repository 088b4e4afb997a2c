"""An external warehouse on PostgreSQL or a MySQL-protocol engine (MySQL, MariaDB; Doris and StarRocks
through their MySQL protocol), implementing engines.external.ExternalWarehouse.

Invariants
- Queries run through one pooled SqlAlchemyEngine (engine()); writes through short transactions on
  the same SQLAlchemy pool. Every statement is a sqlglot tree with quoted identifiers rendered for
  this warehouse's dialect; rows travel as bound data (PostgreSQL COPY, executemany), never as SQL.
- load() writes a stage table `_shuzhi_stage_<hex>`, then swaps it in: PostgreSQL drops the old
  table and renames the stage in one transaction (DDL is transactional there); MySQL renames both in
  one RENAME TABLE statement (atomic), then drops the old one. A failed load drops its stage.
- `_shuzhi_versions` (created by check()) holds one counter row '*' bumped on every load and drop,
  in the same transaction on PostgreSQL; data_version() reads it, so every process sharing the
  warehouse sees the same version. Tables named `_shuzhi_*` are Shuzhi's own and never listed.
- Connection and permission problems become ShuzhiError (zh + en) naming the URL without its
  password (url_safe); the password is never logged or shown.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlglot import exp

from shuzhi.engines import sql_read_only
from shuzhi.engines.sql_engine import SqlAlchemyEngine, _driver_errors
from shuzhi.engines.sql_load import column_type, copy_out, write_batch
from shuzhi.engines.warehouse import ReadResult
from shuzhi.errors import ShuzhiError

OWN_PREFIX = "_shuzhi_"
STAGE_PREFIX = "_shuzhi_stage_"
VERSIONS = "_shuzhi_versions"
STALE_STAGE_S = 24 * 3600  # a stage table this old belongs to a load that died


def _stage_name() -> str:
    return f"{STAGE_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}"


def _bad_url(url_safe: str, why: str) -> ShuzhiError:
    return ShuzhiError("warehouse_url_invalid", f"SHUZHI_WAREHOUSE_URL 无效（{url_safe}）：{why}",
                       f"SHUZHI_WAREHOUSE_URL is not valid ({url_safe}): {why}")


def safe_url(url: str) -> str:
    """The URL with its password hidden (or a placeholder when it cannot be parsed)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparsable URL>"


def _tbl(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True))


class SqlWarehouse:
    """ExternalWarehouse on PostgreSQL (postgresql+psycopg://) or a MySQL-protocol engine (mysql+pymysql://)."""

    def __init__(self, url: str, *, timeout_s: float | None = 60.0) -> None:
        self.url_safe = safe_url(url)
        try:
            backend = make_url(url).get_backend_name()
        except (ArgumentError, ValueError):
            raise _bad_url(self.url_safe, "无法解析 / cannot be parsed") from None
        if backend not in ("postgresql", "mysql", "mariadb"):
            raise _bad_url(self.url_safe, f"不支持的数据库 {backend} / unsupported database {backend}")
        try:
            self._engine = SqlAlchemyEngine(url, timeout_s=timeout_s)
        except (ImportError, ArgumentError, SQLAlchemyError) as exc:
            raise ShuzhiError(
                "warehouse_driver_missing",
                f"无法为 {self.url_safe} 创建连接（{type(exc).__name__}）：请确认驱动已安装（psycopg 或 pymysql）。",
                f"Cannot create a connection for {self.url_safe} ({type(exc).__name__}): check that its driver "
                "(psycopg or pymysql) is installed.") from None
        self.dialect = self._engine.dialect
        self.sa = self._engine.engine

    # -- connections ---------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One transaction, errors translated."""
        try:
            with self.sa.begin() as conn:
                yield conn
        except ShuzhiError:
            raise
        except (SQLAlchemyError, *_driver_errors()) as exc:
            raise self._error(exc) from None

    def _error(self, exc: BaseException) -> ShuzhiError:
        orig = getattr(exc, "orig", None) or exc
        msg = (str(orig).strip().splitlines() or [type(exc).__name__])[0][:300]
        return ShuzhiError("warehouse_failed", f"外部数据仓库 {self.url_safe} 出错：{msg}",
                           f"The external warehouse {self.url_safe} failed: {msg}", 502)

    def _sql(self, e: exp.Expression) -> str:
        return e.sql(dialect=self.dialect)

    def _run(self, conn: Connection, e: exp.Expression | str) -> Any:
        return conn.exec_driver_sql(e if isinstance(e, str) else self._sql(e))

    # -- the contract ----------------------------------------------------------------------
    def check(self) -> None:
        probe = _stage_name()
        try:
            with self.sa.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
                flavour = "" if self.dialect == "postgres" else \
                    str(conn.exec_driver_sql("SELECT @@version_comment").scalar() or "")
        except (SQLAlchemyError, *_driver_errors()) as exc:
            orig = getattr(exc, "orig", None) or exc
            msg = (str(orig).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ShuzhiError(
                "warehouse_unreachable",
                f"无法连接外部数据仓库 {self.url_safe}（SHUZHI_WAREHOUSE_URL）：{msg}。请检查地址、端口、数据库名和账号。",
                f"Cannot connect to the external warehouse {self.url_safe} (SHUZHI_WAREHOUSE_URL): {msg}. "
                "Check the host, port, database name and account.", 503) from None
        engine = next((e for e in ("Doris", "StarRocks") if e.lower() in flavour.lower()), None)
        if engine is not None:
            raise ShuzhiError(
                "warehouse_engine_unsupported",
                f"{engine}（{self.url_safe}）暂不能作为 Shuzhi 的数据仓库：它的建表和原子换表语句与 MySQL 不同，尚未支持和测试。"
                f"请用 PostgreSQL、MySQL 或 MariaDB 作仓库；{engine} 可作为数据源（直连查询或抽取）。",
                f"{engine} ({self.url_safe}) cannot be Shuzhi's warehouse yet: its CREATE TABLE and atomic table swap "
                f"differ from MySQL's and are not supported or tested. Use PostgreSQL, MySQL or MariaDB as the "
                f"warehouse; {engine} works as a data source (direct query or extract).")
        other = _stage_name()
        try:
            with self.sa.begin() as conn:  # the write path of every load: create, swap over an existing table, drop
                for name in (probe, other):
                    self._run(conn, exp.Create(this=exp.Schema(this=_tbl(name), expressions=[
                        exp.ColumnDef(this=exp.to_identifier("x", quoted=True), kind=exp.DataType.build("INT"))]),
                        kind="TABLE"))
                self._swap(conn, probe, other)
                self._run(conn, exp.Drop(tables=[_tbl(other)], kind="TABLE", exists=True))
            self._ensure_versions()
        except (SQLAlchemyError, *_driver_errors()) as exc:
            orig = getattr(exc, "orig", None) or exc
            msg = (str(orig).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ShuzhiError(
                "warehouse_cannot_write",
                f"外部数据仓库 {self.url_safe} 不允许 Shuzhi 建表、改名或删表：{msg}。请授予该账号在此库中的这些权限。",
                f"The external warehouse {self.url_safe} does not let Shuzhi create, rename or drop tables: {msg}. "
                "Grant the account those rights on this database.", 503) from None

    def _ensure_versions(self) -> None:
        """Create `_shuzhi_versions` and its counter row once; instances starting together may race here
        (PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against that), so a lost race is checked again."""
        try:
            with self.sa.begin() as conn:
                if not self._exists(conn, VERSIONS):
                    self._run(conn, exp.Create(this=exp.Schema(this=_tbl(VERSIONS), expressions=[
                        exp.ColumnDef(this=exp.to_identifier("name", quoted=True),
                                      kind=exp.DataType.build("VARCHAR(200)"),
                                      constraints=[exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint())]),
                        exp.ColumnDef(this=exp.to_identifier("version", quoted=True),
                                      kind=exp.DataType.build("BIGINT"))]), kind="TABLE", exists=True))
        except (SQLAlchemyError, *_driver_errors()):
            with self.sa.connect() as conn:
                if not self._exists(conn, VERSIONS):
                    raise
        v = self._q(VERSIONS)
        insert = (f"INSERT INTO {v} (name, version) VALUES (:n, 0) ON CONFLICT DO NOTHING"  # noqa: S608
                  if self.dialect == "postgres" else f"INSERT IGNORE INTO {v} (name, version) VALUES (:n, 0)")  # noqa: S608
        with self.sa.begin() as conn:
            conn.execute(text(insert), {"n": "*"})

    def _q(self, name: str) -> str:
        return exp.to_identifier(name, quoted=True).sql(dialect=self.dialect)

    def _bump(self, conn: Connection, name: str) -> None:
        """Bump the shared counter (a row lock serializes writers) and note it against `name`."""
        v = self._q(VERSIONS)
        conn.execute(text(f"UPDATE {v} SET version = version + 1 WHERE name = :n"), {"n": "*"})  # noqa: S608 - quoted identifier
        new = conn.execute(text(f"SELECT version FROM {v} WHERE name = :n"), {"n": "*"}).scalar()  # noqa: S608
        if conn.execute(text(f"UPDATE {v} SET version = :v WHERE name = :n"), {"v": new, "n": name}).rowcount == 0:  # noqa: S608
            conn.execute(text(f"INSERT INTO {v} (name, version) VALUES (:n, :v)"), {"n": name, "v": new})  # noqa: S608

    def engine(self) -> SqlAlchemyEngine:
        return self._engine

    def _exists(self, conn: Connection, name: str) -> bool:
        return name in self._names(conn)

    def _names(self, conn: Connection) -> list[str]:
        schema = "current_schema()" if self.dialect == "postgres" else "database()"
        rows = conn.exec_driver_sql(
            f"SELECT table_name FROM information_schema.tables WHERE table_schema = {schema}").fetchall()  # noqa: S608 - constant
        return sorted(str(r[0]) for r in rows)

    def tables(self) -> list[str]:
        with self._tx() as conn:
            return [n for n in self._names(conn) if not n.startswith(OWN_PREFIX)]

    def has_table(self, name: str) -> bool:
        with self._tx() as conn:
            return self._exists(conn, name)

    def columns(self, name: str) -> list[tuple[str, str]]:
        """(column, full type with its precision, e.g. numeric(12,2)) of a table, in order."""
        with self._tx() as conn:
            return self._columns(conn, name)

    def _columns(self, conn: Connection, name: str) -> list[tuple[str, str]]:
        if self.dialect == "postgres":
            sql = ("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                   "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = current_schema() AND c.relname = :t AND a.attnum > 0 AND NOT a.attisdropped "
                   "ORDER BY a.attnum")
        else:
            sql = ("SELECT column_name, column_type FROM information_schema.columns "
                   "WHERE table_schema = database() AND table_name = :t ORDER BY ordinal_position")
        return [(str(r[0]), str(r[1])) for r in conn.execute(text(sql), {"t": name}).fetchall()]

    def execute_write(self, sql: str) -> None:
        with self._tx() as conn:
            conn.exec_driver_sql(sql)
            self._bump(conn, "*sql")

    def drop_table(self, name: str) -> None:
        with self._tx() as conn:
            self._run(conn, exp.Drop(tables=[_tbl(name)], kind="TABLE", exists=True))
            self._bump(conn, name)

    def data_version(self) -> str:
        try:
            with self.sa.connect() as conn:
                v = conn.execute(text(f"SELECT version FROM {self._q(VERSIONS)} WHERE name = :n"),  # noqa: S608
                                 {"n": "*"}).scalar()
        except (SQLAlchemyError, *_driver_errors()) as exc:
            raise self._error(exc) from None
        return f"ext:{v}"

    def close(self) -> None:
        self._engine.dispose()

    # -- loading ---------------------------------------------------------------------------
    def load(self, name: str, data: pa.Table | pa.RecordBatchReader) -> int:
        stage, rows = self._stage(data)
        try:
            with self._tx() as conn:
                self._swap(conn, stage, name)
                self._bump(conn, name)
        except BaseException:
            self._drop_quietly(stage)
            raise
        return rows

    def merge(self, name: str, data: pa.Table | pa.RecordBatchReader, *, key: list[str]) -> int:
        """Append `data` to the existing table `name`, replacing the rows whose `key` it holds (upsert)
        when `key` is given: a stage first, then columns the table lacks are added and the rows merged in
        one transaction (on MySQL the ALTERs commit on their own). The table's rows afterwards."""
        stage, _ = self._stage(data)
        t, st = self._q(name), self._q(stage)
        try:
            with self._tx() as conn:
                have = {c for c, _ in self._columns(conn, name)}
                added = [(c, ty) for c, ty in self._columns(conn, stage) if c not in have]
                for c, ty in added:
                    conn.exec_driver_sql(f"ALTER TABLE {t} ADD COLUMN {self._q(c)} {ty}")
                if key:
                    match = " AND ".join(f"{st}.{self._q(k)} = {t}.{self._q(k)}" for k in key)
                    conn.exec_driver_sql(f"DELETE FROM {t} WHERE EXISTS (SELECT 1 FROM {st} WHERE {match})")  # noqa: S608 - quoted identifiers
                cols = ", ".join(self._q(c) for c, _ in self._columns(conn, stage))
                conn.exec_driver_sql(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {st}")  # noqa: S608
                total = int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() or 0)  # noqa: S608
                self._bump(conn, name)
        finally:
            self._drop_quietly(stage)
        return total

    def read_query(self, sql: str, *, max_rows: int | None = None, max_bytes: int | None = None,
                   timeout_s: float | None = None) -> ReadResult:
        """People's read-only SQL (engines/sql_read_only.py): PostgreSQL only; refused elsewhere."""
        if self.dialect != "postgres":
            raise ShuzhiError(
                "sql_external_warehouse",
                "数据仓库在 MySQL 协议的外部数据库上，Shuzhi 不在其上运行手写 SQL；请用该数据库自己的客户端和只读账号。",
                "The warehouse is on a MySQL-protocol database; Shuzhi does not run hand-written SQL there. Use "
                "that database's own client with a read-only account.", 409)
        return sql_read_only.read_query(self.sa, sql, self.tables(), max_rows=max_rows, max_bytes=max_bytes,
                                        timeout_s=timeout_s)

    def read(self, name: str) -> pa.Table:
        """The whole table (imports that append read it back): PostgreSQL through COPY as text columns
        (cast back by the caller, engines/external_sync.pull), else through the query engine."""
        with self._tx() as conn:
            cols = self._columns(conn, name)
            table = copy_out(conn.connection.dbapi_connection, self.dialect, name, cols)
        if table is not None:
            return table
        return self._engine.execute(self._sql(exp.select("*").from_(_tbl(name))))

    def _check_names(self, names: list[str]) -> None:
        """PostgreSQL cuts names at 63 bytes and MySQL refuses names over 64 characters: say so first."""
        long = [n for n in names if (len(n.encode()) > 63 if self.dialect == "postgres" else len(n) > 64)]
        if long:
            limit = "63 字节" if self.dialect == "postgres" else "64 个字符"
            limit_en = "63 bytes" if self.dialect == "postgres" else "64 characters"
            raise ShuzhiError(
                "warehouse_name_too_long",
                f"列名「{long[0]}」超过外部数据仓库允许的长度（{limit}，一个汉字占 3 字节）；请在导入时改短列名。",
                f"The column name '{long[0]}' is longer than the external warehouse allows ({limit_en}; a Chinese "
                "character takes 3 bytes); give it a shorter name when importing.")

    def _stage(self, data: pa.Table | pa.RecordBatchReader) -> tuple[str, int]:
        """A new stage table holding `data` (dropped again if writing fails); (its name, rows)."""
        reader = data.to_reader() if isinstance(data, pa.Table) else data
        self._check_names([f.name for f in reader.schema])
        stage = _stage_name()
        cols = [exp.ColumnDef(this=exp.to_identifier(f.name, quoted=True),
                              kind=exp.DataType.build(column_type(self.dialect, f.type), dialect=self.dialect))
                for f in reader.schema]
        rows = 0
        try:
            with self._tx() as conn:
                self._run(conn, exp.Create(this=exp.Schema(this=_tbl(stage), expressions=cols), kind="TABLE"))
            with self._tx() as conn:
                raw = conn.connection.dbapi_connection
                for batch in reader:
                    if batch.num_rows:
                        rows += write_batch(raw, self.dialect, stage, batch)
        except BaseException:
            self._drop_quietly(stage)
            raise
        return stage, rows

    def create_as(self, name: str, query_sql: str) -> int:
        """CREATE TABLE … AS `query_sql` (this warehouse's dialect, from the compiler) into a stage, then
        swapped in as `name`; the rows written. A failure leaves `name` as it was."""
        stage = _stage_name()
        try:
            with self._tx() as conn:
                conn.exec_driver_sql(f"CREATE TABLE {self._q(stage)} AS {query_sql}")  # noqa: S608 - compiled SQL
                rows = int(conn.exec_driver_sql(f"SELECT count(*) FROM {self._q(stage)}").scalar() or 0)  # noqa: S608
                self._swap(conn, stage, name)
                self._bump(conn, name)
        except BaseException:
            self._drop_quietly(stage)
            raise
        return rows

    def _swap(self, conn: Connection, stage: str, name: str) -> None:
        exists = self._exists(conn, name)
        if self.dialect == "postgres":
            self._run(conn, exp.Drop(tables=[_tbl(name)], kind="TABLE", exists=True))
            self._run(conn, exp.Alter(this=_tbl(stage), kind="TABLE", actions=[exp.AlterRename(this=_tbl(name))]))
            return
        if not exists:
            conn.exec_driver_sql(f"RENAME TABLE {self._q(stage)} TO {self._q(name)}")
            return
        old = _stage_name()
        conn.exec_driver_sql(f"RENAME TABLE {self._q(name)} TO {self._q(old)}, {self._q(stage)} TO {self._q(name)}")
        self._run(conn, exp.Drop(tables=[_tbl(old)], kind="TABLE", exists=True))

    def sweep_stages(self, older_than_s: float = STALE_STAGE_S) -> list[str]:
        """Drop stage tables that loads of dead processes left (named with their start time; only those
        older than `older_than_s`, so a load running on another instance is never touched)."""
        with self._tx() as conn:
            names = self._names(conn)
        now, stale = time.time(), []
        for n in names:
            parts = n[len(STAGE_PREFIX):].split("_")
            if n.startswith(STAGE_PREFIX) and parts[0].isdigit() and now - int(parts[0]) > older_than_s:
                self._drop_quietly(n)
                stale.append(n)
        return stale

    def _drop_quietly(self, name: str) -> None:
        try:
            with self.sa.begin() as conn:
                self._run(conn, exp.Drop(tables=[_tbl(name)], kind="TABLE", exists=True))
        except (SQLAlchemyError, *_driver_errors()):
            pass
