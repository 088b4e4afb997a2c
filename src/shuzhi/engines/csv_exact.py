"""The exact path for CSV imports with bad rows: every good row kept, every bad row named by its line.

engines.imports first reads a CSV with DuckDB alone (the fast path). When DuckDB reports any
rejected row, its recovery cannot be trusted (after an unterminated quote or an over-long line it
may resume reading far below the bad line and lose the rows in between, and its line numbers count
records, not lines), so the stage is rebuilt here:

1. sources.files.csv_records.split_records reads the file at physical lines and writes the good
   records, each prefixed with its line number, to a scratch file; structural rejects (quoting,
   column count, length, encoding) are known exactly there.
2. DuckDB reads the scratch file with the chosen column types; its only rejects can now be values
   that do not convert (CAST), each carrying the line-number prefix in its text.
3. Reconciliation: the staged rows plus the CAST rejects must equal the records written, and every
   reject's prefix must parse. Otherwise the import fails loudly (import_rows_unaccounted) — rows
   are never dropped silently.

Line numbers are physical lines of the file as the user has it, 1-based, counting title lines and
the header (a transcoded file keeps its lines). The scratch file lives in the import's work folder
(under SHUZHI_HOME/tmp) and is deleted before this returns.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.errors import ShuzhiError
from shuzhi.sources.files.csv_records import MAX_RECORD_BYTES, split_records

if TYPE_CHECKING:
    from shuzhi.engines.import_types import Column, CsvSource

LINE_COLUMN = "__shuzhi_line"
REJECTS_SHOWN = 20
SAMPLE_LINES = 20480  # as DuckDB's own sniffer sample


def rejects_table(tag: str) -> str:
    """The temp table holding this import's rejects (line, column_name, error_type, text, error_message)."""
    return f"_shuzhi_rejx_{tag}"


def helper_tables(tag: str) -> list[tuple[str, str]]:
    """(kind, name) of the session-only tables this path may create, for engines.imports._cleanup."""
    return [("TABLE", rejects_table(tag)), ("TABLE", f"_shuzhi_rej2_{tag}"), ("TABLE", f"_shuzhi_rejscan2_{tag}")]


