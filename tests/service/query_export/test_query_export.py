"""service/query_export.py without a server: the filters in words (with the demo model's labels), file
names, and the atomic write that leaves nothing behind on an error."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.demo.semantic import demo_model
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.service.query_export import check_format, default_title, file_name, filters_text, write_atomically
from shuzhi.spec.query_spec import parse_spec

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def index() -> ModelIndex:
    return ModelIndex.build(demo_model())


@pytest.mark.parametrize(("spec", "words"), [
    ({"where": [{"field": "customers.region", "op": "=", "value": "华东"}],
      "time_range": {"field": "sales_orders.order_date", "start": "2026-01-01", "end": "2026-03-31"}},
     "大区 = 华东；下单日期 2026-01-01 至 2026-03-31"),
    ({"where": [{"field": "customers.region", "op": "in", "values": ["华东", "华南"]},
                {"or": [{"field": "sales_orders.channel", "op": "!=", "value": "电商"},
                        {"field": "customers.region", "op": "not_in", "values": ["海外"]}]}]},
     "大区 为 华东、华南；（渠道 ≠ 电商 或 大区 不是 海外）"),
    ({"time_range": {"field": "time", "relative": "last_month"},
      "having": [{"field": "revenue", "op": ">", "value": 1000000}]},
     "时间 2026-10-01 至 2026-10-31；销售额 > 1,000,000"),
    ({"where": [{"field": "customers.customer_name", "op": "contains", "value": "精密"},
                {"not": {"field": "sales_orders.order_date", "op": "between", "values": ["2026-01-01", "2026-01-31"]}}]},
     "客户名称 包含「精密」；非（下单日期 介于 2026-01-01 至 2026-01-31）"),
    ({}, ""),
])
def test_filters_in_words(index, spec, words) -> None:  # type: ignore[no-untyped-def]
    qs = parse_spec({"metrics": ["revenue"], **spec})
    assert filters_text(qs, index, TODAY) == words


def test_titles_and_file_names() -> None:
    cols = [{"name": "r", "label": "大区", "role": "dimension"}, {"name": "v", "label": "销售额", "role": "metric"},
            {"name": "g", "label": "毛利率", "role": "metric"}]
    assert default_title(cols) == "销售额、毛利率（按 大区）"
    assert default_title(cols[1:]) == "销售额、毛利率" and default_title([]) == "查询结果"
    assert file_name("销售/毛利: Q1?", "xlsx") == "销售_毛利_ Q1_.xlsx" and file_name(" .. ", "csv") == "export.csv"
    assert check_format(" XLSX ") == "xlsx"
    with pytest.raises(ShuzhiError) as err:
        check_format("pdf")
    assert err.value.code == "bad_export_format" and "xlsx or csv" in err.value.message("en")


def test_an_error_leaves_the_target_as_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")

    def fail(f) -> None:  # type: ignore[no-untyped-def]
        f.write(b"half")
        raise ShuzhiError("boom", "出错", "boom")

    with pytest.raises(ShuzhiError):
        write_atomically(target, fail)
    assert target.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert write_atomically(target, lambda f: f.write(b"new")) == 3 and target.read_bytes() == b"new"
    with pytest.raises(ShuzhiError) as err:
        write_atomically(tmp_path / "missing" / "x.csv", lambda f: None)
    assert err.value.code == "export_folder_missing"
