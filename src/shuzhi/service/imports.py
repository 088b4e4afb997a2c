"""File imports, orchestrated: inspect → preview → import as a job, with catalog and events.

    preview(rt, path, filename, opts)                  what the file looks like (no warehouse access),
                                                       with its data-row count (CSV and Excel)
    import_file(rt, path, filename, opts, user, ctx)   the job body: load into the warehouse atomically
    submit_import(...)  / run_import_inline(...)       as a background job (API) or here (CLI)

Invariants
- Detection and reading are shuzhi.sources.files (no SQL); all DuckDB work is shuzhi.engines.imports
  and engines.import_sources (one transaction per import). This module adds the rules: which tables an
  import may touch (never a demo-contract table or a table it does not own unless force), the
  column overrides a user edited in the preview, the catalog record, and the data_refreshed event.
- Non-UTF-8 text (GBK/GB18030, UTF-16) is transcoded in streaming chunks to a temporary UTF-8 file
  under SHUZHI_HOME/tmp, deleted afterwards whatever happens.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shuzhi.catalog import tables as store
from shuzhi.engines import import_sources as eng
from shuzhi.engines.external_sync import pull, push
from shuzhi.engines.imports import import_into
from shuzhi.errors import ShuzhiError
from shuzhi.results.encoders import to_rows
from shuzhi.sources import files

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext

PREVIEW_ROWS = 20


@dataclass
class ImportOptions:
    table: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None  # 1-based; 0 = the file has no header
    mode: str = "replace"
    key: list[str] = field(default_factory=list)  # identifiers or labels
    skip_bad_rows: bool = False
    keep_totals: bool = False
    force: bool = False  # allow replacing a table that is not an earlier import (e.g. a demo table)
    columns: list[dict[str, Any]] | None = None  # per position: {"type"?, "label"?, "name"?}


@dataclass
class Inspection:
    """Everything detected about a file, and the source to load."""

    format: str
    columns: list[eng.Column]
    source: eng.Source
    rows: list[list[Any]]
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    has_header: bool = True
    sheets: list[dict[str, Any]] = field(default_factory=list)
    sheet: str | None = None
    totals_rows: list[int] = field(default_factory=list)
    confidence: str = "high"
    data_rows: int | None = None  # rows the import would read (CSV: counted in previews only; Excel)
    rows_before_data: int | None = None  # title and header rows above them
    footer_rows: list[int] = field(default_factory=list)  # notes rows below the data (left out)
    reasons: list[str] = field(default_factory=list)  # why the confidence is low
    top_rows: list[list[str]] = field(default_factory=list)  # the file's first rows, for choosing the header


@contextlib.contextmanager
def _workdir(rt: Runtime) -> Iterator[Path]:
    base = rt.settings.home / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix="import-", dir=base))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _inspect(path: Path, filename: str, opts: ImportOptions, workdir: Path, *, full: bool,
             progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None
             ) -> Inspection:
    """Detect the file's layout and types. full=False reads only a sample (previews)."""
    fmt = files.detect_format(path, filename)
    if fmt == "csv":
        suffix = Path(filename).suffix.lower()
        layout = files.sniff_layout(path, encoding=opts.encoding, delimiter=opts.delimiter,
                                    header_row=opts.header_row, suffix=suffix, keep_totals=opts.keep_totals)
        text_path = path
        if files.needs_transcoding(layout.encoding):
            text_path = workdir / "utf8.csv"
            if full:
                files.transcode_to_utf8(path, text_path, layout.encoding,
                                        progress=(lambda d, t: progress(0.3 * d / max(t, 1))) if progress
                                        else None, cancelled=cancelled)
            else:
                from shuzhi.sources.files.text import read_sample

                text_path.write_text(read_sample(path, layout.encoding)[1], encoding="utf-8")
        if layout.footer.keep_lines is not None:  # 合计 and notes lines below the data are left out
            body = workdir / "body.csv"
            keep = layout.footer.keep_lines
            files.copy_lines(text_path, body, keep if full else min(keep, layout.rows_before_data + 20481))
            text_path = body
        src: eng.Source = eng.CsvSource(text_path, layout.delimiter, layout.has_header, layout.skip_lines,
                                        layout.thousands, workdir=workdir, width=len(layout.labels))
        names, types, rows = eng.infer_file(src, PREVIEW_ROWS, paths=[path], dirs=[workdir])
        counted = None if full else files.count_data_rows(path, layout)  # the original file, one pass
        labels = layout.labels if layout.has_header and len(layout.labels) == len(names) else (
            names if layout.has_header else [f"列{i}" for i in range(1, len(names) + 1)])
        idents = files.make_identifiers(labels)
        return Inspection("csv", [eng.Column(n, lb, t) for n, lb, t in zip(idents, labels, types, strict=True)],
                          src, [list(r) for r in rows], layout.encoding, layout.delimiter,
                          layout.header_row if layout.has_header else 0, layout.has_header,
                          totals_rows=layout.footer.totals, confidence=layout.confidence, data_rows=counted,
                          rows_before_data=layout.rows_before_data, footer_rows=layout.footer.notes,
                          reasons=layout.reasons, top_rows=layout.top)
    if fmt == "excel":
        data = files.read_excel(path, sheet=opts.sheet, header_row=opts.header_row or None,
                                keep_totals=opts.keep_totals)
        cols = [eng.Column(n, lb, t) for n, lb, t in zip(data.names, data.labels, data.types, strict=True)]
        preview = data.table.slice(0, PREVIEW_ROWS).drop_columns(["__row"])
        return Inspection("excel", cols, eng.ArrowSource(data.table), [list(r) for r in to_rows(preview)],
                          header_row=data.header_row, sheets=[asdict(s) for s in data.sheets], sheet=data.sheet,
                          totals_rows=data.totals_rows, data_rows=data.table.num_rows,
                          rows_before_data=data.header_row - 1 + data.header_depth, confidence=data.confidence,
                          footer_rows=data.footer_rows, reasons=data.reasons, top_rows=data.top)
    src = eng.FileSource(path, fmt)
    names, types, rows = eng.infer_file(src, PREVIEW_ROWS, paths=[path], dirs=[workdir])
    idents = files.make_identifiers(names)
    return Inspection(fmt, [eng.Column(i, n, t) for i, n, t in zip(idents, names, types, strict=True)], src,
                      [list(r) for r in rows])


