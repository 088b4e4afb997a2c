"""The intent stages (stages/intent.py, stages/intent_frame.py): why, forecast and yes/no questions in Chinese
and English — the intent, its arguments, the spec shaped for it, the cue words understood (not reported as
unknown) — and ordinary questions left alone (today = 2026-11-26)."""

from __future__ import annotations

from typing import Any

import pytest

from nl_fixtures import ask, failing_answers

WHY = [  # question, period, compare_to, metric
    ("为什么11月销售额涨了", "2026-11", "2026-10", "revenue"),
    ("为啥上个月毛利率下降了", "2026-10", "2026-09", "gross_margin"),
    ("上个月销售额为什么下滑", "2026-10", "2026-09", "revenue"),
    ("上个月销售额怎么下降了这么多", "2026-10", "2026-09", "revenue"),
    ("为什么上个月华东的销售额同比下降了", "2026-10", "2025-10", "revenue"),
    ("三季度良率下降的原因", "2026-Q3", "2026-Q2", "yield_rate"),
    ("为什么销售额变了", "2026-10", "2026-09", "revenue"),
    ("why did revenue drop last month", "2026-10", "2026-09", "revenue"),
    ("what drove the change in gross margin in Q3", "2026-Q3", "2026-Q2", "gross_margin"),
    ("why did revenue fall in 2025 vs last year", "2025", "2024", "revenue"),
]
FORECAST = [  # question, horizon, metric
    ("预测未来3个月的销售额", 3, "revenue"),
    ("预计未来半年销售额", 6, "revenue"),
    ("下个季度销售额会是多少", 3, "revenue"),
    ("下个月订单数预计多少", 1, "order_count"),
    ("明年销售额预计多少", 12, "revenue"),
    ("销售额预测", 3, "revenue"),
    ("forecast revenue for the next 6 months", 6, "revenue"),
    ("what will revenue be next quarter", 3, "revenue"),
    ("projected gross margin for next year", 12, "gross_margin"),
]
YESNO = [  # question, op, threshold, compared output, time range
    ("研发投入强度达到5%了吗", ">=", 0.05, "rd_intensity", {"relative": "ytd"}),
    ("毛利率有没有超过30%", ">", 0.3, "gross_margin", {"relative": "ytd"}),
    ("今年毛利率是否高于30", ">", 0.3, "gross_margin", {"relative": "this_year"}),
    ("去年良率是不是低于95%", "<", 0.95, "yield_rate", {"relative": "last_year"}),
    ("今年销售额过了1亿了吗", ">", 1e8, "revenue", {"relative": "this_year"}),
    ("今年销售额同比增长超过10%了吗", ">", 0.1, "revenue_yoy", {"relative": "this_year"}),
    ("did revenue exceed 100 million last year", ">", 1e8, "revenue", {"relative": "last_year"}),
    ("is gross margin above 30% this year", ">", 0.3, "gross_margin", {"relative": "this_year"}),
    ("did gross margin stay above 30% this year", ">", 0.3, "gross_margin", {"relative": "this_year"}),
    ("has the defect rate reached 2%", ">=", 0.02, "defect_rate", {"relative": "ytd"}),
    # no number: the growth against 0 (higher or lower than an earlier period; a change's direction)
    ("今年销售额有没有超过去年", ">", 0.0, "revenue_yoy", {"relative": "this_year"}),
    ("毛利率是不是高于去年", ">", 0.0, "gross_margin_yoy", {"relative": "ytd"}),
    ("华东销售额比去年高吗", ">", 0.0, "revenue_yoy", {"relative": "ytd"}),
    ("销售额增长了吗", ">", 0.0, "revenue_yoy", {"relative": "ytd"}),
    ("毛利率下降了没有", "<", 0.0, "gross_margin_yoy", {"relative": "ytd"}),
    ("这个月良率比上个月高吗", ">", 0.0, "yield_rate_pop", {"relative": "this_month"}),
    ("did revenue grow this year", ">", 0.0, "revenue_yoy", {"relative": "this_year"}),
    ("is gross margin lower than last year", "<", 0.0, "gross_margin_yoy", {"relative": "ytd"}),
]


@pytest.mark.parametrize(("q", "period", "compare_to", "metric"), WHY)
def test_why(nl_env: dict[str, Any], q: str, period: str, compare_to: str, metric: str) -> None:
    r = ask(nl_env, q)
    assert r.intent == "why", q
    assert r.intent_args["period"] == period and r.intent_args["compare_to"] == compare_to
    assert r.spec["metrics"] == [metric] and r.spec["dimensions"] == []  # the metric over the period, no grain
    assert not r.unknown and r.confidence == 1.0, r.unknown


def test_why_keeps_filters_and_names_dimensions(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "为什么上个月华东的销售额同比下降了")
    assert r.spec["where"] == [{"field": "customers.region", "op": "=", "value": "华东"}]
    assert r.spec["time_range"] == {"field": "time", "start": "2026-10-01", "end": "2026-10-31"}
    r = ask(nl_env, "为什么上个月各大区销售额下降了")
    assert r.intent_args["by"] == ["customers.region"] and r.spec["dimensions"] == []
    assert r.lang == "zh" and ask(nl_env, "why did revenue drop").lang == "en"


@pytest.mark.parametrize(("q", "horizon", "metric"), FORECAST)
def test_forecast(nl_env: dict[str, Any], q: str, horizon: int, metric: str) -> None:
    r = ask(nl_env, q)
    assert r.intent == "forecast", q
    assert r.intent_args["horizon"] == horizon and r.intent_args["grain"] == "month"
    assert r.spec["metrics"] == [metric] and r.spec["dimensions"] == [{"field": "time", "grain": "month"}]
    assert "time_range" not in r.spec  # the whole history
    assert not r.unknown, r.unknown


@pytest.mark.parametrize(("q", "op", "threshold", "output", "time_range"), YESNO)
def test_yesno(nl_env: dict[str, Any], q: str, op: str, threshold: float, output: str, time_range: dict[str, Any]) -> None:
    r = ask(nl_env, q)
    assert r.intent == "yesno", q
    assert r.intent_args["op"] == op and r.intent_args["threshold"] == pytest.approx(threshold)
    assert r.intent_args["metric"] == output and r.intent_args["time_range"] == time_range
    assert "having" not in r.spec and r.spec["dimensions"] == []  # the threshold is no condition: one number
    assert r.spec["time_range"] == {"field": "time", **time_range}
    assert not r.unknown, r.unknown


@pytest.mark.parametrize("q", ["有没有销售额超过1000万的客户", "销售额大于100万的客户有哪些", "各大区销售额",
                               "今年销售额同比增长", "哪些客户去年的销售额下降了", "营收咋样", "revenue over 1 million by customer",
                               "are there customers with revenue above 1 million", "有没有销售额下降了的客户",
                               "销售额比去年增长了多少", "which regions grew this year"])
def test_ordinary_questions_stay_queries(nl_env: dict[str, Any], q: str) -> None:
    assert ask(nl_env, q).intent == "query"


def test_intent_specs_run(nl_env: dict[str, Any]) -> None:
    cases = [{"q": q} for q, *_ in [*WHY, *FORECAST, *YESNO]]
    assert failing_answers(nl_env, cases) == []
