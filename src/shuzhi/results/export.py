"""Tabular files for people: XLSX (one sheet per data component) and CSV, written as rows arrive.

    write_xlsx([Sheet(title, columns, rows, filters="地区 = 华东", as_of="2026-10-31")], out)
    write_xlsx([result_sheet(result, "各大区销售额", filters=...), ...], out)   # a dashboard: a sheet per component
    write_csv(columns, batches, out)                 # Arrow record batches, UTF-8 with BOM

Invariants
- Values stay values: numbers are numbers with the metric's number format (XLSX_FORMATS maps the display
  formats of results/format.py to Excel's), dates and timestamps are Excel dates, nothing is pre-formatted
  as text. Headers are the column labels the web app shows.
- No cell from data is ever a formula: in XLSX every string is written as a string cell (and the workbook
  turns no string into a formula, URL or number); in CSV a string starting with = + - @ TAB or CR gets a leading
  apostrophe (OWASP, CSV injection), which spreadsheets show as text.
- Rows are streamed: XLSX through XlsxWriter's constant-memory mode (rows go to a temporary file as they come),
  CSV one Arrow batch at a time; neither holds the whole result.
- A sheet holds at most XLSX_MAX_ROWS rows counting its title, filter and header rows; a sheet that would
  have more stops the whole file with `xlsx_too_many_rows` (nothing is written: the caller writes to a
  temporary file and renames it only on success).
- Sheet names are unique, at most 31 characters, without [ ] : * ? / \\ (Excel's rules).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from shuzhi.errors import ShuzhiError
from shuzhi.results.format import kind_of
from shuzhi.results.result import QueryResult

XLSX_MAX_ROWS = 1_048_576  # Excel's rows per worksheet
HEAD_ROWS = 3  # title, filters / 数据截至, column header
SHEET_NAME_MAX = 31
# A metric's display format (model/schema.py) → an Excel number format. 万/亿 use Excel's scaling comma
# (each "," divides by 1000) and a literal "." (!.) placed inside the digits: 12345678 shows 1234.6万 and
# 123456789 shows 1.23亿, while the cell keeps the exact number.
XLSX_FORMATS = {
    "number": "#,##0.00",
    "integer": "#,##0",
    "percent": "0.0%",
    "currency": '"¥"#,##0.00',
    "wan": '0!.0,"万"',
    "yi": '0!.00,,"亿"',
}
DATE_FORMAT = "yyyy-mm-dd"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # control characters XML cannot hold
_WIDTH_SAMPLE = 200  # rows read ahead to size the columns


@dataclass
class Sheet:
    """One data component as a worksheet.

    columns: result columns (results/schema.py ResultColumn as dicts: name, type, label, role, format).
    rows: the rows' Python values in column order (any iterable; read once, as it streams)."""

    title: str
    columns: Sequence[dict[str, Any]]
    rows: Iterable[Sequence[Any]]
    filters: str = ""
    as_of: str | None = None
    name: str | None = None  # the sheet's name (default: the title)


def result_sheet(result: QueryResult, title: str, *, filters: str = "", as_of: str | None = None,
                 name: str | None = None) -> Sheet:
    """A Sheet of a query result (a dashboard component's answer): its Arrow rows, so dates stay dates
    (the JSON rows have them as text); 数据截至 from the result's freshness unless given."""
    fresh = result.freshness or {}
    return Sheet(title, result.columns, python_rows(result.table.to_batches()), filters=filters,
                 as_of=as_of or (None if fresh.get("empty") else fresh.get("last_date")), name=name)


def too_many_rows(limit: int, head: int, title: str) -> ShuzhiError:
    return ShuzhiError(
        "xlsx_too_many_rows",
        f"「{title}」超过 Excel 单个工作表的上限：最多 {limit - head:,} 行数据（{limit:,} 行含标题、筛选与表头 "
        f"{head} 行）。请加筛选条件缩小范围，或导出为 CSV。",
        f"'{title}' exceeds an Excel worksheet's limit: at most {limit - head:,} data rows ({limit:,} rows "
        f"including the {head} title, filter and header rows). Narrow it down with filters, or export CSV.",
        413, details={"max_rows": limit - head})


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Unique Excel sheet names for the titles: ≤ 31 characters, none of [ ] : * ? / \\, not blank;
    a repeated name gets « (2) », « (3) »… (the lower-case names must differ)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, title in enumerate(titles):
        base = _BAD_SHEET_CHARS.sub("_", _ILLEGAL.sub("", title or "")).strip().strip("'") or f"Sheet{i + 1}"
        name, n = base[:SHEET_NAME_MAX].rstrip("'"), 1  # a name may not begin or end with an apostrophe
        while name.lower() in seen or name.lower() == "history":  # Excel reserves History
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
        seen.add(name.lower())
        out.append(name)
    return out


