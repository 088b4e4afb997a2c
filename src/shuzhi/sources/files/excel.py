"""Excel workbooks (.xlsx, .xlsm, .xls) read with python-calamine into Arrow.

Invariants
- Cells are read by calamine (Rust) in one call per sheet; Python only classifies columns and
  converts values column by column — no per-cell openpyxl objects.
- Merged cells take the value of their top-left cell everywhere in the range (a region name
  merged down a block of rows is repeated on each row; a merged group header spans its columns).
- The header row(s), and the totals and notes rows below the data, are found by header.locate (see
  header.py): merged titles, unit and notes lines are skipped; a group header merged over sub-headers
  joins both lines ("一季度 销售额"). Totals rows (合计, 本期合计, Total ...) are flagged by their Excel row
  number and left out unless keep_totals is set; notes rows (备注, 制表人 ...) are always left out and
  reported (footer_rows).
- The Arrow table has one column per header (named by make_identifiers) plus `__row`, the
  1-based Excel row number of each data row, used to report rows that cannot be converted.
- The chosen sheet's SheetInfo counts what will be imported: `rows` = data rows (below the header,
  blank rows and left-out totals rows not counted), `columns` = imported columns, and
  `rows_before_data` = the sheet rows above and at the header (title lines + header lines).
- Column types: numbers (also numbers stored as text, "1,234", "¥12.5", "15%") become BIGINT or
  DOUBLE; date cells and date text ("2025/1/3", "2025年1月3日") DATE or TIMESTAMP; true/false
  BOOLEAN; anything mixed stays VARCHAR with numbers written without a trailing ".0".
- Before calamine sees an .xlsx/.xlsm (a zip), `check_workbook` refuses (4xx) a workbook whose parts
  declare more than MAX_UNZIPPED_MB in all, a large part compressed more than MAX_RATIO times (a
  778 KB file that expands to 319 MB cost 1.5 GB per preview), too many parts, or an XML part with a
  DOCTYPE (entity declarations: billion laughs). Calamine's own errors are bad_excel_file (400).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from shuzhi.errors import ShuzhiError
from shuzhi.sources.files.header import filled, locate
from shuzhi.sources.files.names import make_identifiers

_NUM = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?$")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
ARROW_TYPES = {"BIGINT": pa.int64(), "DOUBLE": pa.float64(), "DATE": pa.date32(),
               "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_(), "VARCHAR": pa.string()}


@dataclass
class SheetInfo:
    name: str
    rows: int | None  # data rows to import; None for sheets that were not read (only the chosen one is)
    columns: int | None
    rows_before_data: int | None = None  # title and header rows above the data (the chosen sheet)


@dataclass
class ExcelData:
    sheets: list[SheetInfo]
    sheet: str
    header_row: int  # 1-based Excel row of the (first) header line
    header_depth: int  # 1, or 2-3 with merged group headers
    labels: list[str]
    names: list[str]
    types: list[str]  # inferred DuckDB types, one per column
    table: pa.Table  # names + __row
    totals_rows: list[int] = field(default_factory=list)  # 1-based Excel rows flagged as totals
    merged_cells: int = 0
    footer_rows: list[int] = field(default_factory=list)  # 1-based rows of notes below the data (left out)
    confidence: str = "high"  # header.judge: low when the header looks like a title, ...
    reasons: list[str] = field(default_factory=list)
    top: list[list[str]] = field(default_factory=list)  # the sheet's first TOP_ROWS rows as text (merged: top-left)


# Workbook expansion limits (checked on the zip's declared sizes before anything is decompressed,
# except the XML prologs). Calamine needs about 5 bytes of memory per uncompressed byte of sheet XML.
TOP_ROWS = 40  # first rows returned for the preview's "which row is the header" view
MAX_UNZIPPED_MB = 512
MAX_RATIO = 100  # ordinary workbooks compress 5–30 times; 319 MB from 778 KB is 410
RATIO_FROM_MB = 8  # small parts may compress better than that without harm
MAX_PARTS = 10_000
_PROLOG_MAX = 64 * 1024  # an XML prolog (declaration, comments) longer than this is refused


def _refuse(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, zh, en, 422)


def _has_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does this XML part declare a DOCTYPE (the only place entities can be declared)? Reads only its
    prolog: the declaration, comments and processing instructions before the first element."""
    with z.open(info) as f:
        raw = f.read(_PROLOG_MAX)
    full = len(raw) == _PROLOG_MAX  # there may be more prolog than we read
    # UTF-16 parts: without the byte-order mark and the zero bytes the markup reads as ASCII
    head = raw.removeprefix(b"\xef\xbb\xbf").removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff")
    head = head.replace(b"\x00", b"")
    i = 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        if head.startswith(b"<?", i):
            close = b"?>"
        elif head.startswith(b"<!--", i):
            close = b"-->"
        else:  # the root element, a DOCTYPE, or the end of what we read
            return head[i:i + 9].upper() == b"<!DOCTYPE" or (i >= len(head) and full)
        end = head.find(close, i)
        if end < 0:
            return full  # a prolog that does not end within the limit is refused too
        i = end + len(close)


