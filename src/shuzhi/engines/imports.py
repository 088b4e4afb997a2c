"""Loading files into the warehouse: stage, check, and swap in one transaction.

Invariants
- Atomic: everything an import does to the warehouse (the staging table, the swap / insert /
  delete, the rejects table) happens inside ONE DuckDB transaction. A failure, a cancel or a
  killed process leaves the earlier table exactly as it was (DuckDB rolls back uncommitted work
  on restart); leftover `_shuzhi_stage_*` names cannot survive, because they are never committed.
- Streaming: CSV, Parquet and JSON are read by DuckDB itself (read_csv with explicit column
  types, read_parquet, read_json); Python never holds their rows (the exact CSV path streams the
  file in 1 MB blocks). Excel arrives as an Arrow table.
- Nothing is dropped silently: a CSV is read by DuckDB alone (store_rejects) and trusted only when
  nothing is rejected; otherwise engines.csv_exact reads it again at physical lines (DuckDB's own
  recovery can lose good rows after an unterminated quote), so every good row is staged and every
  bad one named by its physical line and text, or the import fails. Rows of other sources whose
  values do not convert to the chosen type are found by comparing TRY_CAST with the source.
  Unless the caller chose skip_bad_rows, any reject aborts the import with the first lines listed;
  with it, they are kept in `<table>__rejects`.
- No user text is spliced into SQL: table and column names go through sqlglot identifiers,
  types through a whitelist + sqlglot DataType, file paths and options through DuckDB's Python
  reader arguments.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines import csv_exact
from shuzhi.engines.import_types import Column, CsvSource
from shuzhi.engines.sandbox import sandboxed_connect
from shuzhi.engines.warehouse import translate_duckdb_error
from shuzhi.errors import ShuzhiError

MODES = ("replace", "append", "upsert")
_TYPE = re.compile(r"^(VARCHAR|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DATE|TIME|TIMESTAMP|"
                   r"TIMESTAMPTZ|DECIMAL\(\s*\d{1,2}\s*,\s*\d{1,2}\s*\)|JSON)$")
_TYPE_ALIASES = {"TEXT": "VARCHAR", "STRING": "VARCHAR", "INT": "INTEGER", "INT64": "BIGINT", "LONG": "BIGINT",
                 "REAL": "FLOAT", "NUMBER": "DOUBLE", "NUMERIC": "DOUBLE", "BOOL": "BOOLEAN",
                 "DATETIME": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}
REJECTS_SHOWN = 20


def check_type(name: str) -> str:
    """A column type a user may choose, normalized (VARCHAR, BIGINT, DOUBLE, DATE, DECIMAL(18,2) ...)."""
    t = re.sub(r"\s+", " ", (name or "").strip().upper())
    t = _TYPE_ALIASES.get(t, t)
    if not _TYPE.match(t):
        raise ShuzhiError(
            "bad_column_type",
            f"不支持的列类型「{name}」，可选：VARCHAR、BIGINT、INTEGER、DOUBLE、DECIMAL(p,s)、BOOLEAN、DATE、TIMESTAMP。",
            f"Unsupported column type '{name}'; choose VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), BOOLEAN, "
            "DATE or TIMESTAMP.",
        )
    return t.replace(" ", "")


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def table(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


@dataclass
class ArrowSource:
    table: pa.Table  # may hold __row (the source row number used for reports)


@dataclass
class FileSource:
    path: Path
    format: str  # parquet | json | ndjson


Source = CsvSource | ArrowSource | FileSource


@dataclass
class Outcome:
    rows: int  # rows now in the staging data (imported)
    inserted: int = 0
    updated: int = 0
    table_rows: int = 0  # rows in the target table after the import
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)  # first REJECTS_SHOWN


def _relation(cur: duckdb.DuckDBPyConnection, src: Source, columns: list[Column] | None = None,
              *, rejects: tuple[str, str] | None = None) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation over the source (types inferred when `columns` is None)."""
    if isinstance(src, CsvSource):
        kw: dict[str, Any] = dict(header=src.has_header, delimiter=src.delimiter, quotechar='"',
                                  skiprows=src.skip_lines, encoding=src.encoding)
        if src.thousands:
            kw["thousands"] = ","
        if columns is not None:
            kw["columns"] = {c.name: c.type for c in columns}
        else:  # inference for a preview: a malformed line must not stop the sniffer
            kw.update(sample_size=20480, ignore_errors=True)
        if rejects is not None:
            kw.update(store_rejects=True, rejects_table=rejects[0], rejects_scan=rejects[1])
        return cur.read_csv(str(src.path), **kw)
    if isinstance(src, ArrowSource):
        return cur.from_arrow(src.table)
    if src.format == "parquet":
        return cur.read_parquet(str(src.path))
    return cur.read_json(str(src.path), format="array" if src.format == "json" else "newline_delimited")


