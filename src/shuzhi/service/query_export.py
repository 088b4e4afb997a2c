"""The query export use case: a QuerySpec's answer as an XLSX or CSV file, as its caller sees it.

    exp = prepare_query_export(rt, spec, user, "csv")     # compiled (row and column rules), not yet read
    for chunk in exp.csv_chunks(): ...                    # streamed: the API's download
    rows = export_query_to_file(rt, spec, user, "xlsx", Path("销售额.xlsx"))   # the CLI: temp file, then rename

Invariants
- One pipeline: the spec is compiled for the caller by the executor (purpose "export", its row cap),
  so row and column rules apply exactly as for POST /query; the answer is streamed in Arrow batches
  and never cached or held whole.
- More rows than the export cap (settings row_cap_export) is an error, never a silently short file;
  XLSX also stops at a worksheet's 1,048,576 rows, counting the title, filter and header rows
  (results/export.py). A file is written to a temporary file beside the target and renamed only
  when complete: nothing half-written is left.
- The title row names the filters in words (地区 = 华东；订单日期 2026-01-01 至 2026-03-31), with the
  model's labels, and 数据截至 (service.freshness) as the caller's rows show it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.results.export import HEAD_ROWS, XLSX_MAX_ROWS, Sheet, csv_chunks, python_rows, write_xlsx
from shuzhi.service.executor import Executor
from shuzhi.spec.query_spec import AndNode, Condition, NotNode, OrNode, QuerySpec, TimeRange, parse_spec
from shuzhi.spec.resolve import UserContext
from shuzhi.spec.time_ranges import relative_range

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_OPS = {"=": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}
_UNSAFE_FILE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def check_format(fmt: str) -> str:
    f = (fmt or "").strip().lower()
    if f not in FORMATS:
        raise ShuzhiError("bad_export_format", f"导出格式只能是 xlsx 或 csv，不能是「{fmt}」。",
                          f"The export format must be xlsx or csv, not '{fmt}'.", 400)
    return f


def too_many_rows(cap: int) -> ShuzhiError:
    return ShuzhiError(
        "export_too_many_rows",
        f"结果超过导出上限 {cap:,} 行，未生成文件。请加筛选条件缩小范围（上限由 SHUZHI_ROW_CAP_EXPORT 设置）。",
        f"The result has more than the export limit of {cap:,} rows; no file was written. Narrow it down "
        f"with filters (the limit is SHUZHI_ROW_CAP_EXPORT).", 413, details={"max_rows": cap})


# -- words for a spec ---------------------------------------------------------------------------
def _field_label(index: ModelIndex, ref: str) -> str:
    if ref == "time":
        return "时间"
    try:
        key = index.resolve_field(ref)
        f = index.fields[key]
        return f.label or f.name
    except (ShuzhiError, KeyError):
        pass
    try:
        return index.metric(ref).label or ref
    except (ShuzhiError, KeyError):
        return ref


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, float):
        return f"{v:,.10g}" if abs(v) >= 10_000 else f"{v:g}"
    return "空" if v is None else str(v)


def _condition(index: ModelIndex, c: Condition) -> str:
    label = _field_label(index, c.field)
    if c.op in _OPS:
        return f"{label} {_OPS[c.op]} {_value(c.value)}"
    if c.op in ("in", "not_in"):
        values = c.values or []
        vals = "、".join(_value(v) for v in values)
        if c.op == "not_in":
            return f"{label} 不是 {vals}"
        return f"{label} = {vals}" if len(values) == 1 else f"{label} 为 {vals}"
    if c.op == "between":
        lo, hi = c.values or [None, None]
        return f"{label} 介于 {_value(lo)} 至 {_value(hi)}"
    if c.op == "contains":
        return f"{label} 包含「{c.value}」"
    if c.op == "starts_with":
        return f"{label} 以「{c.value}」开头"
    return f"{label} {'为空' if c.op == 'is_null' else '不为空'}"


def _node(index: ModelIndex, node: Any) -> str:
    if isinstance(node, Condition):
        return _condition(index, node)
    if isinstance(node, AndNode):
        return "且".join(_node(index, n) for n in node.and_)
    if isinstance(node, OrNode):
        return "（" + " 或 ".join(_node(index, n) for n in node.or_) + "）"
    if isinstance(node, NotNode):
        return f"非（{_node(index, node.not_)}）"
    return str(node)


def _period(index: ModelIndex, tr: TimeRange, today: dt.date) -> str:
    label = _field_label(index, tr.field)
    start, end = (relative_range(tr.relative, today) if tr.relative else (tr.start, tr.end))
    if start and end:
        return f"{label} {start.isoformat()} 至 {end.isoformat()}"
    if start:
        return f"{label} {start.isoformat()} 起"
    return f"{label} 至 {end.isoformat() if end else ''}"


def filters_text(qs: QuerySpec, index: ModelIndex, today: dt.date) -> str:
    """The spec's filters for people: 地区 = 华东；订单日期 2026-01-01 至 2026-03-31；销售额 > 1,000,000."""
    parts = [_node(index, n) for n in qs.where]
    if qs.time_range is not None:
        parts.append(_period(index, qs.time_range, today))
    parts += [_node(index, n) for n in qs.having]
    return "；".join(parts)


