"""The contract of an external warehouse (SHUZHI_WAREHOUSE_URL): where published tables live and
queries run when the embedded DuckDB file is not the warehouse.

    SHUZHI_WAREHOUSE_URL=postgresql+psycopg://user@host/db   -> engines/sql_warehouse.py
    SHUZHI_WAREHOUSE_URL=mysql+pymysql://root@host/db        -> engines/sql_warehouse.py (MySQL, MariaDB, Doris, StarRocks)
    SHUZHI_WAREHOUSE_URL=sc://host:15002                     -> engines/spark_warehouse.py (Spark Connect)

Invariants
- An external warehouse answers queries through `engine()`, an object with the same `dialect`,
  `execute()` and `stream()` as engines.sql_engine.SqlAlchemyEngine: compiled SQL arrives in its
  own sqlglot dialect.
- Files are still parsed locally (DuckDB in memory, sandboxed); what they give is written with
  `load()` as Arrow, replacing the table atomically (a stage table, then a swap), so readers see
  the old table or the new one, never half.
- `check()` runs at configuration time (Runtime start, `shuzhi demo`): an engine that is
  unreachable or cannot create tables fails there with a bilingual ShuzhiError, not at the first
  query.
- `data_version()` changes whenever a table is loaded or dropped, in every process that shares
  the warehouse (it is stored in the warehouse itself), so result caches stay right across
  instances.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyarrow as pa

from shuzhi.errors import ShuzhiError


class QueryEngine(Protocol):
    """What the query pipeline needs of an engine (service/pipeline.py Engine, plus streaming)."""

    dialect: str

    def execute(self, sql: str, *, max_rows: int | None = None, timeout_s: float | None = None) -> pa.Table: ...

    def stream(self, sql: str, *, batch_size: int = 65_536, max_rows: int | None = None,
               timeout_s: float | None = None) -> Iterator[pa.RecordBatch]: ...


class ExternalWarehouse(Protocol):
    """A warehouse on another engine (PostgreSQL, a MySQL-protocol engine, Spark)."""

    url_safe: str  # the URL without its password (for messages and logs)
    dialect: str  # the sqlglot dialect its SQL is written in: "postgres", "mysql", "doris", "starrocks", "spark"

    def check(self) -> None:
        """Connect, create and drop a probe table; raise ShuzhiError (zh + en) naming what is wrong."""

    def engine(self) -> QueryEngine:
        """The query engine on this warehouse (pooled; cheap to call per request)."""

    def tables(self) -> list[str]:
        """Published table names (Shuzhi's own bookkeeping tables excluded), sorted."""

    def has_table(self, name: str) -> bool: ...

    def columns(self, name: str) -> list[tuple[str, str]]:
        """(column name, type name in the engine's words) of a table, in order."""

    def load(self, name: str, data: pa.Table | pa.RecordBatchReader) -> int:
        """Create or replace table `name` with `data` atomically; the rows written."""

    def execute_write(self, sql: str) -> None:
        """Run one statement that writes (CREATE TABLE … AS …, DROP …) in this warehouse's dialect."""

    def drop_table(self, name: str) -> None: ...

    def data_version(self) -> str:
        """Changes whenever a table is loaded or dropped by any process on this warehouse."""

    def close(self) -> None: ...


def open_external(url: str, *, timeout_s: float | None = 60.0) -> ExternalWarehouse:
    """The external warehouse of SHUZHI_WAREHOUSE_URL, by scheme (not yet checked: call check())."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    backend = scheme.split("+", 1)[0]
    if backend in ("postgresql", "postgres", "mysql", "mariadb"):
        from shuzhi.engines.sql_warehouse import SqlWarehouse

        rest = url.split("://", 1)[1]
        if "+" not in scheme:  # the drivers Shuzhi installs (SQLAlchemy's defaults are psycopg2 / mysqlclient)
            url = {"mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}.get(backend, "postgresql+psycopg") + "://" + rest
        elif backend == "postgres":  # SQLAlchemy's name for it is postgresql
            url = "postgresql" + url[len("postgres"):]
        return SqlWarehouse(url, timeout_s=timeout_s)
    if scheme == "sc":
        try:
            from shuzhi.engines.spark_warehouse import SparkWarehouse  # type: ignore[import-not-found,unused-ignore]
        except ImportError as exc:
            raise ShuzhiError(
                "warehouse_spark_missing",
                f"SHUZHI_WAREHOUSE_URL 指向 Spark Connect（sc://），但本机没有安装 Spark 支持（{exc.name or exc}）；"
                "请安装 shuzhi 的 spark 可选依赖（docs/spark.md）。",
                f"SHUZHI_WAREHOUSE_URL points at Spark Connect (sc://), but Spark support is not installed here "
                f"({exc.name or exc}); install shuzhi's spark extra (docs/spark.md).") from None

        return SparkWarehouse(url, timeout_s=timeout_s)  # type: ignore[no-any-return,unused-ignore]
    shown = scheme[:40] or "?"  # never the rest of the URL: it may hold a password
    raise ShuzhiError(
        "warehouse_url_unsupported",
        f"SHUZHI_WAREHOUSE_URL 的类型「{shown}」不受支持：请用 postgresql+psycopg://、mysql+pymysql:// 或 sc://（Spark Connect），"
        "或不设置（使用内置 DuckDB）。",
        f"SHUZHI_WAREHOUSE_URL of kind '{shown}' is not supported: use postgresql+psycopg://, mysql+pymysql:// or "
        "sc:// (Spark Connect), or leave it unset (the embedded DuckDB).")