def scratch_connection(*, paths: Iterable[Path] = (), dirs: Iterable[Path] = ()) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for previews: it never touches (or waits for) the warehouse file. Sandboxed
    (engines/sandbox.py): it reads only the file being previewed (`paths`) and files under `dirs`
    (the import's own work folder), and never spills to disk."""
    return sandboxed_connect(":memory:", memory_limit="1GB", threads=2, paths=paths, dirs=dirs, temp_directory="")


def infer(cur: duckdb.DuckDBPyConnection, src: Source, limit: int = 50) -> tuple[list[str], list[str], list[tuple]]:
    """(source column names, inferred DuckDB types, first `limit` rows) without reading the whole file."""
    try:
        rel = _relation(cur, src)
        names = [n for n in rel.columns if n != "__row"]
        types = [str(t) for n, t in zip(rel.columns, rel.types, strict=True) if n != "__row"]
        rows = rel.project(", ".join(_sql(ident(n)) for n in names)).limit(limit).fetchall()
    except duckdb.InvalidInputException as exc:
        # DuckDB's sniffer gives up when its sample holds broken rows (an unterminated quote, an
        # over-long line): infer from the sample's good records instead.
        if not isinstance(src, CsvSource) or not src.width:
            raise _read_error(exc) from None
        try:
            return csv_exact.infer(cur, src, limit)
        except duckdb.Error as exc2:
            raise _read_error(exc2) from None
    except duckdb.Error as exc:
        raise _read_error(exc) from None
    return names, types, rows


def _read_error(exc: Exception) -> ShuzhiError:
    msg = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, duckdb.InterruptException):
        return cancelled_error()
    if isinstance(exc, duckdb.OutOfMemoryException | duckdb.IOException):
        return translate_duckdb_error(exc)
    return ShuzhiError("file_unreadable", f"无法按所选格式读取文件：{msg}", f"Cannot read the file as chosen: {msg}")


def cancelled_error() -> ShuzhiError:
    return ShuzhiError("import_cancelled", "导入已取消，原有数据保持不变。",
                       "The import was cancelled; the existing data is unchanged.", 499)


