"""Intents beyond one query (service/ask_intents.py): why runs the attribution for the named period, forecast
the forecast for the horizon, yes/no compares the number with the threshold both ways; every answer carries a
summary in the question's language. Demo: scale 0.02, seed 42, data to 2026-10-31, today 2026-11-26."""

from __future__ import annotations

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service.ask import ask
from shuzhi.spec.resolve import UserContext


def _ask(rt, q: str, **kw):  # type: ignore[no-untyped-def]
    return ask(rt, q, UserContext.system(), **kw)


def test_why_explains_the_named_period_against_the_one_before(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "为什么9月销售额下降了")
    assert a["intent"] == "why" and not a["unknown"]
    ex = a["explanation"]
    assert ex["metric"] == "revenue" and ex["to"]["period"] == "2026-09" and ex["from"]["period"] == "2026-08"
    assert a["result"]["rows"][0][0] == pytest.approx(ex["to"]["value"])  # the spec is the named period's number
    assert a["summary"].startswith("2026-09 对比 2026-08：销售额变化") and "主要因素" in a["summary"]
    yoy = _ask(rt, "为什么9月销售额同比下降了")
    assert yoy["explanation"]["from"]["period"] == "2025-09"


def test_why_in_english_defaults_to_the_last_complete_month(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "why did revenue change")
    assert a["intent"] == "why" and a["explanation"]["to"]["period"] == "2026-10"
    assert a["summary"].startswith("2026-10 vs 2026-09: Revenue changed by") or a["summary"].startswith("2026-10 vs 2026-09:")
    assert "Main drivers" in a["summary"]


def test_forecast_gives_the_horizon(rt) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "预测未来4个月的销售额")
    assert a["intent"] == "forecast"
    fc = a["forecast"]
    assert fc["metric"] == "revenue" and fc["horizon"] == 4 and len(fc["series"][0]["forecast"]) == 4
    assert fc["series"][0]["forecast"][0]["label"] == "2026-11"
    assert a["summary"].startswith("预计销售额 2026-11 为 ¥") and "80% 区间" in a["summary"] and "未来 4 期" in a["summary"]
    en = _ask(rt, "revenue forecast for next quarter")
    assert en["forecast"]["horizon"] == 3 and en["summary"].startswith("Revenue is forecast at ¥")


def test_yesno_compares_both_ways(rt) -> None:  # type: ignore[no-untyped-def]
    base = _ask(rt, "今年毛利率")
    margin = base["result"]["rows"][0][0]
    low, high = round(margin * 100) - 5, round(margin * 100) + 5
    yes = _ask(rt, f"今年毛利率有没有超过{low}%")
    assert yes["intent"] == "yesno" and "having" not in yes["spec"]
    assert yes["yesno"] == {"answer": True, "value": pytest.approx(margin), "threshold": pytest.approx(low / 100),
                            "op": ">", "metric": "gross_margin", "period": "今年至今"}
    assert yes["summary"].startswith("是。今年至今毛利率为 ") and f"高于 {low}.00%" in yes["summary"]
    no = _ask(rt, f"今年毛利率达到{high}%了吗")
    assert no["yesno"]["answer"] is False and no["yesno"]["op"] == ">="
    assert no["summary"].startswith("否。") and f"未达到 {high}.00%" in no["summary"]
    below = _ask(rt, f"is gross margin below {high}% this year")
    assert below["yesno"]["answer"] is True and below["summary"].startswith("Yes. Gross Margin was ")
    not_below = _ask(rt, f"is gross margin below {low}% this year")
    assert not_below["yesno"]["answer"] is False and "not below" in not_below["summary"]


def test_summary_speaks_the_question_language(rt) -> None:  # type: ignore[no-untyped-def]
    zh = _ask(rt, "上个月销售额")
    assert zh["intent"] == "query" and zh["yesno"] is None and zh["explanation"] is None
    assert zh["summary"].startswith("2026年10月销售额 ¥") and "比上月" in zh["summary"]
    en = _ask(rt, "revenue last month")
    assert en["summary"].startswith("Revenue ¥") and "(Oct 2026)" in en["summary"] and "vs the month before" in en["summary"]
    by = _ask(rt, "上个月各大区销售额")
    assert by["summary"].startswith("2026年10月销售额合计 ¥") and "最高的是 " in by["summary"] and "，占 " in by["summary"]
    top = max(by["result"]["rows"], key=lambda r: r[1])
    assert f"最高的是 {top[0]}（" in by["summary"]
    series = _ask(rt, "今年每月销售额")
    assert series["summary"].startswith("销售额最近一期（2026年10月）为 ") and "比上一期" in series["summary"]


def test_a_choice_without_a_clarification_is_refused(rt) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as e:
        _ask(rt, "上个月销售额", choice=1)
    assert e.value.code == "bad_choice" and "choice" in e.value.zh and "choice" in e.value.en



def test_yesno_against_last_year_without_a_number(rt) -> None:  # type: ignore[no-untyped-def]
    growth = _ask(rt, "今年销售额同比增长率")["result"]["rows"][0][1]
    a = _ask(rt, "今年销售额有没有超过去年")
    assert a["intent"] == "yesno" and a["yesno"]["metric"] == "revenue_yoy" and a["yesno"]["threshold"] == 0
    assert a["yesno"]["answer"] is (growth > 0) and a["yesno"]["value"] == pytest.approx(growth)
    assert a["summary"].startswith(("是。今年至今销售额同比 +", "否。今年至今销售额同比 -")) and "去年同期" in a["summary"]
    down = _ask(rt, "is revenue down on last year")
    assert down["yesno"]["op"] == "<" and down["yesno"]["answer"] is (growth < 0)
    assert down["summary"].startswith("No. " if growth >= 0 else "Yes. ") and "the same period last year" in down["summary"]


def test_a_count_over_a_having_is_one_number(ask_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.ask import ask
    from shuzhi.spec.resolve import UserContext

    q = "去年下单金额超过20万的客户有几家"
    a = ask(ask_rt, q, UserContext.system())
    want = ask_rt.warehouse(read_only=True).open().run_read_only(
        "select count(*) from (select c.customer_name from sales_orders s join customers c using (customer_id) "
        "where s.status <> '已取消' and s.order_date between '2025-01-01' and '2025-12-31' "
        "group by c.customer_name having sum(s.amount) > 200000)").column(0)[0].as_py()
    assert a["result"]["rows"] == [[want]] and a["result"]["columns"][0]["label"] == "客户数"
    assert a["chart"]["type"] == "kpi" and a["summary"].startswith("2025年客户数 ")
    listing = ask(ask_rt, "去年下单金额超过20万的客户", UserContext.system())
    assert len(listing["result"]["rows"]) == want  # without 有几家 the same customers are listed
