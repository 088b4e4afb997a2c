"""The tabular writers (results/export.py), checked by opening the files: openpyxl for XLSX, the csv
module for CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import openpyxl
import pyarrow as pa
import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.results.export import (
    HEAD_ROWS,
    XLSX_FORMATS,
    Sheet,
    csv_safe_text,
    python_rows,
    result_sheet,
    sheet_names,
    write_csv,
    write_xlsx,
)

COLUMNS = [
    {"name": "region", "type": "string", "label": "大区", "role": "dimension"},
    {"name": "month", "type": "date", "label": "月份", "role": "dimension"},
    {"name": "year", "type": "integer", "label": "年", "role": "dimension"},
    {"name": "revenue", "type": "number", "label": "销售额", "role": "metric", "format": "currency"},
    {"name": "margin", "type": "number", "label": "毛利率", "role": "metric", "format": "percent"},
    {"name": "orders", "type": "integer", "label": "订单数", "role": "metric"},
    {"name": "big", "type": "number", "label": "产值", "role": "metric", "format": "wan"},
    {"name": "at", "type": "timestamp", "label": "时间", "role": "dimension"},
]
EVIL = "=cmd|' /C calc'!A0"


def _table() -> pa.Table:
    return pa.table({
        "region": ["华东", EVIL, "+SUM(A1)", None],
        "month": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1), None],
        "year": [2026, 2026, 2026, 2025],
        "revenue": [1234567.891, 0.5, None, -20.0],
        "margin": [0.153, float("nan"), 0.2, 1.0],
        "orders": pa.array([12, 3, 0, 1], pa.int64()),
        "big": [123456789.0, 1.0, 2.0, 3.0],
        "at": pa.array([dt.datetime(2026, 1, 1, 8, 30)] * 4, pa.timestamp("us")),
    })


def _xlsx(tmp_path, sheets, **kw):  # type: ignore[no-untyped-def]
    path = tmp_path / "out.xlsx"
    counts = write_xlsx(sheets, str(path), **kw)
    return counts, openpyxl.load_workbook(path)


def test_xlsx_keeps_numbers_dates_and_formats(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = Sheet("华东销售额", COLUMNS, python_rows(_table().to_batches(max_chunksize=2)),
                  filters="大区 = 华东；下单日期 2026-01-01 至 2026-03-31", as_of="2026-10-31")
    counts, wb = _xlsx(tmp_path, [sheet])
    assert counts == [4]
    ws = wb["华东销售额"]
    assert ws["A1"].value == "华东销售额"
    assert ws["A2"].value == "筛选：大区 = 华东；下单日期 2026-01-01 至 2026-03-31；数据截至 2026-10-31"
    assert [c.value for c in ws[3]] == [c["label"] for c in COLUMNS]  # the labels the web shows
    assert ws.freeze_panes == f"A{HEAD_ROWS + 1}"
    row = ws[4]
    assert row[0].value == "华东" and row[0].data_type == "s"
    assert row[1].is_date and row[1].value.date() == dt.date(2026, 1, 1) and row[1].number_format == "yyyy-mm-dd"
    assert row[2].value == 2026 and row[2].number_format == "General"  # a numeric dimension is not grouped
    assert row[3].value == pytest.approx(1234567.891) and row[3].data_type == "n"
    assert row[3].number_format == XLSX_FORMATS["currency"] == '"¥"#,##0.00'
    assert row[4].value == pytest.approx(0.153) and row[4].number_format == "0.0%"
    assert row[5].value == 12 and row[5].number_format == "#,##0"
    assert row[6].number_format == '0!.0,"万"'
    assert row[7].is_date and row[7].value == dt.datetime(2026, 1, 1, 8, 30)
    assert ws["E5"].value is None  # NaN is an empty cell
    # the widths fit the header and the values: wider for the long money column than the minimum
    assert ws.column_dimensions["D"].width >= len("1,234,567.89")


def test_xlsx_never_writes_a_formula_from_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, wb = _xlsx(tmp_path, [Sheet(EVIL, COLUMNS, python_rows(_table().to_batches()), filters=f"大区 = {EVIL}")])
    ws = wb.worksheets[0]
    assert ws["A5"].value == EVIL and ws["A5"].data_type == "s"
    assert ws["A6"].value == "+SUM(A1)" and ws["A6"].data_type == "s"
    assert ws["A1"].value == EVIL and ws["A1"].data_type == "s"  # the title too
    formulas = [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    with open(tmp_path / "out.xlsx", "rb") as f:  # nothing in the sheet XML is a <f> element
        import zipfile

        xml = zipfile.ZipFile(f).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_cap_counts_the_title_filter_and_header_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [["华东", None, 2026, 1.0, 0.1, 1, 1.0, None]] * 7
    counts, _ = _xlsx(tmp_path, [Sheet("刚好", COLUMNS, iter(rows))], max_rows=7 + HEAD_ROWS)
    assert counts == [7]
    with pytest.raises(ShuzhiError) as err:
        write_xlsx([Sheet("太多", COLUMNS, iter(rows))], str(tmp_path / "x.xlsx"), max_rows=6 + HEAD_ROWS)
    e = err.value
    assert e.code == "xlsx_too_many_rows" and e.status == 413
    assert "6" in e.message("zh") and "Excel" in e.message("zh") and "CSV" in e.message("en")
    assert "including the 3 title, filter and header rows" in e.message("en")


def test_one_sheet_per_component_with_excel_safe_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    long = "各大区各产品线的月度销售额与毛利率趋势（含同比环比）对比分析"
    names = sheet_names(["销售[月度]:a/b?", "销售[月度]:a/b?", long, long, "", "History"])
    assert names[0] == "销售_月度__a_b_" and names[1] == "销售_月度__a_b_ (2)"
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
    assert names[2] == long[:31] and names[3].endswith(" (2)") and names[4] == "Sheet5"
    sheets = [Sheet(t, COLUMNS[:1], iter([["华东"]])) for t in ("销售", "销售", "质量")]
    counts, wb = _xlsx(tmp_path, sheets)
    assert counts == [1, 1, 1] and wb.sheetnames == ["销售", "销售 (2)", "质量"]
    with pytest.raises(ShuzhiError):
        write_xlsx([], io.BytesIO())
    from shuzhi.results.export import header_label

    assert header_label({"name": "order_date_month", "label": "order_date_month"}) == "月份"
    assert header_label({"name": "order_date_month", "label": "下单月"}) == "下单月"
    assert header_label({"name": "revenue"}) == "revenue"
    assert sheet_names(["History", "a" * 30 + "'b", "'x'"]) == ["History (2)", "a" * 30, "x"]


def test_a_result_becomes_a_sheet_with_real_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.results.result import QueryResult

    result = QueryResult(_table(), COLUMNS, "SELECT 1", freshness={"first_date": "2025-01-01", "last_date": "2026-10-31"})
    _, wb = _xlsx(tmp_path, [result_sheet(result, "各月销售", filters="大区 = 华东")])
    ws = wb.active
    assert ws["A2"].value == "筛选：大区 = 华东；数据截至 2026-10-31"
    assert ws["B4"].is_date and ws["D4"].number_format == '"¥"#,##0.00'


def test_csv_has_a_bom_labels_and_reads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    assert write_csv(COLUMNS, _table().to_batches(max_chunksize=3), buf) == 4
    raw = buf.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [c["label"] for c in COLUMNS]
    assert rows[1] == ["华东", "2026-01-01", "2026", "1234567.891", "0.153", "12", "123456789", "2026-01-01 08:30:00"]
    assert rows[2][0] == "'" + EVIL and rows[2][4] == ""  # formula text is escaped; NaN is empty
    assert rows[3][0] == "'+SUM(A1)" and rows[4][0] == "" and rows[4][1] == ""


def test_csv_floats_lose_their_binary_noise_not_their_digits() -> None:
    cols = [{"name": "v", "type": "number", "label": "销售额", "role": "metric"}]
    table = pa.table({"v": pa.array([2507214.1399999983, 0.40961056481597496, 0.1 + 0.2, 0.0, -3.5e-7, None])})
    buf = io.BytesIO()
    write_csv(cols, table.to_batches(), buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue().decode("utf-8-sig"))))
    assert [r[0] if r else "" for r in rows[1:]] == ["2507214.14", "0.409610564815975", "0.3", "0", "-3.5e-7", ""]


def test_csv_safe_text() -> None:
    for s in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe_text(s) == "'" + s
    assert csv_safe_text("华东") == "华东" and csv_safe_text("a=b") == "a=b"


class _Sink:
    """A binary file that keeps only the size of what it is given."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, b: bytes) -> int:
        self.size += len(b)
        return len(b)