class _Watch:
    """Polls DuckDB's query progress for the caller and interrupts the query when cancelled."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, progress: Callable[[float], None] | None,
                 cancelled: Callable[[], bool] | None) -> None:
        self.cur, self.progress, self.cancelled = cur, progress, cancelled
        self.stop = threading.Event()
        self.interrupted = False
        self.thread = threading.Thread(target=self._run, daemon=True, name="import-watch")

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            if self.cancelled and self.cancelled():
                self.interrupted = True
                self.cur.interrupt()
                return
            if self.progress:
                p = self.cur.query_progress()
                if p >= 0:
                    self.progress(min(p, 100.0) / 100.0)

    def __enter__(self) -> _Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def stage_and_apply(cur: duckdb.DuckDBPyConnection, src: Source, columns: list[Column], target: str, mode: str,
                    keys: list[str] | None = None, *, skip_bad_rows: bool = False,
                    progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
                    before_commit: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> Outcome:
    """Load `src` as `columns` into `target` (replace / append / upsert on `keys`), all or nothing.

    progress(fraction) is called while DuckDB reads (0..1) when `cur` reports progress (a
    Warehouse.job_cursor(); the sandbox locks that setting); cancelled() is polled and interrupts
    the read. before_commit runs inside the transaction (tests inject failures here)."""
    if mode not in MODES:
        raise ShuzhiError("bad_import_mode", f"导入方式只能是 replace、append 或 upsert，不能是 {mode}。",
                          f"The import mode must be replace, append or upsert, not {mode}.")
    tag = uuid.uuid4().hex[:12]
    stage, rej_t, rej_s = f"_shuzhi_stage_{tag}", f"_shuzhi_rej_{tag}", f"_shuzhi_rejscan_{tag}"
    cur.execute("BEGIN TRANSACTION")
    try:
        with _Watch(cur, progress, cancelled) as watch:
            try:
                if isinstance(src, CsvSource):
                    try:  # the fast path: DuckDB alone; trusted only when it rejects nothing
                        _relation(cur, src, columns, rejects=(rej_t, rej_s)).create(stage)
                        exact = _has_rejects(cur, rej_t)
                    except duckdb.InvalidInputException:  # e.g. bad rows within the sniffer's sample
                        if watch.interrupted:
                            raise
                        exact = True
                    if exact:  # DuckDB may have lost good rows or misnumbered lines: read exactly
                        cur.execute("ROLLBACK")  # nothing but this import's stage is in the transaction
                        cur.execute("BEGIN TRANSACTION")
                        rejected, rejects = csv_exact.stage(cur, src, columns, stage, tag, cancelled)
                    else:
                        rejected, rejects = 0, []
                else:
                    rejected, rejects = _stage_cast(cur, src, columns, stage, tag)
            except duckdb.Error as exc:
                if watch.interrupted:
                    raise cancelled_error() from None
                raise _read_error(exc) from None
        if cancelled and cancelled():
            raise cancelled_error()
        if rejected and not skip_bad_rows:
            raise _rejects_error(rejected, rejects)
        out = _apply(cur, stage, columns, target, mode, keys or [])
        out.rejected, out.rejects = rejected, rejects
        if rejected:
            _keep_rejects(cur, target, src, rej_t, tag)
        if before_commit is not None:
            before_commit(cur)
        cur.execute("COMMIT")
    except BaseException:
        try:
            cur.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    finally:
        _cleanup(cur, tag)
    try:
        cur.execute("CHECKPOINT")  # the file (and Warehouse.data_version) changes now
    except duckdb.Error:
        pass  # another transaction is open on the database; DuckDB checkpoints later itself
    return out


def _cleanup(cur: duckdb.DuckDBPyConnection, tag: str) -> None:
    """Drop this import's session-only helpers (temp rejects tables and views, registered sources)."""
    for kind, name in (("VIEW", f"_shuzhi_rej_{tag}"), ("TABLE", f"_shuzhi_rej_{tag}"),
                       ("TABLE", f"_shuzhi_rejscan_{tag}"), *csv_exact.helper_tables(tag)):
        try:
            cur.execute(_sql(exp.Drop(tables=[exp.Table(this=ident(name), db=ident("temp"))], kind=kind,
                                      exists=True)))
        except duckdb.Error:
            pass  # it was the other kind
    try:
        cur.unregister(f"_shuzhi_src_{tag}")
    except duckdb.Error:
        pass


def _has_rejects(cur: duckdb.DuckDBPyConnection, rej_t: str) -> bool:
    return cur.execute(_sql(exp.select("1").from_(table(rej_t)).limit(1))).fetchone() is not None


