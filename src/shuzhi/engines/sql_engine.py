"""Direct query on a customer's database through SQLAlchemy (PostgreSQL, MySQL/MariaDB, and the
MySQL-protocol engines Doris and StarRocks), returning Arrow tables.

The compiler renders for `dialect`; this engine only runs that SQL. A per-query timeout is set on
the server session where the database supports it (PostgreSQL statement_timeout, MySQL
max_execution_time, MariaDB max_statement_time).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator

import pyarrow as pa
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from shuzhi.errors import ShuzhiError

_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def dialect_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in _DIALECTS:
        raise ShuzhiError("engine_unsupported", f"暂不支持直连 {backend} 数据库。",
                          f"Direct query on {backend} is not supported yet.")
    return _DIALECTS[backend]


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The DB-API Error classes of the installed drivers (raw cursors raise these directly)."""
    errs: list[type[BaseException]] = []
    for mod in ("psycopg", "pymysql"):
        try:
            errs.append(__import__(mod).Error)
        except ImportError:
            pass
    return tuple(errs)


def _normalize(v: object) -> object:
    if isinstance(v, decimal.Decimal):
        return float(v)
    return v


def rows_to_arrow(names: list[str], rows: list) -> pa.Table:  # type: ignore[type-arg]
    """DB-API rows as Arrow (decimals as floats, dates and timestamps typed)."""
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = []
    for values in cols:
        vals = [_normalize(v) for v in values]
        sample = next((v for v in vals if v is not None), None)
        if isinstance(sample, dt.datetime):
            arrays.append(pa.array(vals, pa.timestamp("us")))
        elif isinstance(sample, dt.date):
            arrays.append(pa.array(vals, pa.date32()))
        elif isinstance(sample, float) or (isinstance(sample, int) and any(isinstance(v, float) for v in vals)):
            arrays.append(pa.array([None if v is None else float(v) for v in vals], pa.float64()))
        else:
            arrays.append(pa.array(vals) if sample is not None else pa.array(vals, pa.null()))
    return pa.Table.from_arrays(arrays, names=names) if names else pa.table({})


class SqlAlchemyEngine:
    def __init__(self, url: str, *, timeout_s: float | None = 60.0) -> None:
        self.dialect = dialect_of(url)
        self.url = url
        self.timeout_s = timeout_s
        self.engine: Engine = create_engine(url, pool_pre_ping=True)

    def execute(self, sql: str, *, max_rows: int | None = None, timeout_s: float | None = None) -> pa.Table:
        limit = timeout_s if timeout_s is not None else self.timeout_s
        try:
            with self.engine.connect() as conn:
                if limit:
                    self._set_timeout(conn, limit)
                # The raw DB-API cursor with no parameters: drivers with the pyformat paramstyle
                # (pymysql) would otherwise treat a '%' inside the SQL (DATE_FORMAT) as a placeholder.
                cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    cur.execute(sql)
                    names = [d[0] for d in cur.description or []]
                    rows = cur.fetchmany(max_rows) if max_rows else cur.fetchall()
                finally:
                    cur.close()
        except (DBAPIError, *_driver_errors()) as exc:
            orig = getattr(exc, "orig", None) or exc
            msg = str(orig).strip().splitlines()[0][:300] if str(orig).strip() else type(exc).__name__
            if "timeout" in msg.lower() or "max_execution_time" in msg or "max_statement_time" in msg \
                    or "canceling statement" in msg:
                raise ShuzhiError("query_timeout", f"查询超过 {limit:g} 秒未完成，已取消。",
                                  f"The query did not finish within {limit:g} s and was cancelled.", 504) from None
            raise ShuzhiError("query_failed", f"数据库执行查询失败：{msg}", f"The database failed the query: {msg}",
                              502) from None
        except SQLAlchemyError as exc:
            raise ShuzhiError("engine_unavailable", f"无法连接数据库：{type(exc).__name__}",
                              f"Cannot reach the database: {type(exc).__name__}", 503) from None
        return rows_to_arrow(names, rows)

    def _set_timeout(self, conn, seconds: float) -> None:  # type: ignore[no-untyped-def]
        ms = int(seconds * 1000)
        if self.dialect == "postgres":
            conn.exec_driver_sql(f"SET statement_timeout = {ms}")  # noqa: S608 - an int we computed
        elif self.dialect == "mysql":
            is_maria = "mariadb" in str(conn.dialect.server_version_info or "").lower() or \
                getattr(conn.dialect, "is_mariadb", False)
            try:
                if is_maria:
                    conn.exec_driver_sql(f"SET SESSION max_statement_time = {seconds:.3f}")
                else:
                    conn.exec_driver_sql(f"SET SESSION max_execution_time = {ms}")
            except DBAPIError:
                pass

    def dispose(self) -> None:
        self.engine.dispose()

    def stream(self, sql: str, *, batch_size: int = 65_536, max_rows: int | None = None,
               **_: object) -> Iterator[pa.RecordBatch]:
        """The answer in Arrow batches. Direct databases answer through execute() (a DB-API fetch of
        at most `max_rows` rows), so the rows are held once here; the warehouse engine streams."""
        yield from self.execute(sql, max_rows=max_rows).to_batches(max_chunksize=batch_size)
