"""Shapes of the fix round (issue 16, fixb): a member's share never filtered to itself, any two periods
compared as one number or side by side, months said once for two years, periods counted, the top N
together, a money threshold on a count, and the intent words (掉, 升高, 这么低, beat, 控制在…以内)."""

from __future__ import annotations

from typing import Any

from tests.nl_fixtures import ask


def test_a_members_share_is_not_filtered_to_that_member(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "今年电商渠道的销售额占比是多少")
    assert r.spec["dimensions"] == ["sales_orders.channel"]
    assert not r.spec.get("where") and r.spec["having"] == [{"field": "sales_orders.channel", "op": "=", "value": "电商"}]


def test_two_unaligned_periods_changed_is_one_number_against_the_earlier(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "今年4月的销售额比1月多了多少")  # not back to back: the months between are not asked
    assert r.spec["dimensions"] == [] and r.spec["time_range"]["start"] == "2026-04-01"
    assert r.intent == "query" and r.intent_args["versus"] == {"start": "2026-01-01", "end": "2026-01-31",
                                                               "change": "difference"}
    whole = ask(nl_env, "今年的订单数比去年全年少了多少")  # the whole of last year, not the same dates
    assert whole.intent_args["versus"]["end"] == "2025-12-31" and whole.spec["time_range"]["start"] == "2026-01-01"
    back_to_back = ask(nl_env, "9月毛利率环比8月变化了多少")  # whole adjacent months: the query's own pop
    assert back_to_back.spec["dimensions"] == [] and "versus" not in back_to_back.intent_args
    assert {"name": "gross_margin_pop", "compute": {"pop": "gross_margin"}} in back_to_back.spec["metrics"]


def test_months_said_once_apply_to_both_years(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "2026 vs 2025 order count growth for March through June")
    assert r.spec["time_range"] == {"field": "time", "start": "2026-03-01", "end": "2026-06-30"}
    assert {"name": "order_count_yoy", "compute": {"yoy": "order_count"}} in r.spec["metrics"]
    side = ask(nl_env, "今年和去年3-6月的订单数对比")
    assert side.spec["dimensions"] == [] and [p["start"] for p in side.intent_args["periods"]] == ["2025-03-01",
                                                                                                  "2026-03-01"]
    assert [p["label"] for p in side.intent_args["periods"]] == ["2025-01-01", "2026-01-01"]


def test_two_snapshot_dates_side_by_side(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "去年年底和今年9月底的库存金额对比")
    assert [p["label"] for p in r.intent_args["periods"]] == ["2025-12-01", "2026-09-01"]


def test_a_span_said_twice_is_one_range(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "最近3个月(8-10月)的订单数")
    assert r.spec["dimensions"] == [] and r.spec["time_range"]["start"] == "2026-08-01"


def test_periods_counted_are_the_grain_and_the_row_count(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "去年有多少个月的订单数超过100单")
    assert r.spec["dimensions"] == [{"field": "time", "grain": "month"}] and r.intent_args == {"count_rows": True}
    assert r.clarify is None and r.spec["having"][0]["field"] == "order_count"
    weeks = ask(nl_env, "How many weeks this year was revenue above 500k?")
    assert weeks.spec["dimensions"] == [{"field": "time", "grain": "week"}] and weeks.intent_args["count_rows"]
    assert ask(nl_env, "最近几个月的销售额").intent_args == {}  # 近几个月 is a range word, not a count


def test_the_top_n_together_is_one_number(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "销售额前五的产品合计占总销售额的多少")
    assert r.intent_args == {"sum_rows": True} and r.spec["limit"] == 5
    assert "sum_rows" not in ask(nl_env, "前五大客户的销售额和占比").intent_args  # each its own share


def test_a_money_threshold_on_a_count_is_on_the_amount(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "今年下单超过50万的客户有哪些")
    assert r.spec["metrics"] == ["revenue"] and r.spec["having"][0]["field"] == "revenue"
    assert ask(nl_env, "今年下单超过5单的客户有哪些").spec["having"][0]["field"] == "order_count"


