"""Loading files into the warehouse: stage, check, and swap in one transaction.

    import_into(warehouse, src, columns, target, mode, keys, ...)   the load, on a job cursor
    stage_and_apply(cur, ...)                                       the same on a cursor given

What the load reads (sources, types, inference) is engines.import_sources.

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

import threading
import uuid
from collections.abc import Callable
from typing import Any

import duckdb
from sqlglot import exp

from shuzhi.engines import csv_exact
from shuzhi.engines.import_sources import (
    MODES,
    REJECTS_SHOWN,
    ArrowSource,
    Column,
    CsvSource,
    Outcome,
    Source,
    cancelled_error,
    ident,
    key_error,
    read_error,
    relation,
    table,
)
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


def import_into(warehouse: Warehouse, src: Source, columns: list[Column], target: str, mode: str,
                keys: list[str] | None = None, *, skip_bad_rows: bool = False,
                progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
                before_commit: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> Outcome:
    """stage_and_apply() on one of the warehouse's job cursors (progress reported while DuckDB reads)."""
    with warehouse.job_cursor() as cur:
        return stage_and_apply(cur, src, columns, target, mode, keys, skip_bad_rows=skip_bad_rows,
                               progress=progress, cancelled=cancelled, before_commit=before_commit)


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
                        relation(cur, src, columns, rejects=(rej_t, rej_s)).create(stage)
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
                raise read_error(exc) from None
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
    rel = relation(cur, src)
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
    return _count_query(cur, exp.select("count(*)").from_(table(name)))


def _count_query(cur: duckdb.DuckDBPyConnection, q: exp.Select) -> int:
    return int(cur.execute(_sql(q)).fetchone()[0])  # type: ignore[index]


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
    updated = duplicates = 0
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
        # Keys of the file already in the table are updated; every table row with such a key (the
        # table may hold a key more than once, e.g. after an append) is replaced by the file's one row.
        updated = _count_query(cur, exp.select("count(*)").from_(table(stage)).where(exp.Exists(
            this=exp.select("1").from_(table(target)).where(match.copy()))))
        before = _count(cur, target)
        cur.execute(_sql(exp.Delete(this=table(target), using=[table(stage)], where=exp.Where(this=match))))
        duplicates = before - _count(cur, target) - updated
    insert = exp.Insert(this=exp.Schema(this=table(target), expressions=[ident(n) for n in names]),
                        expression=exp.select(*cols).from_(table(stage)))
    try:
        cur.execute(_sql(insert))
    except (duckdb.ConversionException, duckdb.BinderException, duckdb.ConstraintException) as exc:
        msg = str(exc).strip().splitlines()[0][:300]
        raise ShuzhiError("import_type_mismatch", f"新数据与表 {target} 的列类型不兼容：{msg}",
                          f"The new data does not fit the column types of {target}: {msg}", 409) from None
    cur.execute(_sql(exp.Drop(tables=[table(stage)], kind="TABLE")))
    return Outcome(rows=rows, inserted=rows - updated, updated=updated, duplicates_removed=duplicates,
                   table_rows=_count(cur, target))


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