def number_format(col: dict[str, Any]) -> str | None:
    """The Excel number format of a result column (None: General)."""
    t = col.get("type")
    if t == "date":
        return DATE_FORMAT
    if t == "timestamp":
        return TIMESTAMP_FORMAT
    if t == "time":
        return TIME_FORMAT
    if t not in ("integer", "number"):
        return None
    if col.get("role") != "metric" and not col.get("format"):
        return None  # a numeric dimension (a year, a code) shows as it is, without grouping
    fmt = col.get("format")
    if fmt is None and t == "integer":
        return XLSX_FORMATS["integer"]
    return XLSX_FORMATS[kind_of(fmt)]


_GRAIN = re.compile(r"_(day|week|month|quarter|year)$")
_PERIOD = {"day": "日期", "week": "周", "month": "月份", "quarter": "季度", "year": "年份"}


def header_label(col: dict[str, Any]) -> str:
    """The column's label as the web app shows it (charts/core/columns.ts columnLabel): a period column
    without a label of its own (order_date_month) is named by its grain (月份)."""
    name, label = str(col["name"]), col.get("label")
    grain = _GRAIN.search(name)
    if grain and (not label or label == name):
        return _PERIOD[grain.group(1)]
    return str(label or name)


def cell_value(v: Any) -> Any:
    """A Python value as an XLSX cell value (numbers, dates, text, booleans or None)."""
    if v is None or isinstance(v, bool | int | str):
        return _ILLEGAL.sub("", v) if isinstance(v, str) else v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, decimal.Decimal):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None) if v.tzinfo else v  # Excel has no time zones: the wall-clock time
    if isinstance(v, dt.date | dt.time):
        return v
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, bytes):
        return v.hex()
    return _ILLEGAL.sub("", json.dumps(v, ensure_ascii=False, default=str))


def _display_width(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, float):
        return min(len(f"{v:,.2f}"), 20)
    if isinstance(v, int) and not isinstance(v, bool):
        return len(f"{v:,}")
    if isinstance(v, dt.datetime):
        return 19
    if isinstance(v, dt.date):
        return 10
    text = str(v)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK characters are two columns wide


