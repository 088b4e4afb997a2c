"""The import preview counts data rows — below the title lines and the header — for CSV (UTF-8, GBK with
CRLF, UTF-16, quoted fields spanning lines) and Excel, on ERP-style reports exported from the demo
warehouse; the count equals what the import then loads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from shuzhi.service import imports as imp
from shuzhi_testing import demo_file, login

N = 3000
HEADER = ["订单号", "行号", "下单日期", "地区", "金额", "状态"]
TITLE = ["华精科技 销售订单明细", "导出日期：2026-11-26 制表：财务部"]


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The first N order lines of the demo company, as its ERP would export them."""
    path = demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-11-25")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT o.order_id, o.line_no, o.order_date, c.region, o.amount, o.status FROM sales_orders o "
            "JOIN customers c USING (customer_id) ORDER BY o.order_id, o.line_no LIMIT ?", [N]).fetchall()
    finally:
        con.close()


def _csv_text(rows: list[tuple], newline: str = "\n", note: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    for t in TITLE:
        buf.write(t + newline)
    buf.write(newline)  # a blank line under the title
    w.writerow(HEADER + (["备注"] if note else []))
    for i, r in enumerate(rows):
        w.writerow([*r] + ([f"第 {i} 行\n加急"] if note and i % 7 == 0 else [f"第 {i} 行"] if note else []))
        if i == N // 2:
            buf.write(newline)  # an empty line in the middle: not a row
    buf.write(newline + newline)  # trailing empty lines
    return buf.getvalue()


@pytest.mark.parametrize(("name", "encoding", "newline", "note"), [
    ("utf8.csv", "utf-8", "\n", False),
    ("gbk_crlf.csv", "gb18030", "\r\n", False),
    ("utf16.csv", "utf-16", "\n", False),
    ("multiline.csv", "utf-8", "\n", True),
])
def test_csv_preview_counts_data_rows(rt, tmp_path: Path, orders, name, encoding, newline, note) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / name
    f.write_bytes(_csv_text(orders, newline, note).encode(encoding))
    p = imp.preview(rt, f, name, imp.ImportOptions())
    assert p["header_row"] == 4 and p["rows_before_data"] == 4  # two title lines, a blank line, the header
    assert p["data_rows"] == N, p["data_rows"]
    assert p["rows"][0][0] == orders[0][0]
    result = imp.run_import_inline(rt, f, name, imp.ImportOptions(table=f"t_{name.split('.')[0]}"), user=None)
    assert result["rows"] == p["data_rows"]


def test_excel_preview_counts_data_rows(rt, tmp_path: Path, orders) -> None:  # type: ignore[no-untyped-def]
    import xlsxwriter

    f = tmp_path / "orders.xlsx"
    wb = xlsxwriter.Workbook(str(f))
    ws = wb.add_worksheet("订单明细")
    ws.write(0, 0, TITLE[0])
    ws.write(1, 0, TITLE[1])
    ws.write_row(3, 0, HEADER)  # row 3 (Excel row 3) stays empty
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, (oid, line, day, region, amount, status) in enumerate(orders, start=4):
        ws.write_row(i, 0, [oid, line])
        ws.write_datetime(i, 2, day, date)
        ws.write_row(i, 3, [region, amount, status])
    ws.write_row(N + 4, 0, ["合计", None, None, None, sum(r[4] for r in orders)])
    wb.add_worksheet("说明").write(0, 0, "口径说明")
    wb.close()

    p = imp.preview(rt, f, "orders.xlsx", imp.ImportOptions())
    assert p["header_row"] == 4 and p["rows_before_data"] == 4 and p["totals_rows"] == [N + 5]
    assert p["data_rows"] == N  # not N + 5 (the sheet's used rows) nor N + 1 (with the totals row)
    assert p["sheets"][0] == {"name": "订单明细", "rows": N, "columns": 6, "rows_before_data": 4}
    assert p["sheets"][1] == {"name": "说明", "rows": None, "columns": None, "rows_before_data": None}
    kept = imp.preview(rt, f, "orders.xlsx", imp.ImportOptions(keep_totals=True))
    assert kept["data_rows"] == kept["sheets"][0]["rows"] == N + 1
    assert imp.run_import_inline(rt, f, "orders.xlsx", imp.ImportOptions(table="xl_orders"), user=None)["rows"] == N


def test_excel_report_without_title_lines(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    """macrodata.xls (statsmodels): 252 used rows on the Quarterly sheet = its header + 251 quarters."""
    p = imp.preview(rt, data / "macrodata.xls", "macrodata.xls", imp.ImportOptions(sheet="Quarterly"))
    assert (p["data_rows"], p["rows_before_data"], p["header_row"]) == (251, 1, 1)
    assert [s["rows"] for s in p["sheets"]] == [None, None, 251]


def test_api_preview_row_count(make_client, data: Path) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    with open(data / "report.xlsx", "rb") as f:
        r = client.post("/api/v1/imports/preview", files={"file": ("report.xlsx", f)}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    # two title lines and a two-row group header above 4 data rows; the totals row is left out
    assert (p["data_rows"], p["rows_before_data"], p["header_row"], p["totals_rows"]) == (4, 4, 3, [9])
    assert p["sheets"][0]["rows"] == 4 and p["sheets"][0]["rows_before_data"] == 4
    with open(data / "sales_gbk.csv", "rb") as f:
        r = client.post("/api/v1/imports/preview", files={"file": ("sales.csv", f)}, headers=h)
    assert (r.json()["data_rows"], r.json()["rows_before_data"]) == (100, 1)
    with open(data / "orders.parquet", "rb") as f:
        r = client.post("/api/v1/imports/preview", files={"file": ("orders.parquet", f)}, headers=h)
    assert r.status_code == 200 and r.json()["data_rows"] is None  # counted for CSV and Excel only


@pytest.mark.parametrize(("raw", "want"), [
    (b"a\n\nb", 2), (b"\na\r\n\r\nb\r\n", 2), (b"\n\n\n", 0), (b"x", 1), (b"ab\n\ncd\n", 2),
    (b"a\r\n\r\nb\r\n\r\n", 2), (b"\n\n\nabc\n\r\n", 1), (b"a\n" + b"\n" * 5 + b"b\n", 2),
])
def test_empty_lines_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes,
                                             want: int) -> None:
    """The newline count sees an empty line whose newlines fall in two chunks exactly once."""
    from shuzhi.sources.files import text

    f = tmp_path / "t.csv"
    f.write_bytes(raw)
    assert text._nonempty_lines(f) == want
    monkeypatch.setattr(text, "CHUNK", 3)
    assert text._nonempty_lines(f) == want
