"""The embedded warehouse: one long-lived DuckDB database per process.

Invariants
- A process opens the warehouse file once (Warehouse.open); every request or job takes its
  own cursor (Warehouse.cursor), which is cheap and isolates transactions.
- Queries go through run_read_only(), which parses the SQL with sqlglot and accepts a single
  read-only statement (SELECT / WITH / set operations / VALUES / DESCRIBE / SHOW / SUMMARIZE /
  EXPLAIN of those). Writes happen only through explicit write cursors held by jobs (demo
  build, imports). When nothing in the process needs to write, open it with read_only=True
  so DuckDB itself enforces it and other processes may read the same file.
- DuckDB errors that a user can cause (file locked by another process, corrupt file, bad SQL)
  become ShuzhiError with a bilingual message; nothing else leaks.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from shuzhi.errors import ShuzhiError

_READ_ONLY_ROOTS: tuple[type[exp.Expression], ...] = (
    exp.Select,
    exp.Union,
    exp.Intersect,
    exp.Except,
    exp.Values,
    exp.Subquery,
)
# Nodes that write or reach outside the warehouse; refused anywhere in a read-only tree.
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Copy",
        "Attach", "Detach", "Use", "Set", "Pragma", "Command", "Into", "TruncateTable",
        "Transaction", "Commit", "Rollback", "LoadData", "Install",
    )
    if hasattr(exp, name)
)
# Table functions that read files or other databases; admin SQL stays inside the warehouse.
_FORBIDDEN_FUNCS = re.compile(
    r"^(read_\w+|.*_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|query_table|query)$",
    re.IGNORECASE,
)


def check_read_only(sql: str) -> str:
    """Return the statement if it is one read-only query, else raise ShuzhiError."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise ShuzhiError("sql_empty", "SQL 语句为空。", "The SQL statement is empty.")
    # Statements sqlglot does not model: EXPLAIN / DESCRIBE / SUMMARIZE wrap a query that
    # must itself be read-only; SHOW and DESCRIBE of a plain table name are reads.
    m = re.match(r"^(EXPLAIN(?:\s+ANALYZE)?|DESCRIBE|DESC|SUMMARIZE|SHOW)\b\s*(.*)$", text, re.I | re.S)
    if m:
        rest = m.group(2).strip()
        if re.match(r"^(SELECT|WITH|FROM|VALUES|\()", rest, re.I):
            check_read_only(rest)
        elif m.group(1).upper().startswith("EXPLAIN") or not re.fullmatch(r"[\w.\"]*", rest, re.U):
            raise _not_read_only()
        return text
    try:
        trees = [t for t in sqlglot.parse(text, read="duckdb") if t is not None]
    except sqlglot.errors.ParseError as exc:
        raise ShuzhiError(
            "sql_syntax",
            f"SQL 语法错误：{_short(exc)}",
            f"SQL syntax error: {_short(exc)}",
        ) from None
    if len(trees) != 1:
        raise ShuzhiError(
            "sql_multiple_statements",
            "一次只能执行一条 SQL 语句。",
            "Only one SQL statement can be run at a time.",
        )
    tree = trees[0]
    if not isinstance(tree, _READ_ONLY_ROOTS) or any(
        isinstance(node, _FORBIDDEN_NODES) for node in tree.walk()
    ):
        raise _not_read_only()
    for fn in tree.find_all(exp.Anonymous, exp.Func):
        name = fn.name if isinstance(fn, exp.Anonymous) else fn.sql_name()
        if _FORBIDDEN_FUNCS.match(name or ""):
            raise _external(name)
    # DuckDB reads a file when a table name looks like a path ("FROM 'x.csv'").
    for table in tree.find_all(exp.Table):
        if _PATH_LIKE.search(table.name or "") or isinstance(table.this, exp.Literal):
            raise _external(table.name)
    return text


_PATH_LIKE = re.compile(r"[/\\]|://|\.(csv|tsv|txt|parquet|json|ndjson|jsonl|xlsx?|db|duckdb|sqlite|gz|zst)$", re.I)


def _external(name: str) -> ShuzhiError:
    return ShuzhiError(
        "sql_external_access",
        f"只读查询不能读取仓库外的文件或数据库（{name}）。",
        f"Read-only queries cannot read files or databases outside the warehouse ({name}).",
    )


def _not_read_only() -> ShuzhiError:
    return ShuzhiError(
        "sql_not_read_only",
        "这里只允许只读查询（SELECT / WITH / DESCRIBE / SHOW / EXPLAIN）。",
        "Only read-only queries are allowed here (SELECT / WITH / DESCRIBE / SHOW / EXPLAIN).",
    )


def _short(exc: Exception) -> str:
    line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return line[:300]