def column_widths(columns: Sequence[dict[str, Any]], sample: Sequence[Sequence[Any]]) -> list[float]:
    """Widths (in Excel's character units) from the header and the first rows: between 8 and 50."""
    out = []
    for i, col in enumerate(columns):
        w = max([_display_width(header_label(col)), *(_display_width(r[i]) for r in sample)])
        out.append(float(min(50, max(8, w + 2))))
    return out


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes] | str, *, max_rows: int = XLSX_MAX_ROWS) -> list[int]:
    """Write the sheets to `out` (a path or a binary file); returns each sheet's number of data rows.

    XlsxWriter in constant-memory mode: each row goes to a temporary file as it is written, so a sheet's
    size does not grow the process. Raises `xlsx_too_many_rows` as soon as a sheet has more than
    `max_rows` rows in all (title, filters, header and data); nothing is written to `out` then (its
    temporary files are removed), so a caller writing to a path writes to a temporary one and renames."""
    import xlsxwriter

    if not sheets:
        raise ShuzhiError("export_nothing", "没有可导出的数据组件。", "There is no data component to export.", 400)
    # Text is text: no formulas, URLs or numbers guessed from strings; NaN/inf never reach a cell.
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "remove_timezone": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    note_fmt = wb.add_format({"font_color": "#666666"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#EEF2F7", "bottom": 1, "valign": "vcenter"})
    formats: dict[str, Any] = {}

    def fmt_of(code: str | None) -> Any:
        if code is None:
            return None
        if code not in formats:
            formats[code] = wb.add_format({"num_format": code})
        return formats[code]

    counts: list[int] = []
    try:
        for sheet, name in zip(sheets, sheet_names([s.name or s.title for s in sheets]), strict=True):
            ws = wb.add_worksheet(name)
            cols = list(sheet.columns)
            fmts = [fmt_of(number_format(c)) for c in cols]
            rows = iter(sheet.rows)
            first = [list(r) for r in islice(rows, _WIDTH_SAMPLE)]
            for i, w in enumerate(column_widths(cols, first)):
                ws.set_column(i, i, w)
            ws.freeze_panes(HEAD_ROWS, 0)
            ws.write_string(0, 0, _ILLEGAL.sub("", sheet.title), title_fmt)
            notes = [sheet.filters and f"筛选：{sheet.filters}", sheet.as_of and f"数据截至 {sheet.as_of}"]
            ws.write_string(1, 0, _ILLEGAL.sub("", "；".join(n for n in notes if n) or "筛选：无"), note_fmt)
            for j, c in enumerate(cols):
                ws.write_string(2, j, _ILLEGAL.sub("", header_label(c)), head_fmt)
            limit = max_rows - HEAD_ROWS
            n = 0
            for row in _chain(first, rows):
                if n >= limit:
                    raise too_many_rows(max_rows, HEAD_ROWS, sheet.title)
                r = HEAD_ROWS + n
                for j, (v, f) in enumerate(zip(row, fmts, strict=True)):
                    _write(ws, r, j, cell_value(v), f)
                n += 1
            counts.append(n)
    except BaseException:
        for ws in wb.worksheets():  # remove the rows' temporary files; the workbook is never assembled
            fh = getattr(ws, "row_data_fh", None)
            if fh is not None:
                with contextlib.suppress(OSError):
                    fh.close()
                    os.unlink(ws.row_data_filename)
        raise
    wb.close()
    return counts


def _chain(first: list[list[Any]], rest: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield from first
    yield from rest


def _write(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    """One cell by its Python type: text always as a string (never a formula), numbers and dates with the
    column's format; None stays blank."""
    if v is None:
        return
    if isinstance(v, str):
        ws.write_string(r, c, v)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)
    elif isinstance(v, dt.datetime | dt.date | dt.time):
        ws.write_datetime(r, c, v, fmt)
    else:
        ws.write_string(r, c, str(v))


# -- CSV ---------------------------------------------------------------------------------------
BOM = "\ufeff".encode()


def csv_safe_text(v: str) -> str:
    """A string for a CSV cell that no spreadsheet runs as a formula."""
    return "'" + v if v.startswith(_FORMULA_START) else v


def _csv_column(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        risky = pc.match_substring_regex(arr, r"^[=+\-@\t\r]")
        return pc.if_else(risky, pc.binary_join_element_wise("'", arr, ""), arr)
    if pa.types.is_floating(t):
        return pc.if_else(pc.is_finite(arr), _significant(arr), pa.scalar(None, t))  # NaN and infinities: empty
    if pa.types.is_timestamp(t):
        local = pc.local_timestamp(arr) if t.tz is not None else arr  # the wall-clock time, as in XLSX
        return pc.strftime(local.cast(pa.timestamp("s"), safe=False), "%Y-%m-%d %H:%M:%S")
    if pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_dictionary(t):
        vals = [None if v is None else csv_safe_text(str(cell_value(v))) for v in arr.to_pylist()]
        return pa.array(vals, pa.string())
    return arr


def _significant(arr: pa.Array | pa.ChunkedArray, digits: int = 15) -> pa.Array | pa.ChunkedArray:
    """Floats to 15 significant digits: a sum's binary noise goes (2507214.1399999983 is written 2507214.14),
    every digit a double really holds stays."""
    arr = arr.cast(pa.float64())
    mag = pc.abs(arr)
    nonzero = pc.and_(pc.greater(mag, 0.0), pc.is_finite(arr))
    exp = pc.subtract(float(digits), pc.ceil(pc.log10(pc.if_else(nonzero, mag, 1.0))))
    scale = pc.power(10.0, pc.min_element_wise(exp, 300.0))
    rounded = pc.divide(pc.round(pc.multiply(arr, scale)), scale)
    return pc.if_else(pc.and_(nonzero, pc.less(exp, 300.0)), rounded, arr)


def csv_chunks(columns: Sequence[dict[str, Any]], batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM (Excel then reads the Chinese right), the labels as the header, one chunk
    per Arrow batch. Dates are ISO, timestamps wall-clock `YYYY-MM-DD HH:MM:SS`, numbers plain, null
    (and NaN) empty; strings that could start a formula get a leading apostrophe."""
    import csv
    import io

    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow([csv_safe_text(header_label(c)) for c in columns])
    yield BOM + head.getvalue().encode("utf-8")
    opts = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in batches:
        if batch.num_rows == 0:
            continue
        arrays = [_csv_column(batch.column(i)) for i in range(batch.num_columns)]
        safe = pa.RecordBatch.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))])
        sink = pa.BufferOutputStream()
        pacsv.write_csv(safe, sink, write_options=opts)
        yield sink.getvalue().to_pybytes()


def write_csv(columns: Sequence[dict[str, Any]], batches: Iterable[pa.RecordBatch], out: IO[bytes]) -> int:
    """csv_chunks() written to a binary file; returns the number of data rows."""
    n = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal n
        for b in batches:
            n += b.num_rows
            yield b

    for chunk in csv_chunks(columns, counted()):
        out.write(chunk)
    return n


def python_rows(batches: Iterable[pa.RecordBatch]) -> Iterator[list[Any]]:
    """Rows of Python values, one batch at a time (for write_xlsx)."""
    for batch in batches:
        cols = [c.to_pylist() for c in batch.columns]
        yield from (list(r) for r in zip(*cols, strict=True))