def _apply_overrides(cols: list[eng.Column], overrides: list[dict[str, Any]] | None) -> list[eng.Column]:
    if not overrides:
        return cols
    if len(overrides) != len(cols):
        raise ShuzhiError("column_count_mismatch",
                          f"列设置有 {len(overrides)} 项，但文件有 {len(cols)} 列；请重新预览后再导入。",
                          f"The column settings have {len(overrides)} entries but the file has {len(cols)} columns; "
                          "preview again before importing.")
    out = []
    for c, o in zip(cols, overrides, strict=True):
        name = o.get("name") or c.name
        if name != c.name and not files.is_column_name(name):
            _bad_column(name)
        out.append(eng.Column(name, (o.get("label") or c.label).strip(), eng.check_type(o["type"]) if o.get("type")
                              else c.type))
    if len({c.name.lower() for c in out}) != len(out):
        raise ShuzhiError("duplicate_column", "列名重复（不区分大小写），请修改后再导入。",
                          "Column names repeat (ignoring case); rename them first.")
    return out


def _bad_column(name: str) -> str:
    raise ShuzhiError("bad_column_name",
                      f"列名「{name}」无效：不能为空，不能含控制字符、引号、反引号、方括号或点号，首尾不能有空格，"
                      f"最长 {files.names.MAX_COLUMN} 个字符。",
                      f"Invalid column name '{name}': it must not be empty, contain control characters, quotes, "
                      f"backticks, brackets or dots, or start or end with a space, and has at most "
                      f"{files.names.MAX_COLUMN} characters.")