def check_workbook(path: Path) -> None:
    """Refuse an .xlsx/.xlsm whose expansion is out of bounds or that declares XML entities, before
    calamine reads it. Old .xls files (not zips) are bounded by the upload size alone."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise _refuse("excel_too_complex", f"工作簿包含 {len(parts):,} 个部件，超过上限 {MAX_PARTS:,}。",
                              f"The workbook has {len(parts):,} parts, over the limit of {MAX_PARTS:,}.")
            total = sum(p.file_size for p in parts)
            if total > MAX_UNZIPPED_MB * 1024 * 1024:
                raise _refuse("excel_too_large",
                              f"工作簿解压后有 {total / 1048576:,.0f} MB，超过上限 {MAX_UNZIPPED_MB} MB。请拆分文件或另存为 CSV。",
                              f"The workbook expands to {total / 1048576:,.0f} MB, over the limit of {MAX_UNZIPPED_MB} MB. "
                              "Split it or save it as CSV.")
            for p in parts:
                if p.file_size > RATIO_FROM_MB * 1024 * 1024 and p.file_size > MAX_RATIO * max(p.compress_size, 1):
                    raise _refuse("excel_suspicious",
                                  f"工作簿中的 {p.filename[:100]} 压缩比异常（{p.file_size // max(p.compress_size, 1)} 倍），"
                                  "疑似压缩炸弹，已拒绝。请另存为 CSV 再导入。",
                                  f"The workbook part {p.filename[:100]} is compressed "
                                  f"{p.file_size // max(p.compress_size, 1)} times, which looks like a zip bomb; "
                                  "refused. Save it as CSV and import that.")
            for p in parts:
                if p.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_doctype(z, p):
                    raise _refuse("excel_dtd", f"工作簿中的 {p.filename[:100]} 含有 DTD（实体声明），出于安全原因不予读取。",
                                  f"The workbook part {p.filename[:100]} contains a DTD (entity declarations); "
                                  "it is refused for safety.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise _bad_file(exc) from None


def _bad_file(exc: BaseException) -> ShuzhiError:
    first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return ShuzhiError(
        "bad_excel_file",
        f"无法读取 Excel 文件：{first}。请确认文件没有损坏、没有加密。",
        f"Cannot read the Excel file: {first}. Check that it is not damaged or password-protected.",
    )


def _open(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    check_workbook(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged or foreign files
        raise _bad_file(exc) from None


def read_excel(path: Path, *, sheet: str | None = None, header_row: int | None = None,
               keep_totals: bool = False) -> ExcelData:
    """Read one sheet (default: the first) with its header and typed columns."""
    wb = _open(path)
    names = list(wb.sheet_names)
    if not names:
        raise ShuzhiError("empty_file", "工作簿中没有工作表。", "The workbook has no sheets.")
    chosen = names[0] if sheet is None else sheet
    if chosen not in names:
        raise ShuzhiError(
            "unknown_sheet",
            f"工作簿中没有名为「{sheet}」的工作表，可选：{'、'.join(names)}。",
            f"The workbook has no sheet named '{sheet}'; choose one of: {', '.join(names)}.",
            details={"sheets": names},
        )
    try:
        ws = wb.get_sheet_by_name(chosen)
        grid: list[list[Any]] = ws.to_python(skip_empty_area=False)
        merged: list[tuple[tuple[int, int], tuple[int, int]]] = list(ws.merged_cell_ranges or [])
    except Exception as exc:  # noqa: BLE001 - calamine's XML and zip errors: a damaged sheet
        raise _bad_file(exc) from None
    finally:
        wb.close()
    infos = [SheetInfo(n, None, None) for n in names]  # the chosen sheet's counts are filled by _parse
    return _parse(grid, merged, infos, chosen, header_row, keep_totals)


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _parse(grid: list[list[Any]], merged: list, infos: list[SheetInfo], sheet: str,
           header_row: int | None, keep_totals: bool) -> ExcelData:
    while grid and not any(filled(v) for v in grid[-1]):
        grid.pop()
    if not grid:
        raise ShuzhiError("empty_sheet", f"工作表「{sheet}」是空的。", f"The sheet '{sheet}' is empty.")
    width = max(len(r) for r in grid)
    while width > 1 and all(len(r) < width or not filled(r[width - 1]) for r in grid):
        width -= 1
    grid = [(r + [None] * width)[:width] if len(r) != width else r for r in grid]
    if header_row is not None and not 1 <= header_row <= len(grid):
        raise ShuzhiError("bad_header_row", f"表头行 {header_row} 超出了工作表的行数（{len(grid)}）。",
                          f"Header row {header_row} is beyond the sheet's {len(grid)} rows.")
    found = locate(grid, merged, width, None if header_row is None else header_row - 1)
    first_rows = [[_text(v).strip() if filled(v) else "" for v in row] for row in grid[:TOP_ROWS]]
    for (r0, c0), (r1, c1) in merged:  # every cell of a merged range shows its top-left value
        top = grid[r0][c0] if r0 < len(grid) and c0 < width else None
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                grid[r][c] = top
    h, depth = found.row, found.depth
    keep = set(found.totals) if keep_totals else set()
    body = [(i + 1, grid[i]) for i in range(h + depth, len(grid))
            if (i < found.end or i in keep) and any(filled(v) for v in grid[i])]
    idents = make_identifiers(found.labels)
    types, arrays = [], []
    for c in range(width):
        typ, arr = _column([row[c] for _, row in body])
        types.append(typ)
        arrays.append(arr)
    table = pa.table([*arrays, pa.array([n for n, _ in body], pa.int64())], names=[*idents, "__row"])
    infos = [SheetInfo(i.name, len(body), width, h + depth) if i.name == sheet else i for i in infos]
    return ExcelData(sheets=infos, sheet=sheet, header_row=h + 1, header_depth=depth, labels=found.labels,
                     names=idents, types=types, table=table, totals_rows=[r + 1 for r in found.totals],
                     merged_cells=len(merged), footer_rows=[r + 1 for r in found.notes],
                     confidence=found.confidence, reasons=found.reasons, top=first_rows)


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def parse_number(s: str) -> float | None:
    """A number written as text ("1,234.5", "¥12", "15%", "(300)" is not accepted); None if it is not one."""
    t = s.strip().replace("¥", "").replace("￥", "").replace(" ", "")
    pct = t.endswith("%")
    t = t.rstrip("%")
    if not _NUM.match(t):
        return None
    v = float(t.replace(",", ""))
    return v / 100 if pct else v


def parse_date_text(s: str) -> dt.datetime | None:
    m = _DATE_TEXT.match(s.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss = (int(x) if x else 0 for x in m.groups())
    try:
        return dt.datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None


def _kind(v: Any) -> str | None:
    """The kind of one cell: int, float, date, ts, bool, str, or None when empty."""
    t = type(v)
    if t is float:
        return "int" if v.is_integer() and -2**53 < v < 2**53 else "float"
    if t is str:
        if not v.strip():
            return None
        n = parse_number(v)
        if n is not None:
            return "int" if n.is_integer() and abs(n) < 2**53 and "." not in v and "%" not in v else "float"
        d = parse_date_text(v)
        if d is not None:
            return "date" if d.time() == dt.time(0) else "ts"
        return "str"
    if v is None:
        return None
    if t is bool:
        return "bool"
    if t is int:
        return "int" if abs(v) < 2**53 else "float"
    if t is dt.datetime:
        return "date" if v.time() == dt.time(0) else "ts"
    if t is dt.date:
        return "date"
    return "str"  # time of day, durations


def _fast_column(values: list[Any]) -> tuple[str, pa.Array] | None:
    """Columns of only number cells, or only date cells (plus empty ones), converted in C."""
    empty = values.count("") + values.count(None)
    nums = [v for v in values if type(v) is float]
    if nums and len(nums) + empty == len(values):
        arr = pa.array([v if type(v) is float else None for v in values], pa.float64())
        if all(map(float.is_integer, nums)) and max(map(abs, nums)) < 2**53:
            return "BIGINT", arr.cast(pa.int64())
        return "DOUBLE", arr
    days = [v for v in values if type(v) is dt.date]
    if days and len(days) + empty == len(values):
        return "DATE", pa.array([v if type(v) is dt.date else None for v in values], pa.date32())
    return None


def _column(values: list[Any]) -> tuple[str, pa.Array]:
    """Infer a column's type from its cells and convert them (None for empty cells).

    Stops classifying at the first cell that can only be text; plain numeric columns convert
    without per-cell function calls (this is the hot loop of an Excel import)."""
    fast = _fast_column(values)
    if fast is not None:
        return fast
    kinds: set[str] = set()
    for v in values:
        k = _kind(v)
        if k is not None:
            kinds.add(k)
            if k == "str":
                break
    if not kinds or "str" in kinds:
        typ = "VARCHAR"
    elif kinds <= {"int"}:
        typ = "BIGINT"
    elif kinds <= {"int", "float"}:
        typ = "DOUBLE"
    elif kinds <= {"date"}:
        typ = "DATE"
    elif kinds <= {"date", "ts"}:
        typ = "TIMESTAMP"
    elif kinds == {"bool"}:
        typ = "BOOLEAN"
    else:
        typ = "VARCHAR"
    if typ == "VARCHAR":
        out = [(v.strip() or None) if type(v) is str else (None if v is None else _text(v)) for v in values]
    elif typ in ("BIGINT", "DOUBLE"):
        cast = int if typ == "BIGINT" else float
        out = [cast(v) if type(v) is float or type(v) is int else _convert(v, typ) for v in values]
    else:
        out = [_convert(v, typ) for v in values]
    return typ, pa.array(out, ARROW_TYPES[typ])


def _convert(v: Any, typ: str) -> Any:
    if _empty(v):
        return None
    if typ == "VARCHAR":
        return _text(v).strip() if isinstance(v, str) else _text(v)
    if typ in ("BIGINT", "DOUBLE"):
        n = parse_number(v) if isinstance(v, str) else float(v)
        return int(n) if typ == "BIGINT" else n  # type: ignore[arg-type]
    if typ in ("DATE", "TIMESTAMP"):
        d = parse_date_text(v) if isinstance(v, str) else v
        if typ == "DATE":
            return d.date() if isinstance(d, dt.datetime) else d
        return d if isinstance(d, dt.datetime) else dt.datetime.combine(d, dt.time(0))
    return bool(v)
