"""The embedded warehouse: one long-lived DuckDB database per process.

Invariants
- A process opens the warehouse file once (Warehouse.open); every request or job takes its
  own cursor (Warehouse.cursor), which is cheap and isolates transactions.
- Sandboxed (engines/sandbox.py): the database is opened with external access off and its
  configuration locked; DuckDB reads no file outside the directories Shuzhi writes (uploads,
  tmp, its spill folder) and the paths a local operator named, no URL, no other database.
- People's SQL goes through read_query() / run_read_only(), which parse it with sqlglot
  (model/sql_guard.py) and accept a single read-only statement (SELECT / WITH / set operations /
  VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN of those) without file-reading functions, run
  it inside a READ ONLY transaction, stream at most the capped rows and bytes, and interrupt it
  at the time limit. Writes happen only through explicit write cursors held by jobs (demo
  build, imports, extracts). When nothing in the process needs to write, open it with
  read_only=True so DuckDB itself enforces it and other processes may read the same file.
- DuckDB errors that a user can cause (file locked by another process, corrupt file, bad SQL)
  become ShuzhiError with a bilingual message; nothing else leaks.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines.sandbox import sandboxed_connect
from shuzhi.errors import ShuzhiError
from shuzhi.model import sql_guard

_READ_ONLY_ROOTS: tuple[type[exp.Expression], ...] = (
    exp.Select,
    exp.Union,
    exp.Intersect,
    exp.Except,
    exp.Values,
    exp.Subquery,
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
        elif sql_guard.PATH_LIKE.search(rest.replace('"', "")):
            raise _external(rest)
        return text
    tree = sql_guard.parse_single(text)
    if not isinstance(tree, _READ_ONLY_ROOTS):
        raise _not_read_only()
    why = sql_guard.refusal(tree, "admin")
    if why is not None:
        raise _not_read_only() if why[0] == "write" else _external(why[1])
    return text


def _external(name: str) -> ShuzhiError:
    return ShuzhiError(
        "sql_external_access",
        f"只读查询不能读取仓库外的文件、网址或数据库（{name}）。",
        f"Read-only queries cannot read files, URLs or databases outside the warehouse ({name}).",
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
    if isinstance(exc, duckdb.PermissionException):  # the sandbox said no (engines/sandbox.py)
        return ShuzhiError(
            "sql_external_access",
            "查询不能读取数据仓库以外的文件、网址或数据库，也不能更改数据库设置。",
            "Queries cannot read files, URLs or databases outside the warehouse, nor change database settings.",
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
    """A process-wide handle on the warehouse DuckDB file, sandboxed (engines/sandbox.py).

    allowed_dirs / allowed_paths: the only files DuckDB may read besides its own (imports stage
    files from SHUZHI_HOME/uploads and SHUZHI_HOME/tmp; `shuzhi import FILE` names FILE)."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        memory_limit: str = "4GB",
        threads: int = 2,
        allowed_dirs: Sequence[Path] = (),
        allowed_paths: Sequence[Path] = (),
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.memory_limit, self.threads = memory_limit, int(threads)
        self.allowed_dirs, self.allowed_paths = tuple(allowed_dirs), tuple(allowed_paths)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()
        # Cursors made before the configuration was locked, with progress reporting on (jobs borrow them).
        self._job_cursors: list[duckdb.DuckDBPyConnection] = []

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
                    self._con = self._connect()
                except duckdb.Error as exc:
                    raise translate_duckdb_error(exc, self.path) from None
        return self

    def _connect(self) -> duckdb.DuckDBPyConnection:
        def prepare(con: duckdb.DuckDBPyConnection) -> None:
            for _ in range(JOB_CURSORS):
                cur = con.cursor()
                cur.execute("SET enable_progress_bar = true")
                cur.execute("SET enable_progress_bar_print = false")
                self._job_cursors.append(cur)

        self._job_cursors = []
        return sandboxed_connect(self.path, read_only=self.read_only, memory_limit=self.memory_limit,
                                 threads=self.threads, dirs=self.allowed_dirs, paths=self.allowed_paths,
                                 prepare=prepare)

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                for cur in self._job_cursors:
                    cur.close()
                self._job_cursors = []
                self._con.close()
                self._con = None

    def __enter__(self) -> Warehouse:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._con is not None

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

    @contextmanager
    def job_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor whose query_progress() reports (a pre-made one when free, else a fresh one that
        reports -1). The job must end its transaction; one left open is rolled back on return."""
        con = self.connection
        with self._lock:
            cur = self._job_cursors.pop() if self._job_cursors else None
        if cur is None:
            with self.cursor() as fresh:
                yield fresh
            return
        try:
            yield cur
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.rollback()
            with self._lock:
                if self._con is con:
                    self._job_cursors.append(cur)

    # -- queries -------------------------------------------------------------------------
    def run_read_only(self, sql: str, params: list | None = None) -> pa.Table:
        """Run one read-only statement and return all its rows as Arrow (trusted callers, small results)."""
        return self.read_query(sql, params).table

    def read_query(self, sql: str, params: list | None = None, *, max_rows: int | None = None,
                   max_bytes: int | None = None, timeout_s: float | None = None) -> ReadResult:
        """Run one read-only statement (checked with check_read_only, inside a READ ONLY transaction)
        and stream its rows: reading stops at `max_rows` or `max_bytes` (truncated=True), so the
        query never builds more than that in memory here; a watcher interrupts it after `timeout_s`."""
        text = check_read_only(sql)
        with self.cursor() as cur:
            stop = threading.Event()
            timed_out = threading.Event()

            def watch() -> None:
                if timeout_s and not stop.wait(timeout_s):
                    timed_out.set()
                    cur.interrupt()

            watcher = threading.Thread(target=watch, daemon=True, name="sql-timeout")
            watcher.start()
            try:
                cur.execute("BEGIN TRANSACTION READ ONLY")
                rel = cur.sql(text, params=params) if params else cur.sql(text)
                if rel is None:
                    return ReadResult(pa.table({}), False)
                return _collect(rel.to_arrow_reader(batch_size=BATCH_ROWS), max_rows, max_bytes)
            except duckdb.Error as exc:
                if timed_out.is_set():
                    raise ShuzhiError(
                        "query_timeout", f"查询超过 {timeout_s:g} 秒未完成，已取消。请缩小范围或加上筛选条件。",
                        f"The query did not finish within {timeout_s:g} s and was cancelled; narrow it down.",
                        504) from None
                raise translate_duckdb_error(exc, self.path) from None
            finally:
                stop.set()
                with contextlib.suppress(duckdb.Error):
                    cur.rollback()

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

    def has_table(self, name: str) -> bool:
        """Whether the main schema has a table (or view) of that exact name."""
        with self.cursor() as cur:
            row = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                              "AND table_name = ?", [name]).fetchone()
        return bool(row and row[0])

    def drop_table(self, name: str) -> None:
        """Drop a table if it exists (the name is a quoted identifier, never SQL text)."""
        drop = exp.Drop(tables=[exp.table_(name, quoted=True)], kind="TABLE", exists=True).sql("duckdb")
        with self.cursor() as cur:
            try:
                cur.execute(drop)
            except duckdb.Error as exc:
                raise translate_duckdb_error(exc, self.path) from None


JOB_CURSORS = 4  # concurrent jobs (imports) that report progress; more still run, without progress
BATCH_ROWS = 2048  # rows DuckDB hands over at a time while a read-only result streams


@dataclass
class ReadResult:
    table: pa.Table
    truncated: bool  # rows or bytes beyond the cap were not read


def _collect(reader: pa.RecordBatchReader, max_rows: int | None, max_bytes: int | None) -> ReadResult:
    """Read batches until the end or a cap; the rest of the result is never produced."""
    batches: list[pa.RecordBatch] = []
    rows = size = 0
    truncated = False
    for batch in reader:
        if max_rows is not None and rows + batch.num_rows > max_rows:
            batch, truncated = batch.slice(0, max_rows - rows), True
        if max_bytes is not None and size + batch.nbytes > max_bytes:
            per_row = batch.nbytes / max(batch.num_rows, 1)
            fit = int((max_bytes - size) / per_row) if per_row else batch.num_rows
            batch, truncated = batch.slice(0, max(fit, 0 if rows else 1)), True  # at least one row
        if batch.num_rows:
            batches.append(batch)
            rows, size = rows + batch.num_rows, size + batch.nbytes
        if truncated:
            break
    return ReadResult(pa.Table.from_batches(batches, schema=reader.schema), truncated)