def preview(rt: Runtime, path: Path, filename: str, opts: ImportOptions) -> dict[str, Any]:
    """What the file looks like and how it would be imported (reads a sample; no warehouse access)."""
    with _workdir(rt) as wd:
        ins = _inspect(path, filename, opts, wd, full=False)
    cols = _apply_overrides(ins.columns, opts.columns)
    table = files.check_table_name(opts.table) if opts.table else files.default_table_name(filename)
    return {"format": ins.format, "encoding": ins.encoding, "delimiter": ins.delimiter,
            "header_row": ins.header_row, "has_header": ins.has_header, "sheets": ins.sheets, "sheet": ins.sheet,
            "totals_rows": ins.totals_rows, "data_rows": ins.data_rows, "rows_before_data": ins.rows_before_data,
            "confidence": ins.confidence, "confidence_reasons": ins.reasons, "footer_rows": ins.footer_rows,
            "top_rows": ins.top_rows, "table": table,
            "columns": [asdict(c) for c in cols], "rows": ins.rows}


def _check_target(rt: Runtime, table: str, opts: ImportOptions) -> None:
    """Imports never change a demo-contract table, or replace a table they do not own, unless force."""
    from shuzhi.demo.contract import DEMO_TABLES, GROUND_TRUTH_TABLE

    if opts.force:
        return
    if table in DEMO_TABLES or table == GROUND_TRUTH_TABLE:
        raise ShuzhiError("demo_table_protected",
                          f"表 {table} 属于演示数据，导入不会覆盖它；如确需覆盖请加 --force（或 force 选项）。",
                          f"The table {table} belongs to the demo data; imports do not overwrite it. Use --force "
                          "(or the force option) if you really mean to.", 409)
    if opts.mode == "replace":
        if rt.published().has_table(table):
            with rt.catalog.session() as db:
                owned = store.get_imported(db, table) is not None
            if not owned:
                raise ShuzhiError("table_not_imported",
                                  f"数据仓库中已有表 {table}，它不是由文件导入创建的；请换一个表名，或加 --force 覆盖。",
                                  f"The warehouse already has a table {table} that no file import created; choose "
                                  "another name, or use --force to replace it.", 409)


def _resolve_keys(keys: list[str], cols: list[eng.Column]) -> list[str]:
    by_label = {c.label: c.name for c in cols}
    names = {c.name for c in cols}
    out = []
    for k in (x.strip() for key in keys for x in key.split(",")):
        if not k:
            continue
        if k in names:
            out.append(k)
        elif k in by_label:
            out.append(by_label[k])
        else:
            raise eng.key_error([k], [c.name for c in cols])
    return out