def _t(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


def stage(cur: duckdb.DuckDBPyConnection, src: CsvSource, columns: list[Column], stage_table: str, tag: str,
          cancelled: Callable[[], bool] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Create `stage_table` with exactly the good rows of `src`; return (rejected, the first rejects).
    The full list is left in the temp table rejects_table(tag)."""
    if src.encoding not in ("utf-8", "utf-8-sig"):
        raise ShuzhiError("import_rows_unaccounted", "该编码的文件无法逐行核对错误行，请先转换为 UTF-8。",
                          "Bad rows of a file in this encoding cannot be checked line by line; convert it to "
                          "UTF-8 first.", 422)
    fd, name = tempfile.mkstemp(prefix="exact-", suffix=".csv", dir=str(src.workdir) if src.workdir else None)
    os.close(fd)
    scratch = Path(name)
    try:
        split = split_records(src.path, scratch, delimiter=src.delimiter, skip_lines=src.skip_lines,
                              has_header=src.has_header, columns=len(columns), cancelled=cancelled)
        rej2, scan2 = f"_shuzhi_rej2_{tag}", f"_shuzhi_rejscan2_{tag}"
        kw: dict[str, Any] = dict(header=False, delimiter=src.delimiter, quotechar='"', escapechar='"',
                                  skiprows=0, columns={LINE_COLUMN: "BIGINT", **{c.name: c.type for c in columns}},
                                  max_line_size=MAX_RECORD_BYTES + 64, store_rejects=True, rejects_table=rej2,
                                  rejects_scan=scan2)
        if src.thousands:
            kw["thousands"] = ","
        staged = 0
        cast_rejects: list[tuple[int, str | None, str, str, str]] = []
        if split.records:
            rel = cur.read_csv(str(scratch), **kw)
            rel.project(", ".join(_sql(exp.to_identifier(c.name, quoted=True)) for c in columns)).create(stage_table)
            staged = int(cur.execute(_sql(exp.select("count(*)").from_(_t(stage_table)))).fetchone()[0])  # type: ignore[index]
            cast_rejects = _cast_rejects(cur, rej2, src.delimiter)
        else:  # nothing good: an empty stage of the chosen types
            cols = [exp.ColumnDef(this=exp.to_identifier(c.name, quoted=True),
                                  kind=exp.DataType.build(c.type, dialect="duckdb")) for c in columns]
            cur.execute(_sql(exp.Create(this=exp.Schema(this=_t(stage_table), expressions=cols), kind="TABLE")))
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()
    if staged + len(cast_rejects) != split.records:
        raise _unaccounted(split.records, staged, len(cast_rejects))
    rows = sorted([(r.line, None, r.error, r.text, r.message) for r in split.rejects] + cast_rejects,
                  key=lambda r: r[0])
    arrow = pa.table({"line": pa.array([r[0] for r in rows], pa.int64()),
                      "column_name": pa.array([r[1] for r in rows], pa.string()),
                      "error_type": pa.array([r[2] for r in rows], pa.string()),
                      "text": pa.array([r[3] for r in rows], pa.string()),
                      "error_message": pa.array([r[4] for r in rows], pa.string())})
    view = f"_shuzhi_rejsrc_{tag}"
    cur.register(view, arrow)
    try:
        cur.execute(_sql(exp.Create(this=_t(rejects_table(tag)), kind="TABLE", expression=exp.select("*").from_(
            _t(view)), properties=exp.Properties(expressions=[exp.TemporaryProperty()]))))
    finally:
        cur.unregister(view)
    shown = [{"line": r[0], "column": r[1], "error": r[2], "text": r[3][:500], "message": r[4][:300]}
             for r in rows[:REJECTS_SHOWN]]
    return len(rows), shown


def infer(cur: duckdb.DuckDBPyConnection, src: CsvSource, limit: int) -> tuple[list[str], list[str], list[tuple]]:
    """engines.imports.infer for a sample DuckDB cannot sniff: its good records (src.width fields each)
    within the first SAMPLE_LINES lines, read with inferred types."""
    fd, name = tempfile.mkstemp(prefix="sample-", suffix=".csv", dir=str(src.workdir) if src.workdir else None)
    os.close(fd)
    scratch = Path(name)
    try:
        split = split_records(src.path, scratch, delimiter=src.delimiter, skip_lines=src.skip_lines,
                              has_header=src.has_header, columns=src.width, max_lines=src.skip_lines + SAMPLE_LINES)
        names = [f"column{i}" for i in range(1, src.width + 1)]
        if not split.records:
            return names, ["VARCHAR"] * src.width, []
        kw: dict[str, Any] = dict(header=False, delimiter=src.delimiter, quotechar='"', escapechar='"', skiprows=0,
                                  names=[LINE_COLUMN, *names], sample_size=-1, max_line_size=MAX_RECORD_BYTES + 64)
        if src.thousands:
            kw["thousands"] = ","
        rel = cur.read_csv(str(scratch), **kw)
        types = [str(t) for n, t in zip(rel.columns, rel.types, strict=True) if n != LINE_COLUMN]
        rows = rel.project(", ".join(_sql(exp.to_identifier(n, quoted=True)) for n in names)).limit(limit).fetchall()
        return names, types, rows
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()


def _cast_rejects(cur: duckdb.DuckDBPyConnection, rej: str, delimiter: str
                  ) -> list[tuple[int, str | None, str, str, str]]:
    """The scratch file's rejects (values that do not convert), one per record, with their true lines."""
    q = exp.select("line", "first(column_name ORDER BY column_idx)", "first(CAST(error_type AS VARCHAR) "
                   "ORDER BY column_idx)", "first(csv_line)", "string_agg(error_message, '; ' ORDER BY column_idx)"
                   ).from_(_t(rej)).group_by("line")
    out = []
    for _, column, error, text, message in cur.execute(_sql(q)).fetchall():
        prefix, sep, rest = (text or "").partition(delimiter)
        if not sep or not prefix.isdigit():
            raise _unaccounted(None, None, None)
        out.append((int(prefix), column, str(error), rest, message or ""))
    return out


def _unaccounted(written: int | None, staged: int | None, rejected: int | None) -> ShuzhiError:
    return ShuzhiError(
        "import_rows_unaccounted",
        "无法逐行核对这个文件的错误行（读取结果与逐行检查不一致），为避免静默丢失数据，没有导入任何数据。请修正文件中的引号或换行后重试。",
        "The bad rows of this file cannot be matched line by line (the reader and the line check disagree); "
        "to avoid losing rows silently nothing was imported. Fix the quoting or line breaks in the file and "
        "try again.", 422, details={"records": written, "staged": staged, "rejected": rejected})
