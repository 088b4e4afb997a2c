"""QuerySpec validation: ad-hoc aggregate items and the bilingual messages of parse_spec (issue 14).

What this protects:
- a metric item {name, field, aggregate} is valid; aggregate without field, field without aggregate,
  compute together with field/aggregate and an unknown aggregation are refused with a 4xx and a message
  in Chinese and English;
- an empty spec and the time_range shapes the analysis page sends (relative, start/end, an open end)
  validate or fail with messages in both languages, the Chinese one free of English phrases.
"""

from __future__ import annotations

import re

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.spec.query_spec import MetricItem, parse_spec

LATIN_WORDS = re.compile(r"\b(needs|either|query|after|should|list)\b")


def _refusal(spec: dict) -> ShuzhiError:
    with pytest.raises(ShuzhiError) as exc:
        parse_spec(spec)
    err = exc.value
    assert err.code == "spec_invalid" and 400 <= err.status < 500
    assert err.zh.startswith("查询定义有误：") and err.en.startswith("The query spec is invalid:")
    return err


def test_adhoc_item_is_valid() -> None:
    qs = parse_spec({"metrics": [{"name": "lead", "field": "orders.lead_days", "aggregate": "avg"},
                                 {"name": "lead_yoy", "compute": {"yoy": "lead"}}]})
    item = qs.metrics[0]
    assert isinstance(item, MetricItem) and (item.field, item.aggregate) == ("orders.lead_days", "avg")


@pytest.mark.parametrize(("item", "zh", "en"), [
    ({"name": "x", "aggregate": "avg"}, "aggregate 需要指定 field", "aggregate needs a field"),
    ({"name": "x", "field": "orders.amount"}, "field 需要指定 aggregate", "field needs an aggregate"),
    ({"name": "x", "field": "orders.amount", "aggregate": "avg", "compute": {"yoy": "revenue"}},
     "只能有 compute 或 field/aggregate 之一", "either compute or field/aggregate"),
    ({"name": "x", "field": "orders.amount", "aggregate": "mode"}, "取值无效", "Input should be"),
])
def test_adhoc_item_refusals(item: dict, zh: str, en: str) -> None:
    err = _refusal({"metrics": [item]})
    assert zh in err.zh and en in err.en


@pytest.mark.parametrize(("spec", "zh"), [
    ({}, "查询至少需要一个指标或维度"),
    ({"metrics": [], "dimensions": []}, "查询至少需要一个指标或维度"),
    ({"metrics": ["revenue"], "time_range": {"relative": "this_year", "start": "2025-01-01"}},
     "time_range 只能用 relative 或 start/end 之一"),
    ({"metrics": ["revenue"], "time_range": {"start": "2025-07-01", "end": "2025-01-01"}},
     "time_range 的开始日期晚于结束日期"),
    ({"metrics": ["revenue"], "time_range": {"field": "time"}}, "time_range 需要 start/end 或 relative"),
    ({"metrics": ["revenue"], "where": [{"field": "customers.region", "op": "in", "values": []}]},
     "运算符 in 需要非空的 values 列表"),
    ({"metrics": ["revenue"], "limit": 0}, "应当不小于 1"),
    ({"metrics": ["revenue"], "colour": "red"}, "不认识的字段"),
])
def test_messages_are_chinese_and_english(spec: dict, zh: str) -> None:
    err = _refusal(spec)
    assert zh in err.zh, err.zh
    assert not LATIN_WORDS.search(err.zh), err.zh


@pytest.mark.parametrize("tr", [
    {"field": "time", "relative": "last_12_months"},
    {"field": "time", "start": "2025-01-01", "end": "2025-06-30"},
    {"field": "time", "start": "2025-01-01"},
    {"end": "2025-06-30"},
])
def test_time_ranges_the_page_sends(tr: dict) -> None:
    qs = parse_spec({"metrics": ["revenue"], "time_range": tr})
    assert qs.time_range is not None and qs.time_range.field == "time"