def test_a_million_rows_stream_to_csv_in_bounded_memory() -> None:
    """1,048,576 rows (16 batches of 65,536) made on the fly: the writer holds one batch at a time.
    Python's peak (tracemalloc) and Arrow's live allocations stay far below the ~40 MB of output."""
    import tracemalloc

    cols = COLUMNS[:2] + COLUMNS[3:4]
    arrow_peak = 0

    def batches():  # type: ignore[no-untyped-def]
        nonlocal arrow_peak
        for k in range(16):
            ids = pa.array(np.arange(k * 65_536, (k + 1) * 65_536))
            days = pa.array(ids.to_numpy() % 365, pa.int64()).cast(pa.int32()).cast(pa.date32())
            yield pa.record_batch({"region": pc_cast_str(ids), "month": days, "revenue": pa.array(ids.to_numpy() * 1.5)})
            arrow_peak = max(arrow_peak, pa.total_allocated_bytes())

    sink = _Sink()
    tracemalloc.start()
    try:
        assert write_csv(cols, batches(), sink) == 1_048_576  # type: ignore[arg-type]
        _, py_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 30 * 2**20
    print(f"1,048,576 rows, {sink.size / 2**20:.1f} MB of CSV: Python peak {py_peak / 2**20:.2f} MB, "
          f"Arrow peak {arrow_peak / 2**20:.2f} MB")
    assert py_peak < 12 * 2**20, py_peak  # about one batch of CSV text (~2 MB) and its copies
    assert arrow_peak < 16 * 2**20, arrow_peak


def pc_cast_str(ids: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise("SO", pc.cast(ids, pa.string()), "")
