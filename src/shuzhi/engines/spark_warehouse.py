"""Spark as the warehouse, through Spark Connect (SHUZHI_WAREHOUSE_URL=sc://host:15002).

`SparkWarehouse` implements engines.external.ExternalWarehouse; `SparkEngine` runs compiled SQL (sqlglot
dialect "spark") with `spark.sql()` and returns Arrow (`toArrow()`), a row cap as `.limit()`, and a timeout
that interrupts the operation on the server (`interruptTag`).

- The URL is Spark Connect's own (`sc://host:port/;token=…;user_id=…`), plus Shuzhi's optional
  `;database=NAME`: the database (schema) tables are published in, which must exist.
- `load()` writes everything into a stage table first (a failed write leaves the published table as it
  was), then swaps it in with two catalog renames. Spark's session catalog has no atomic swap: between the
  renames (milliseconds, metadata only) a reader may get "table not found", never half a table.
- `data_version()` is stored in the warehouse (an append-only bookkeeping table `_shuzhi_versions`, one row
  per load or drop), so every Shuzhi process on the same Spark sees the same version.
- pyspark is optional (`pip install 'shuzhi[spark]'`) and imported only when a Spark warehouse is used.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import sqlglot
from sqlglot import exp

from shuzhi.errors import ShuzhiError

VERSIONS = "_shuzhi_versions"  # bookkeeping: one row per load or drop
_SPARK_NAME = re.compile(r"^[A-Za-z0-9_]+$")  # what Spark's session catalog accepts as a table name
_OWN = "_shuzhi_"  # prefix of Shuzhi's own tables (bookkeeping, stage, old), never listed


def _spark_missing() -> ShuzhiError:
    return ShuzhiError("engine_unavailable", "未安装 pyspark：请运行 pip install 'shuzhi[spark]'（或 make spark）。",
                       "pyspark is not installed: run pip install 'shuzhi[spark]' (or make spark).", 503)


def _unreachable(where: str, why: str) -> ShuzhiError:
    return ShuzhiError("engine_unavailable", f"无法连接 Spark Connect 服务 {where}：{why}",
                       f"Cannot reach the Spark Connect server {where}: {why}", 503)


def _failed(exc: BaseException) -> ShuzhiError:
    text = str(exc).strip()
    msg = text.splitlines()[0][:300] if text else type(exc).__name__
    return ShuzhiError("query_failed", f"Spark 执行失败：{msg}", f"Spark failed the statement: {msg}", 502)


def _ident(name: str) -> str:
    """A table name quoted for Spark SQL (a sqlglot identifier, never pasted text)."""
    return exp.to_identifier(name, quoted=True).sql("spark")


def parse_url(url: str) -> tuple[str, int, str, str | None]:
    """(host, port, the URL to give Spark Connect, the database named by ;database=…)."""
    parts = urlsplit(url)
    if parts.scheme != "sc" or not parts.hostname:
        raise ShuzhiError("warehouse_url_invalid", f"Spark Connect 地址应形如 sc://host:15002，而不是 {parts.scheme}://…",
                          f"A Spark Connect URL looks like sc://host:15002, not {parts.scheme}://…")
    params = [p for p in parts.path.lstrip("/").split(";") if p]
    database = next((p.split("=", 1)[1] for p in params if p.startswith("database=")), None)
    keep = [p for p in params if not p.startswith("database=")]
    port = parts.port or 15002
    connect_url = f"sc://{parts.netloc}/" + ("".join(";" + p for p in keep) if keep else "")
    return parts.hostname, port, connect_url, database


class SparkEngine:
    """Runs SQL in the Spark dialect on one Spark Connect session (thread-safe; tags are per thread)."""

    dialect = "spark"

    def __init__(self, session: Any, where: str, *, timeout_s: float | None = 60.0) -> None:
        self.session = session
        self.where = where
        self.timeout_s = timeout_s

    @contextmanager
    def _guarded(self, limit: float | None) -> Iterator[str]:
        """A fresh tag, a timer that interrupts the operations carrying it at `limit`, and Spark's errors
        as ShuzhiErrors. The tag must be on the operation when it starts (`_tagged`)."""
        from pyspark.errors import PySparkException

        tag = "shuzhi-" + uuid.uuid4().hex
        fired = threading.Event()

        def interrupt() -> None:
            fired.set()
            try:
                self.session.interruptTag(tag)
            except Exception:  # noqa: S110 - the server may have finished meanwhile
                pass

        timer = threading.Timer(limit, interrupt) if limit else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            yield tag
        except PySparkException as exc:
            if fired.is_set():
                raise ShuzhiError("query_timeout", f"查询超过 {limit:g} 秒未完成，已取消。请缩小范围或加上筛选条件。",
                                  f"The query did not finish within {limit:g} s and was cancelled; narrow it down.",
                                  504) from None
            if _is_unreachable(exc):
                raise _unreachable(self.where, type(exc).__name__) from None
            raise _failed(exc) from None
        finally:
            if timer:
                timer.cancel()

    @contextmanager
    def _tagged(self, tag: str) -> Iterator[None]:
        """Operations this thread starts meanwhile carry `tag` (Spark Connect keeps tags per thread)."""
        self.session.addTag(tag)
        try:
            yield
        finally:
            self.session.removeTag(tag)

    def _run(self, limit: float | None, work: Any) -> Any:
        with self._guarded(limit) as tag, self._tagged(tag):
            return work()

    def execute(self, sql: str, *, max_rows: int | None = None, timeout_s: float | None = None) -> pa.Table:
        limit = timeout_s if timeout_s is not None else self.timeout_s

        def work() -> pa.Table:
            df = self.session.sql(sql)
            if max_rows is not None:
                df = df.limit(max_rows)
            return _plain(df.toArrow())

        return self._run(limit, work)

    def stream(self, sql: str, *, batch_size: int = 65_536, max_rows: int | None = None,
               timeout_s: float | None = None) -> Iterator[pa.RecordBatch]:
        """The answer in Arrow batches as Spark Connect sends them (re-chunked to `batch_size`), read lazily;
        the timeout covers the whole stream."""
        limit = timeout_s if timeout_s is not None else self.timeout_s
        with self._guarded(limit) as tag:
            with self._tagged(tag):  # the operation starts with the first chunk, under the tag
                df = self.session.sql(sql)
                if max_rows is not None:
                    df = df.limit(max_rows)
                chunks = _arrow_chunks(self.session, df)
                first = next(chunks, None)
            if first is not None:
                yield from _plain(first).to_batches(max_chunksize=batch_size)
            for table in chunks:
                yield from _plain(table).to_batches(max_chunksize=batch_size)


def _arrow_chunks(session: Any, df: Any) -> Iterator[pa.Table]:
    """Arrow tables as the server sends them (the client's iterator; toArrow() when it is missing)."""
    client = getattr(session, "client", None)
    if client is None or not hasattr(client, "to_table_as_iterator"):
        yield df.toArrow()
        return
    plan = df._plan  # noqa: SLF001 - Spark Connect's DataFrame holds its plan here
    for item in client.to_table_as_iterator(plan.to_proto(client), plan.observations):
        if isinstance(item, pa.Table):
            yield item


def _plain(table: pa.Table) -> pa.Table:
    """Spark's timestamps arrive with the session time zone (UTC here); results carry naive ones, like DuckDB."""
    fields, changed = [], False
    for f in table.schema:
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            fields.append(pa.field(f.name, pa.timestamp("us"), f.nullable))
            changed = True
        else:
            fields.append(f)
    return table.cast(pa.schema(fields)) if changed else table


def _short_retries(session: Any) -> None:
    """Give up on a server that went away after about 12 s, not the client's default of ten minutes."""
    client = getattr(session, "client", None)
    try:
        from pyspark.sql.connect.client.retries import DefaultPolicy
    except ImportError:
        return
    if client is not None and hasattr(client, "set_retry_policies"):
        client.set_retry_policies([DefaultPolicy(max_retries=5, initial_backoff=100, max_backoff=5000)])


def _is_unreachable(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "unavailable" in text or "connection refused" in text or "failed to connect" in text


class SparkWarehouse:
    """Published tables in Spark (its session catalog, or the database named in the URL)."""

    dialect = "spark"

    def __init__(self, url: str, *, timeout_s: float | None = 60.0) -> None:
        self.host, self.port, self._connect_url, self.database = parse_url(url)
        parts = urlsplit(url)
        self.url_safe = f"sc://{parts.hostname}:{self.port}" + (f"/;database={self.database}" if self.database else "")
        self.timeout_s = timeout_s
        self._session: Any = None
        self._engine: SparkEngine | None = None
        self._lock = threading.Lock()
        self._version: tuple[float, str] | None = None  # (read at, version), kept for a second
        self._versions_made = False  # _shuzhi_versions exists (created once per warehouse object)
        self._seen: str | None = None  # the version this session's table listings belong to

    # -- the session ---------------------------------------------------------------------------------

    def _reachable(self) -> None:
        try:
            with socket.create_connection((self.host, self.port), timeout=3):
                pass
        except OSError as exc:
            raise _unreachable(self.url_safe, exc.strerror or type(exc).__name__) from None

    def _spark(self) -> Any:
        with self._lock:
            if self._session is None:
                try:
                    from pyspark.sql import SparkSession
                except ImportError:
                    raise _spark_missing() from None
                self._reachable()
                # pyspark logs every failed statement with the server's JVM stack; the ShuzhiError says it once.
                logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
                session = SparkSession.builder.remote(self._connect_url).create()
                _short_retries(session)
                session.conf.set("spark.sql.session.timeZone", "UTC")
                if self.database:
                    session.catalog.setCurrentDatabase(self.database)
                self._session = session
            return self._session

    def engine(self) -> SparkEngine:
        if self._engine is None:
            self._engine = SparkEngine(self._spark(), self.url_safe, timeout_s=self.timeout_s)
        return self._engine

    def _do(self, work: Any, *, timeout_s: float | None = None) -> Any:
        return self.engine()._run(timeout_s if timeout_s is not None else self.timeout_s, work)

    # -- the contract ----------------------------------------------------------------------------------

    def check(self) -> None:
        probe = f"{_OWN}probe_{uuid.uuid4().hex[:12]}"
        self._reachable()  # at once, not after the client's retries
        spark = self._spark()
        self._do(lambda: spark.sql("SELECT 1").toArrow())
        self._do(lambda: spark.createDataFrame(pa.table({"x": [1]})).write.saveAsTable(probe))
        self._do(lambda: spark.sql(f"DROP TABLE IF EXISTS {_ident(probe)}").toArrow())  # noqa: S608 - quoted identifier
        self._ensure_versions()

    def tables(self) -> list[str]:
        spark = self._spark()
        rows = self._do(lambda: spark.sql("SHOW TABLES").toArrow()).to_pylist()
        return sorted(r["tableName"] for r in rows if not r.get("isTemporary") and not r["tableName"].startswith(_OWN))

    def has_table(self, name: str) -> bool:
        spark = self._spark()
        return bool(self._do(lambda: spark.catalog.tableExists(_ident(name))))

    def columns(self, name: str) -> list[tuple[str, str]]:
        spark = self._spark()
        schema = self._do(lambda: spark.table(_ident(name)).schema)
        return [(f.name, f.dataType.simpleString()) for f in schema.fields]

    def load(self, name: str, data: pa.Table | pa.RecordBatchReader) -> int:
        """Stage, then swap (see the module doc); the rows written."""
        if not _SPARK_NAME.match(name):
            raise ShuzhiError("bad_table_name", f"Spark 的表名只能用英文字母、数字和下划线：「{name}」不行。",
                              f"Spark table names may hold only letters, digits and underscores, not '{name}'.")
        table = data.read_all() if isinstance(data, pa.RecordBatchReader) else data
        spark = self._spark()
        stage = f"{_OWN}stage_{uuid.uuid4().hex[:12]}"
        old = f"{_OWN}old_{uuid.uuid4().hex[:12]}"
        df = spark.createDataFrame(table) if table.num_columns else None
        if df is None:
            raise ShuzhiError("load_empty_schema", "没有任何列的数据无法写入 Spark。",
                              "Data without columns cannot be written to Spark.")
        try:
            self._do(lambda: df.write.mode("error").saveAsTable(stage))
            if self.has_table(name):
                self.execute_write(f"ALTER TABLE {_ident(name)} RENAME TO {_ident(old)}")
                self.execute_write(f"ALTER TABLE {_ident(stage)} RENAME TO {_ident(name)}")
                self.execute_write(f"DROP TABLE IF EXISTS {_ident(old)}")
            else:
                self.execute_write(f"ALTER TABLE {_ident(stage)} RENAME TO {_ident(name)}")
        except BaseException:
            self._drop_quietly(stage)
            raise
        self._bump("load", name)
        return table.num_rows

    def execute_write(self, sql: str) -> None:
        spark = self._spark()
        self._do(lambda: spark.sql(sql).toArrow())

    def drop_table(self, name: str) -> None:
        self.execute_write(f"DROP TABLE IF EXISTS {_ident(name)}")
        self._bump("drop", name)

    def data_version(self) -> str:
        now = time.monotonic()
        if self._version and now - self._version[0] < 1.0:
            return self._version[1]
        self._ensure_versions()
        spark = self._spark()
        # A session keeps the file listing of a table it has read: another process's rows appear only
        # after a refresh, and so do the tables that process replaced (refreshed when the version moved).
        self._do(lambda: spark.catalog.refreshTable(_ident(VERSIONS)))
        q = sqlglot.select("COUNT(*) AS n", "MAX(at) AS at").from_(exp.to_identifier(VERSIONS, quoted=True))
        row = self._do(lambda: spark.sql(q.sql("spark")).toArrow()).to_pylist()[0]
        version = f"{row['n']}:{row['at'].isoformat() if row['at'] else ''}"
        if self._seen is not None and version != self._seen:
            for name in self.tables():
                self._do(lambda name=name: spark.catalog.refreshTable(_ident(name)))
        self._seen = version
        self._version = (now, version)
        return version

    def close(self) -> None:
        with self._lock:
            session, self._session, self._engine = self._session, None, None
        if session is not None:
            try:
                session.stop()
            except Exception:  # noqa: S110 - closing a session the server already dropped
                pass

    # -- bookkeeping -----------------------------------------------------------------------------------

    def _ensure_versions(self) -> None:
        if self._versions_made:
            return
        self.execute_write(f"CREATE TABLE IF NOT EXISTS {_ident(VERSIONS)} "
                           "(token STRING, at TIMESTAMP, what STRING, tbl STRING) USING parquet")
        self._versions_made = True

    def _bump(self, what: str, name: str) -> None:
        self._ensure_versions()
        row = exp.Tuple(expressions=[exp.Literal.string(uuid.uuid4().hex),
                                     exp.Cast(this=exp.Literal.string(dt.datetime.now(dt.UTC).isoformat()),
                                              to=exp.DataType.build("timestamp")),
                                     exp.Literal.string(what), exp.Literal.string(name)])
        stmt = exp.Insert(this=exp.Table(this=exp.to_identifier(VERSIONS, quoted=True)), expression=exp.Values(expressions=[row]))
        self.execute_write(stmt.sql("spark"))
        self._version = None

    def _drop_quietly(self, name: str) -> None:
        try:
            self.execute_write(f"DROP TABLE IF EXISTS {_ident(name)}")
        except ShuzhiError:
            pass