def _stage_cast(cur: duckdb.DuckDBPyConnection, src: Source, columns: list[Column], stage: str,
                tag: str) -> tuple[int, list[dict[str, Any]]]:
    """Stage a non-CSV source, converting each column to its chosen type; report values that fail."""
    view = f"_shuzhi_src_{tag}"
    rel = _relation(cur, src)
    names = [n for n in rel.columns if n != "__row"]
    if len(names) != len(columns):
        raise ShuzhiError("column_count_mismatch", f"文件有 {len(names)} 列，但导入选项给了 {len(columns)} 列。",
                          f"The file has {len(names)} columns but the import options give {len(columns)}.")
    src_types = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
    cur.register(view, src.table if isinstance(src, ArrowSource) else rel)  # lives only in this cursor
    has_row = "__row" in rel.columns
    row_expr: exp.Expression = exp.column("__row") if has_row else exp.Window(this=exp.RowNumber())
    select, bad = [], []
    for src_name, col in zip(names, columns, strict=True):
        c = exp.column(ident(src_name))
        if src_types[src_name] == col.type:
            select.append(exp.alias_(c, ident(col.name)))
            continue
        cast = exp.TryCast(this=c, to=exp.DataType.build(col.type, dialect="duckdb"))
        select.append(exp.alias_(cast, ident(col.name)))
        bad.append((col.name, c, cast))
    if bad:
        rej_view = f"_shuzhi_rej_{tag}"
        cond = exp.or_(*[exp.and_(c.is_(exp.null()).not_(), cast.copy().is_(exp.null())) for _, c, cast in bad])
        first_bad = exp.Case(ifs=[exp.If(this=exp.and_(c.is_(exp.null()).not_(), cast.copy().is_(exp.null())),
                                         true=exp.Literal.string(name)) for name, c, cast in bad])
        q = exp.select(exp.alias_(row_expr, "line"), exp.alias_(first_bad, "column_name"),
                       exp.alias_(exp.cast(exp.Struct(expressions=[c for _, c, _ in bad]), "VARCHAR"), "text")) \
            .from_(table(view)).where(cond)
        cur.execute(_sql(exp.Create(this=table(rej_view), kind="VIEW", expression=q, properties=exp.Properties(
            expressions=[exp.TemporaryProperty()]))))
        n = cur.execute(_sql(exp.select("count(*)").from_(table(rej_view)))).fetchone()[0]  # type: ignore[index]
        rows = cur.execute(_sql(exp.select("*").from_(table(rej_view)).order_by("line").limit(REJECTS_SHOWN))).fetchall()
        rejects = [{"line": int(r[0]), "column": r[1], "error": "CAST", "text": (r[2] or "")[:500],
                    "message": f"cannot convert to {next(c.type for c in columns if c.name == r[1])}"} for r in rows]
        where = cond.not_()
    else:
        n, rejects, where = 0, [], None
    q = exp.select(*select).from_(table(view))
    if where is not None:
        q = q.where(where)
    if has_row:
        q = q.order_by("__row")
    cur.execute(_sql(exp.Create(this=table(stage), kind="TABLE", expression=q)))
    return int(n), rejects


def _rejects_error(n: int, rejects: list[dict[str, Any]]) -> ShuzhiError:
    lines = "; ".join(f"{r['line']}" + (f" ({r['column']})" if r.get("column") else "") for r in rejects[:5])
    return ShuzhiError(
        "import_bad_rows",
        f"有 {n} 行无法解析（行号：{lines}{' 等' if n > 5 else ''}），没有导入任何数据。请修正文件、修改列类型，"
        "或选择跳过错误行（--skip-bad-rows）把它们存入 rejects 表。",
        f"{n} rows cannot be parsed (lines: {lines}{' ...' if n > 5 else ''}); nothing was imported. Fix the file, "
        "change the column types, or skip bad rows (--skip-bad-rows) to keep them in a rejects table.",
        422, details={"rejected": n, "rejects": rejects},
    )


def _columns_of(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, str] | None:
    rows = cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                       "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
    return {r[0]: r[1] for r in rows} if rows else None


