"""Write the import test files in this folder (the generated files are committed; rerun to refresh).

    .venv/bin/python tests/data/imports/make_files.py

Every file is small and deterministic. What each one exercises is said next to it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def gbk_csv() -> None:
    """GBK-encoded CSV with Chinese headers, quoted fields with commas and thousands separators."""
    lines = ["订单号,客户,地区,销售额,下单日期"]
    regions = ["华东", "华南", "华北", "西南"]
    for i in range(1, 101):
        amount = f'"{(i * 1234.5):,.1f}"'
        lines.append(f"SO{i:05d},客户{i % 7}号,{regions[i % 4]},{amount},2025-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}")
    (HERE / "sales_gbk.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def utf16_tsv() -> None:
    """UTF-16 (with BOM) tab-separated, as Excel's "Unicode text" export writes it."""
    rows = ["产品\t数量\t单价"] + [f"伺服电机{i}\t{i * 3}\t{i * 10.5}" for i in range(1, 21)]
    (HERE / "products_utf16.tsv").write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))


def malformed_csv() -> None:
    """UTF-8 CSV with a title line above the header and three bad lines (6, 9, 12)."""
    lines = ["华精科技 2025 年出货明细", "id,product,qty,price"]
    for i in range(1, 16):
        line_no = len(lines) + 1
        if line_no == 6:
            lines.append(f"{i},gear,not-a-number,1.5")
        elif line_no == 9:
            lines.append(f"{i},gear")
        elif line_no == 12:
            lines.append(f"{i},gear,3,4.5,extra")
        else:
            lines.append(f"{i},gear,{i * 2},{i * 1.5}")
    (HERE / "shipments_bad.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def wide_csv() -> None:
    """250 columns (UTF-8 with BOM), 30 rows."""
    cols = ["id"] + [f"指标{i}" for i in range(1, 250)]
    lines = [",".join(cols)] + [",".join([str(r)] + [str(r * c) for c in range(1, 250)]) for r in range(1, 31)]
    (HERE / "wide_bom.csv").write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))


def upsert_csvs() -> None:
    """Two files for replace / append / upsert: v2 changes id 2 and adds id 4."""
    (HERE / "stock_v1.csv").write_text("sku,name,qty\nA1,轴承,10\nA2,齿轮,20\nA3,电机,30\n", encoding="utf-8")
    (HERE / "stock_v2.csv").write_text("sku,name,qty\nA2,齿轮,25\nA4,编码器,40\n", encoding="utf-8")


def parquet_json() -> None:
    """The same 5 rows as Parquet, JSON (array) and NDJSON."""
    rows = [{"id": i, "客户": f"客户{i}", "金额": i * 100.5, "日期": f"2025-03-{i:02d}"} for i in range(1, 6)]
    pq.write_table(pa.Table.from_pylist(rows), HERE / "orders.parquet")
    (HERE / "orders.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (HERE / "orders.ndjson").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                        encoding="utf-8")


def excel() -> None:
    """Two sheets. 销售: a title line, a two-row header with merged group cells (一季度 over 销售额 and
    数量; 地区 merged down two rows), date cells, numbers stored as text, a region merged down two
    data rows, and 合计 at the bottom. 说明: a plain sheet with the header in row 1."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(HERE / "report.xlsx")
    ws = wb.add_worksheet("销售")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, "华精科技 2025 年一季度销售报表")
    ws.merge_range(2, 0, 3, 0, "地区")
    ws.merge_range(2, 1, 2, 2, "一季度")
    ws.write(3, 1, "销售额")
    ws.write(3, 2, "数量")
    ws.merge_range(2, 3, 3, 3, "首单日期")
    ws.merge_range(2, 4, 3, 4, "客户数")
    data = [("华东", 125000.5, 30, dt.date(2025, 1, 3), "1,204"),
            ("华东", 98000.0, 21, dt.date(2025, 1, 9), "980"),
            ("华南", 87000.25, 18, dt.date(2025, 2, 1), "75"),
            ("华北", 56000.0, 12, dt.date(2025, 2, 14), "60")]
    r = 4
    for region, amount, qty, day, customers in data:
        ws.write(r, 0, region)
        ws.write_number(r, 1, amount)
        ws.write_number(r, 2, qty)
        ws.write_datetime(r, 3, dt.datetime.combine(day, dt.time()), date)
        ws.write_string(r, 4, customers)
        r += 1
    ws.merge_range(4, 0, 5, 0, "华东")  # a region merged down its two rows
    ws.write(r, 0, "合计")
    ws.write_number(r, 1, sum(d[1] for d in data))
    ws.write_number(r, 2, sum(d[2] for d in data))
    notes = wb.add_worksheet("说明")
    notes.write_row(0, 0, ["字段", "含义"])
    notes.write_row(1, 0, ["销售额", "含税金额（元）"])
    notes.write_row(2, 0, ["数量", "台"])
    wb.close()


def junk() -> None:
    """Binary junk with a .csv name, and an empty file."""
    (HERE / "junk.csv").write_bytes(bytes(range(256)) * 8)
    (HERE / "empty.csv").write_bytes(b"")


if __name__ == "__main__":
    for fn in (gbk_csv, utf16_tsv, malformed_csv, wide_csv, upsert_csvs, parquet_json, excel, junk):
        fn()
    print("written:", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