def translate_duckdb_error(exc: Exception, path: Path | None = None) -> ShuzhiError:
    """Map a DuckDB exception to a user-facing ShuzhiError."""
    msg = str(exc)
    where = str(path) if path else "warehouse"
    if "attached in read-only mode" in msg:  # `shuzhi serve --workers N` opens the warehouse read-only
        return ShuzhiError(
            "warehouse_read_only",
            "服务以多个工作进程运行（--workers），数据仓库只读，不能导入、刷新或写入。请以单进程运行服务后再试。",
            "The server runs several worker processes (--workers), so the warehouse is read-only: nothing can be "
            "imported, refreshed or written. Run the server with one worker for that.",
            409,
        )
    if "Could not set lock" in msg or "Conflicting lock" in msg:
        pid = re.search(r"PID (\d+)", msg)
        who = f"（进程 {pid.group(1)}）" if pid else ""
        who_en = f" (process {pid.group(1)})" if pid else ""
        return ShuzhiError(
            "warehouse_locked",
            f"数据仓库 {where} 正被另一个 Shuzhi 进程使用{who}。请先停止它（例如正在运行的 shuzhi serve）再重试。",
            f"The warehouse {where} is in use by another Shuzhi process{who_en}. "
            "Stop it (for example a running `shuzhi serve`) and try again.",
            409,
        )
    if "not a valid DuckDB database" in msg or "Corrupt" in msg or "corrupt" in msg:
        return ShuzhiError(
            "warehouse_corrupt",
            f"数据仓库文件 {where} 已损坏或不是 DuckDB 文件。请移走该文件后重新运行 shuzhi demo 或重新导入数据。",
            f"The warehouse file {where} is corrupt or not a DuckDB file. Move it away, then run "
            "`shuzhi demo` or re-import your data.",
            500,
        )
    if isinstance(exc, duckdb.CatalogException):
        return ShuzhiError("sql_unknown_name", f"找不到对象：{_short(exc)}", f"Unknown name: {_short(exc)}")
    if isinstance(exc, duckdb.ParserException):
        return ShuzhiError("sql_syntax", f"SQL 语法错误：{_short(exc)}", f"SQL syntax error: {_short(exc)}")
    if isinstance(exc, duckdb.BinderException | duckdb.ConversionException | duckdb.InvalidInputException):
        return ShuzhiError("sql_invalid", f"查询无效：{_short(exc)}", f"Invalid query: {_short(exc)}")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ShuzhiError(
            "query_out_of_memory",
            "查询超出内存上限（SHUZHI_DUCKDB_MEMORY_LIMIT），请缩小查询范围。",
            "The query exceeded the memory limit (SHUZHI_DUCKDB_MEMORY_LIMIT); narrow it down.",
            507,
        )
    if isinstance(exc, duckdb.IOException | PermissionError | OSError):
        return ShuzhiError(
            "warehouse_io",
            f"无法读写数据仓库 {where}：{_short(exc)}",
            f"Cannot read or write the warehouse {where}: {_short(exc)}",
            500,
        )
    if isinstance(exc, duckdb.InterruptException):
        return ShuzhiError("query_cancelled", "查询已取消。", "The query was cancelled.", 499)
    return ShuzhiError("query_failed", f"查询失败：{_short(exc)}", f"The query failed: {_short(exc)}", 400)


class Warehouse:
    """A process-wide handle on the warehouse DuckDB file."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        memory_limit: str = "4GB",
        threads: int = 2,
        external_access: bool = True,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._config: dict[str, str | int | bool] = {"memory_limit": memory_limit, "threads": int(threads)}
        if not external_access:
            # DuckDB then refuses every file, network and ATTACH access itself (defence in depth
            # under check_read_only); it cannot be switched back on in this process.
            self._config["enable_external_access"] = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------
    def open(self) -> Warehouse:
        with self._lock:
            if self._con is None:
                if self.read_only and not self.path.exists():
                    raise ShuzhiError(
                        "warehouse_missing",
                        f"数据仓库 {self.path} 不存在。请先运行 shuzhi demo 或导入数据。",
                        f"The warehouse {self.path} does not exist. Run `shuzhi demo` or import data first.",
                        404,
                    )
                try:
                    self._con = duckdb.connect(
                        str(self.path), read_only=self.read_only, config=dict(self._config)
                    )
                except duckdb.Error as exc:
                    raise translate_duckdb_error(exc, self.path) from None
        return self

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def __enter__(self) -> Warehouse:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The root connection (write jobs use it directly, holding their own transaction)."""
        if self._con is None:
            self.open()
        assert self._con is not None
        return self._con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor on the shared database, closed afterwards."""
        cur = self.connection.cursor()
        try:
            yield cur
        finally:
            cur.close()

    # -- queries -------------------------------------------------------------------------
    def run_read_only(self, sql: str, params: list | None = None) -> pa.Table:
        """Run one read-only statement and return its rows as Arrow."""
        text = check_read_only(sql)
        with self.cursor() as cur:
            try:
                rel = cur.sql(text, params=params) if params else cur.sql(text)
                if rel is None:
                    return pa.table({})
                return rel.to_arrow_table()
            except duckdb.Error as exc:
                raise translate_duckdb_error(exc, self.path) from None

    @property
    def data_version(self) -> str:
        """Changes whenever the warehouse file changes (result and lexicon cache invalidation)."""
        try:
            st = self.path.stat()
            return f"{st.st_mtime_ns}:{st.st_size}"
        except OSError:
            return "missing"

    def tables(self) -> list[str]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        return [r[0] for r in rows]