def default_title(columns: list[dict[str, Any]]) -> str:
    """销售额、毛利率（按 地区、月份）from the result's columns."""
    metrics = [str(c.get("label") or c["name"]) for c in columns if c.get("role") == "metric"]
    dims = [str(c.get("label") or c["name"]) for c in columns if c.get("role") != "metric"]
    if metrics and dims:
        return f"{'、'.join(metrics)}（按 {'、'.join(dims)}）"
    return "、".join(metrics or dims) or "查询结果"


def file_name(title: str, fmt: str) -> str:
    """A file name from the title (characters no file system takes become _), at most 80 characters."""
    base = _UNSAFE_FILE.sub("_", title).strip(" .") or "export"
    return f"{base[:80]}.{fmt}"


# -- the export ---------------------------------------------------------------------------------
@dataclass
class QueryExport:
    """A compiled export: its words, columns and the stream of its answer (read once)."""

    fmt: str
    title: str
    filters: str
    as_of: str | None
    columns: list[dict[str, Any]]
    batches: Iterator[pa.RecordBatch]
    cap: int
    xlsx_max_rows: int = XLSX_MAX_ROWS
    rows: int = 0  # data rows read so far

    @property
    def filename(self) -> str:
        return file_name(self.title, self.fmt)

    @property
    def media_type(self) -> str:
        return FORMATS[self.fmt]

    def _capped(self) -> Iterator[pa.RecordBatch]:
        for b in self.batches:
            self.rows += b.num_rows
            if self.rows > self.cap:
                raise too_many_rows(self.cap)
            yield b

    def csv_chunks(self) -> Iterator[bytes]:
        return csv_chunks(self.columns, self._capped())

    def close(self) -> None:
        """Stop reading the answer (closes the engine's cursor when the stream was left unfinished)."""
        close = getattr(self.batches, "close", None)
        if close is not None:
            close()

    def write(self, out: Any) -> int:
        """Write the file to a binary file object; returns the number of data rows."""
        if self.fmt == "xlsx":
            sheet = Sheet(self.title, self.columns, python_rows(self._capped()), filters=self.filters, as_of=self.as_of)
            return write_xlsx([sheet], out, max_rows=self.xlsx_max_rows)[0]
        for chunk in self.csv_chunks():
            out.write(chunk)
        return self.rows


def prepare_query_export(rt: Runtime, spec: QuerySpec | dict[str, Any], user: UserContext, fmt: str, *,
                         title: str | None = None, cancel: threading.Event | None = None,
                         xlsx_max_rows: int = XLSX_MAX_ROWS) -> QueryExport:
    """Compile `spec` for `user` (row and column rules) with the export purpose and open its stream.
    A bad spec, an unknown field or a forbidden one fails here, before any file is begun."""
    from shuzhi.service.freshness import freshness as freshness_of

    fmt = check_format(fmt)
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    ex = Executor.open(rt, user, model=qs.model, purpose="export")
    cap = ex.max_rows or 10**12
    read = min(cap, xlsx_max_rows - HEAD_ROWS) if fmt == "xlsx" else cap
    compiled, batches = ex.stream(qs, max_rows=read + 1, cancel=cancel)
    fresh = freshness_of(ex, qs)
    as_of = fresh["last_date"] if fresh else None
    columns = [dict(c) for c in compiled.columns]
    return QueryExport(fmt, (title or "").strip() or default_title(columns),
                       filters_text(qs, ex.index, rt.settings.today_date(qs.timezone)), as_of, columns, batches,
                       cap, xlsx_max_rows)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, write: Any) -> Any:
    """Call write(file) on a temporary file in path's folder and rename it to path only when it returns;
    on any error the temporary file is removed and path is left as it was."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ShuzhiError("export_folder_missing", f"输出目录不存在：{folder}", f"The output folder does not exist: {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ShuzhiError("export_unwritable", f"无法写入 {folder}：{exc.strerror}",
                          f"Cannot write to {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            out = write(f)
        os.chmod(tmp, 0o666 & ~_umask())  # as any new file the user makes (mkstemp's are private)
        os.replace(tmp, path)
        return out
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_query_to_file(rt: Runtime, spec: QuerySpec | dict[str, Any], user: UserContext, fmt: str, path: Path, *,
                         title: str | None = None, xlsx_max_rows: int = XLSX_MAX_ROWS) -> tuple[QueryExport, int]:
    """The export written to `path` (atomically); returns the export and its number of data rows."""
    exp = prepare_query_export(rt, spec, user, fmt, title=title, xlsx_max_rows=xlsx_max_rows)
    try:
        rows = write_atomically(path, exp.write)
    finally:
        exp.close()
    return exp, rows