def _count(cur: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(cur.execute(_sql(exp.select("count(*)").from_(table(name)))).fetchone()[0])  # type: ignore[index]


def _apply(cur: duckdb.DuckDBPyConnection, stage: str, columns: list[Column], target: str, mode: str,
           keys: list[str]) -> Outcome:
    rows = _count(cur, stage)
    existing = _columns_of(cur, target)
    if existing is None or mode == "replace":
        if existing is not None:
            cur.execute(_sql(exp.Drop(tables=[table(target)], kind="TABLE", exists=True)))
        cur.execute(_sql(exp.Alter(this=table(stage), kind="TABLE",
                                   actions=[exp.AlterRename(this=table(target))])))
        return Outcome(rows=rows, inserted=rows, table_rows=rows)
    names = [c.name for c in columns]
    extra = [n for n in names if n not in existing]
    if extra:
        raise ShuzhiError(
            "import_schema_mismatch",
            f"表 {target} 中没有这些列：{'、'.join(extra)}。追加或更新时文件的列必须已存在于表中；请改用 replace。",
            f"The table {target} has no columns {', '.join(extra)}. Appending or upserting needs the file's columns "
            "to exist in the table; use replace instead.", 409, details={"missing": extra})
    cols = [exp.column(ident(n)) for n in names]
    updated = 0
    if mode == "upsert":
        missing = [k for k in keys if k not in names or k not in existing]
        if not keys or missing:
            raise key_error(missing or keys, names)
        kcols = ", ".join(_sql(ident(k)) for k in keys)
        dup = cur.execute(_sql(exp.select("count(*)").from_(exp.select(*[exp.column(ident(k)) for k in keys])
                          .from_(table(stage)).group_by(*[exp.column(ident(k)) for k in keys])
                          .having("count(*) > 1").subquery("d")))).fetchone()[0]  # type: ignore[index]
        nulls = cur.execute(_sql(exp.select("count(*)").from_(table(stage)).where(
            exp.or_(*[exp.column(ident(k)).is_(exp.null()) for k in keys])))).fetchone()[0]  # type: ignore[index]
        if dup or nulls:
            raise ShuzhiError(
                "upsert_key_not_unique",
                f"更新键（{kcols}）在文件中必须唯一且非空：{dup} 个键重复，{nulls} 行为空。",
                f"The upsert key ({kcols}) must be unique and not empty in the file: {dup} keys repeat, "
                f"{nulls} rows have no key.", 422)
        match = exp.and_(*[exp.column(ident(k), table=ident(target)).eq(exp.column(ident(k), table=ident(stage)))
                           for k in keys])
        before = _count(cur, target)
        cur.execute(_sql(exp.Delete(this=table(target), using=[table(stage)], where=exp.Where(this=match))))
        updated = before - _count(cur, target)
    insert = exp.Insert(this=exp.Schema(this=table(target), expressions=[ident(n) for n in names]),
                        expression=exp.select(*cols).from_(table(stage)))
    try:
        cur.execute(_sql(insert))
    except (duckdb.ConversionException, duckdb.BinderException, duckdb.ConstraintException) as exc:
        msg = str(exc).strip().splitlines()[0][:300]
        raise ShuzhiError("import_type_mismatch", f"新数据与表 {target} 的列类型不兼容：{msg}",
                          f"The new data does not fit the column types of {target}: {msg}", 409) from None
    cur.execute(_sql(exp.Drop(tables=[table(stage)], kind="TABLE")))
    return Outcome(rows=rows, inserted=rows - updated, updated=updated, table_rows=_count(cur, target))


def key_error(missing: list[str], names: list[str]) -> ShuzhiError:
    if not missing:
        return ShuzhiError("upsert_key_missing", "按键更新（upsert）需要指定键列（--key）。",
                           "An upsert needs key columns (--key).")
    return ShuzhiError(
        "upsert_key_missing",
        f"键列 {'、'.join(missing)} 不在文件或表中，可用的列：{'、'.join(names)}。",
        f"Key columns {', '.join(missing)} are not in the file or the table; columns: {', '.join(names)}.",
        details={"columns": names})


def _keep_rejects(cur: duckdb.DuckDBPyConnection, target: str, src: Source, rej: str, tag: str) -> None:
    """Replace `<target>__rejects` with this import's rejected rows (line, column, error, text)."""
    from shuzhi.sources.files.names import rejects_table_name

    if isinstance(src, CsvSource):
        rej = csv_exact.rejects_table(tag)
        q = exp.select("line", "column_name", "error_type", "text", "error_message").from_(table(rej))
    else:
        q = exp.select("line", "column_name", exp.alias_(exp.Literal.string("CAST"), "error_type"), "text",
                       exp.alias_(exp.Literal.string("cannot convert"), "error_message")).from_(table(rej))
    cur.execute(_sql(exp.Create(this=table(rejects_table_name(target)), kind="TABLE", expression=q, replace=True)))