def import_file(rt: Runtime, path: Path, filename: str, opts: ImportOptions, *, user: str | None,
                ctx: JobContext | None = None,
                before_commit: Callable[[Any], None] | None = None) -> dict[str, Any]:
    """Load a file into the warehouse (the job body); returns the job's result."""
    from shuzhi.runtime.jobs import JobCancelled

    table = files.check_table_name(opts.table) if opts.table else files.default_table_name(filename)
    if opts.mode not in eng.MODES:
        raise ShuzhiError("bad_import_mode", f"导入方式只能是 replace、append 或 upsert，不能是 {opts.mode}。",
                          f"The import mode must be replace, append or upsert, not {opts.mode}.")
    if opts.mode == "upsert" and not any(k.strip() for k in opts.key):
        raise eng.key_error([], [])
    _check_target(rt, table, opts)
    cancelled = (lambda: ctx.cancelled.is_set()) if ctx is not None else None

    def report(fraction: float, zh: str, en: str) -> None:
        if ctx is not None:
            ctx.progress(fraction, f"{zh} / {en}")

    wh = rt.warehouse()
    if wh.read_only:
        raise ShuzhiError("warehouse_read_only", "数据仓库以只读方式打开，无法导入。",
                          "The warehouse is open read-only; nothing can be imported.", 409)
    try:
        with _workdir(rt) as wd:
            report(0.0, "读取文件", "reading the file")
            ins = _inspect(path, filename, opts, wd, full=True,
                           progress=lambda f: report(f, "转换编码", "transcoding"), cancelled=cancelled)
            cols = _apply_overrides(ins.columns, opts.columns)
            keys = _resolve_keys(opts.key, cols) if opts.mode == "upsert" else []
            base = 0.3 if ins.format in ("csv", "excel") else 0.05
            report(base, "写入数据仓库", "loading into the warehouse")
            ext = rt.external()
            if ext is not None and opts.mode != "replace":  # appends and upserts start from the current table
                pull(wh, ext, table)
            out = import_into(
                wh, ins.source, cols, table, opts.mode, keys, skip_bad_rows=opts.skip_bad_rows,
                progress=lambda f: report(base + (0.95 - base) * f, "写入数据仓库", "loading into the warehouse"),
                cancelled=cancelled, before_commit=before_commit)
            if ext is not None:  # parsed and applied in this process's scratch file; loaded there atomically
                push(wh, ext, [table] + ([files.rejects_table_name(table)] if out.rejected else []))
    except ShuzhiError as err:
        if err.code == "import_cancelled":
            raise JobCancelled() from None
        raise
    with rt.catalog.session() as db:
        # "header": the table's columns are named by their headers (service.name_migration leaves it alone);
        # an append to a table of an older import keeps that table's state until it is upgraded.
        prev = store.get_imported(db, table) if opts.mode != "replace" else None
        naming = {"column_names": "header"} if prev is None or (prev.options or {}).get("column_names") == "header" \
            else {}
        store.record_import(db, table, columns=[asdict(c) for c in cols], source_file=filename,
                            source_format=ins.format, source_sheet=ins.sheet,
                            options={**naming, "encoding": ins.encoding, "delimiter": ins.delimiter,
                                     "header_row": ins.header_row, "key": keys, "skip_bad_rows": opts.skip_bad_rows},
                            mode=opts.mode, rows=out.table_rows, rejected=out.rejected, imported_by=user,
                            job_id=ctx.job_id if ctx is not None else None)
    changed = [table] + ([files.rejects_table_name(table)] if out.rejected else [])
    rt.data_refreshed(changed, "import")
    report(1.0, "完成", "done")
    return {"table": table, "mode": opts.mode, "format": ins.format, "rows": out.rows, "inserted": out.inserted,
            "updated": out.updated, "duplicates_removed": out.duplicates_removed, "table_rows": out.table_rows,
            "rejected": out.rejected,
            "rejects": out.rejects, "rejects_table": files.rejects_table_name(table) if out.rejected else None,
            "totals_rows": ins.totals_rows, "footer_rows": ins.footer_rows, "columns": [asdict(c) for c in cols]}


def submit_import(rt: Runtime, path: Path, filename: str, opts: ImportOptions, *, user: str | None) -> int:
    """Validate what can be checked at once, then run the import as a background job; returns its id."""
    table = files.check_table_name(opts.table) if opts.table else files.default_table_name(filename)
    opts.table = table
    return rt.jobs.submit("import", lambda ctx: import_file(rt, path, filename, opts, user=user, ctx=ctx),
                          title=f"导入 {filename} → {table} / import {filename} → {table}", created_by=user)


def run_import_inline(rt: Runtime, path: Path, filename: str, opts: ImportOptions, *, user: str | None,
                      on_progress: Callable[[float, str | None], None] | None = None) -> dict[str, Any]:
    table = files.check_table_name(opts.table) if opts.table else files.default_table_name(filename)
    opts.table = table
    return rt.jobs.run_inline("import", lambda ctx: import_file(rt, path, filename, opts, user=user, ctx=ctx),
                              title=f"导入 {filename} → {table} / import {filename} → {table}", created_by=user,
                              on_progress=on_progress)
