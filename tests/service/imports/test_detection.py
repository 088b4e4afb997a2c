"""Reading files without SQL: encodings, delimiters, header rows, Excel structure, identifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.sources.files import (
    check_table_name,
    detect_format,
    make_identifier,
    make_identifiers,
    read_excel,
    sniff_layout,
    transcode_to_utf8,
)


def test_formats_come_from_content(data: Path, tmp_path: Path) -> None:
    assert [detect_format(data / n) for n in ("sales_gbk.csv", "report.xlsx", "orders.parquet", "orders.json",
                                              "orders.ndjson", "products_utf16.tsv")] == \
        ["csv", "excel", "parquet", "json", "ndjson", "csv"]
    renamed = tmp_path / "x.xlsx"
    renamed.write_text("a,b\n1,2\n")
    with pytest.raises(ShuzhiError) as e:
        detect_format(renamed)
    assert e.value.code == "file_damaged"
    with pytest.raises(ShuzhiError) as e:
        detect_format(data / "empty.csv")
    assert e.value.code == "empty_file"


def test_gbk_csv_with_chinese_headers(data: Path) -> None:
    lay = sniff_layout(data / "sales_gbk.csv")
    assert (lay.encoding, lay.delimiter, lay.header_row, lay.has_header) == ("gb18030", ",", 1, True)
    assert lay.labels == ["订单号", "客户", "地区", "销售额", "下单日期"]
    assert lay.thousands  # "123,450.0" in quotes


def test_utf16_tsv_and_bom(data: Path, tmp_path: Path) -> None:
    lay = sniff_layout(data / "products_utf16.tsv", suffix=".tsv")
    assert (lay.encoding, lay.delimiter, lay.labels) == ("utf-16", "\t", ["产品", "数量", "单价"])
    out = tmp_path / "u.tsv"
    transcode_to_utf8(data / "products_utf16.tsv", out, lay.encoding)
    text = out.read_text("utf-8")
    assert text.startswith("产品\t数量") and text.count("\n") == 21
    bom = sniff_layout(data / "wide_bom.csv")
    assert bom.encoding == "utf-8-sig" and len(bom.labels) == 250 and bom.labels[0] == "id"


def test_title_line_above_the_header_is_skipped(data: Path) -> None:
    lay = sniff_layout(data / "shipments_bad.csv")
    assert lay.header_row == 2 and lay.labels == ["id", "product", "qty", "price"]


def test_wrong_encoding_is_an_error_with_a_line(data: Path, tmp_path: Path) -> None:
    with pytest.raises(ShuzhiError) as e:
        transcode_to_utf8(data / "sales_gbk.csv", tmp_path / "x", "utf-16-le")
    assert e.value.code in ("encoding_mismatch",) or e.value.details
    with pytest.raises(ShuzhiError) as e:
        sniff_layout(data / "junk.csv")
    assert e.value.code in ("not_a_text_file", "encoding_undetected")


def test_excel_merged_headers_dates_numbers_as_text_totals(data: Path) -> None:
    x = read_excel(data / "report.xlsx")
    assert [s.name for s in x.sheets] == ["销售", "说明"] and x.sheet == "销售"
    assert (x.header_row, x.header_depth) == (3, 2)
    assert x.labels == ["地区", "一季度 销售额", "一季度 数量", "首单日期", "客户数"]
    assert x.types == ["VARCHAR", "DOUBLE", "BIGINT", "DATE", "BIGINT"]
    assert x.totals_rows == [9]  # 合计 on Excel row 9, left out
    rows = x.table.to_pylist()
    assert [r["__row"] for r in rows] == [5, 6, 7, 8]
    assert rows[1][x.names[0]] == "华东"  # merged down from row 5
    assert rows[0][x.names[4]] == 1204  # "1,204" stored as text
    assert str(rows[0][x.names[3]]) == "2025-01-03"
    kept = read_excel(data / "report.xlsx", keep_totals=True)
    assert kept.table.num_rows == 5
    notes = read_excel(data / "report.xlsx", sheet="说明")
    assert notes.header_row == 1 and notes.labels == ["字段", "含义"] and notes.table.num_rows == 2
    with pytest.raises(ShuzhiError) as e:
        read_excel(data / "report.xlsx", sheet="没有")
    assert e.value.code == "unknown_sheet" and "说明" in e.value.zh


def test_identifiers_are_stable_safe_and_unique() -> None:
    assert make_identifier("Order ID") == "order_id"
    cn = make_identifier("销售额")
    assert cn == make_identifier("销售额") and cn.startswith("c_") and cn.isascii()
    assert make_identifier("金额 RMB").startswith("rmb_")
    assert make_identifier("select") == "select_" and make_identifier("2025") == "c_2025"
    assert make_identifiers(["a", "A", "", "列3"]) == ["a", "a_2", "col_3", "col_3_2"]
    assert check_table_name("Sales_2025") == "sales_2025"
    for bad in ("1abc", "a-b", "select", "_shuzhi_x", "t__rejects", "表"):
        with pytest.raises(ShuzhiError):
            check_table_name(bad)
