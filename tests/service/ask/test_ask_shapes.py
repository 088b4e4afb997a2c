"""The shape of a compared answer (service/ask_intents.py with the parser's intent_args): the amount less, two
members against each other, a ranking without the empty member, the top N's share together, one growth rate,
a rate against the whole of last year and two periods side by side — each checked against plain queries over
the same demo warehouse. Demo: scale 0.02, seed 42, data to 2026-10-31, today 2026-11-26."""

from __future__ import annotations

from typing import Any

import pytest

from shuzhi.service.ask import ask
from shuzhi.service.query import query
from shuzhi.spec.resolve import UserContext


def _ask(rt, q: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return ask(rt, q, UserContext.system())


def _rows(rt, spec: dict[str, Any]) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    return query(rt, spec, UserContext.system(), purpose="ui").to_json_obj()["rows"]


def _one(rt, metric: str, start: str, end: str, where: list[dict[str, Any]] | None = None) -> float:  # type: ignore[no-untyped-def]
    spec = {"metrics": [metric], "time_range": {"field": "time", "start": start, "end": end}, "where": where or []}
    return float(_rows(rt, spec)[0][0])


def test_the_amount_less_is_the_earlier_minus_the_later(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "8月的销售额比7月低了多少")
    cols, row = a["result"]["columns"], a["result"]["rows"][0]
    k = next(i for i, c in enumerate(cols) if c.get("label") == "销售额少了")
    july, aug = _one(rt, "revenue", "2026-07-01", "2026-07-31"), _one(rt, "revenue", "2026-08-01", "2026-08-31")
    assert row[k] == pytest.approx(july - aug)
    more = _ask(rt, "8月的销售额比7月多了多少")  # asked as more: the plain difference
    assert more["result"]["rows"][0][-1] == pytest.approx(aug - july)
    assert not any("少了" in (c.get("label") or "") for c in more["result"]["columns"])


def test_two_members_of_a_field_are_one_difference(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "去年华东大区的销售额比华南大区多多少")
    assert [c["label"] for c in a["result"]["columns"]][:2] == ["销售额（华东）", "销售额（华南）"]
    east = _one(rt, "revenue", "2025-01-01", "2025-12-31", [{"field": "customers.region", "op": "=", "value": "华东"}])
    south = _one(rt, "revenue", "2025-01-01", "2025-12-31", [{"field": "customers.region", "op": "=", "value": "华南"}])
    assert a["result"]["rows"] == [[pytest.approx(east), pytest.approx(south), pytest.approx(east - south)]]
    assert "华南" in a["summary"] and "华东" in a["summary"]


def test_a_ranking_gives_no_place_to_the_empty_member(rt) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": ["revenue"], "dimensions": ["customers.province"],
            "time_range": {"field": "time", "start": "2025-01-01", "end": "2025-12-31"},
            "order_by": [{"field": "revenue", "desc": True}], "limit": 8}
    assert any(r[0] is None for r in _rows(rt, spec))  # the demo has customers with no province among the top
    a = _ask(rt, "去年销售额最高的8个省份")
    assert len(a["result"]["rows"]) == 8 and all(r[0] is not None for r in a["result"]["rows"])
    assert {"field": "customers.province", "op": "not_null"} in a["spec"]["where"]


def test_the_share_alone_of_the_top_n_is_their_share_together(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "去年前五大客户的销量占比")
    assert len(a["result"]["rows"]) == 1 and a["chart"]["type"] == "kpi"
    each = _ask(rt, "去年前五大客户的销量和占比")  # the value and the share: each customer's own
    assert len(each["result"]["rows"]) == 5
    assert a["result"]["rows"][0][-1] == pytest.approx(sum(r[-1] for r in each["result"]["rows"]))


def test_changed_by_what_percent_is_one_growth_rate(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "今年订单数与去年同期相比增长了百分之多少")
    assert not a["spec"]["dimensions"] and len(a["result"]["rows"]) == 1
    assert [m["compute"] for m in a["spec"]["metrics"] if isinstance(m, dict)] == [{"yoy": "order_count"}]


def test_a_rate_against_last_year_said_plainly_is_the_whole_year(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "今年不良率比去年高多少")
    now, last = _one(rt, "defect_rate", "2026-01-01", "2026-11-26"), _one(rt, "defect_rate", "2025-01-01", "2025-12-31")
    assert a["result"]["rows"][0][-1] == pytest.approx(now - last)
    same = _ask(rt, "今年不良率比去年同期高多少")  # 同期: the same dates
    then = _one(rt, "defect_rate", "2025-01-01", "2025-11-26")
    assert same["result"]["rows"][0][-1] == pytest.approx(now - then)


def test_vs_the_same_period_shows_both_periods(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "Order count this year versus the same period last year by region")
    cols = [c["name"] for c in a["result"]["columns"]]
    k = cols.index("order_count_earlier")
    spec = {"metrics": ["order_count"], "dimensions": ["customers.region"],
            "time_range": {"field": "time", "start": "2025-01-01", "end": "2025-11-26"}}
    before = {r[0]: r[1] for r in _rows(rt, spec)}
    for r in a["result"]["rows"]:
        assert r[k] == pytest.approx(before.get(r[0], 0))
