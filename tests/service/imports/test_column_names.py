"""Imported columns are named by their cleaned header text (sources/files/names.py)."""

from __future__ import annotations

from shuzhi.sources.files import is_column_name, make_identifier, make_identifiers
from shuzhi.sources.files.names import legacy_identifier, legacy_identifiers


def test_column_names_are_the_cleaned_headers() -> None:
    assert make_identifier("Order ID") == "Order ID" and make_identifier("销售额") == "销售额"
    assert make_identifier("  订单\u3000 金额\t(元) ") == "订单 金额 (元)"
    assert make_identifier('a"b`c[d]') == "abcd" and make_identifier("单价.含税") == "单价_含税"
    assert make_identifier("x\x00y\u200bz") == "xyz" and make_identifier("__row") == "_row"
    assert make_identifier("", 4) == "列4" and make_identifier(" \t ", 2) == "列2"
    assert make_identifier("select") == "select" and make_identifier("2025") == "2025"
    long = make_identifier("长" * 100)
    assert len(long) == 63
    assert make_identifiers(["订单号", "订单号", "a", "A", "", "列3"]) == ["订单号", "订单号_2", "a", "A_2", "列5", "列3"]
    assert make_identifiers(["长" * 100, "长" * 100])[1] == "长" * 61 + "_2"
    assert is_column_name("订单号") and not is_column_name(" 订单号") and not is_column_name("a.b")
    assert legacy_identifier("销售额").startswith("c_") and legacy_identifiers(["Order ID", "order id"]) == [
        "order_id", "order_id_2"]