def test_intent_words(nl_env: dict[str, Any]) -> None:
    for q in ("上个月的订单数怎么掉了这么多", "为什么3月份的毛利率突然走低", "为什么去年四季度的良率这么差"):
        assert ask(nl_env, q).intent == "why", q
    f = ask(nl_env, "预计未来两个月能签多少单")
    assert f.intent == "forecast" and f.intent_args["horizon"] == 2
    beat = ask(nl_env, "Did September revenue beat 3 million yuan?")
    assert beat.intent == "yesno" and beat.intent_args["threshold"] == 3_000_000 and beat.clarify is None
    kept = ask(nl_env, "去年的不良率控制在2%以内了吗")
    assert kept.intent == "yesno" and kept.intent_args["op"] == "<=" and kept.intent_args["threshold"] == 0.02
    share = ask(nl_env, "Did new products make up more than 15% of revenue this year?")
    assert share.intent_args["metric"] == "new_product_revenue_share" and not share.spec.get("where")


def test_a_share_within_a_whole(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "已授权的专利中，实用新型占多少比例")
    assert r.spec["dimensions"] == ["patents.patent_type"]
    assert r.spec["where"] == [{"field": "patents.legal_status", "op": "=", "value": "已授权"}]
    assert r.spec["having"] == [{"field": "patents.patent_type", "op": "=", "value": "实用新型"}]


def test_in_total_over_a_dimension_word_is_one_number(nl_env: dict[str, Any]) -> None:
    assert ask(nl_env, "今年所有工厂一共生产了多少").spec["dimensions"] == []
    assert ask(nl_env, "今年各工厂一共生产了多少").spec["dimensions"] == ["production_orders.plant"]  # 各 splits


def test_the_year_said_once(nl_env: dict[str, Any]) -> None:
    halves = ask(nl_env, "2025年上半年和下半年的订单数对比")
    assert [p["start"] for p in halves.intent_args["periods"]] == ["2025-01-01", "2025-07-01"]
    q = ask(nl_env, "How much lower was Q2 revenue than Q4 last year?")  # last year holds both quarters
    assert q.spec["time_range"]["start"] == "2025-10-01" and q.intent_args["versus"]["start"] == "2025-04-01"


def test_months_a_year_apart_split_by_a_dimension_are_two_periods(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "去年5月和今年5月各大区销售额对比")
    assert r.spec["dimensions"] == ["customers.region"]  # not the twelve months between
    assert [p["label"] for p in r.intent_args["periods"]] == ["2025-05-01", "2026-05-01"]


def test_a_count_condition_on_the_thing_counted_is_per_thing(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "今年输单至少3个的商机负责人有多少个")
    assert r.spec["dimensions"] == ["opportunities.owner"] and r.intent_args["count_rows"]
    assert r.spec["having"][0]["op"] == ">=" and r.spec["having"][0]["field"] == r.spec["metrics"][0]["name"]
    assert r.spec["metrics"][0]["field"] == "opportunities.opportunity_id"


def test_a_condition_on_a_rows_own_field_holds_for_each_row(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "预计金额不低于30万的商机有多少个")  # each opportunity's own amount, then they are counted
    assert r.spec["where"] == [{"field": "opportunities.expected_amount", "op": ">=", "value": 300000.0}]
    assert r.spec["metrics"][0]["aggregate"] == "count_distinct" and not r.spec["dimensions"]


def test_a_property_of_a_thing_is_not_a_split(nl_env: dict[str, Any]) -> None:
    assert ask(nl_env, "国内供应商的物料去年不良率是多少").spec["dimensions"] == []
    assert ask(nl_env, "哪个供应商的物料不良率最低").spec["dimensions"] == ["suppliers.supplier_name"]
    both = ask(nl_env, "按供应商的物料类别看不良率").spec["dimensions"]  # a split word before them: both split
    assert "suppliers.material_category" in both
