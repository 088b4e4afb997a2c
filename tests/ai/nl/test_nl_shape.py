"""The answer's shape (issue 16): one number when one is asked, two periods side by side as grouped bars with the
difference, ranking order as written, 各个X by X."""

from __future__ import annotations

from typing import Any

from tests.nl_fixtures import ask, failing_answers


def test_growth_between_two_periods_is_one_number(nl_env: dict[str, Any]) -> None:
    for q, kind in (("2025年销售额比2024年增长了多少", "yoy"), ("revenue growth in 2025 vs 2024", "yoy"),
                    ("2025年营收比2024年多了多少钱", "yoy_value"), ("10月销售额比9月增长了多少", "pop")):
        r = ask(nl_env, q)
        assert r.spec["dimensions"] == [] and r.chart["type"] == "kpi", q
        assert {"name": f"revenue_{kind}", "compute": {kind: "revenue"}} in r.spec["metrics"], q
        assert r.spec["time_range"]["start"] in ("2025-01-01", "2026-10-01"), q


def test_two_periods_side_by_side(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "去年和今年各大区毛利率对比")
    assert r.spec["dimensions"] == [{"field": "time", "grain": "year"}, "customers.region"]
    assert {"name": "gross_margin_yoy_value", "compute": {"yoy_value": "gross_margin"}} in r.spec["metrics"]
    assert (r.chart["type"], r.chart["x"], r.chart["series"]) == ("bar", "customers.region", "time_year")
    assert ask(nl_env, "今年每月销售额").chart["type"] == "line"  # a real series stays a line
    assert ask(nl_env, "2024年和2025年按月的销售额").spec["dimensions"] == [{"field": "time", "grain": "month"}]


def test_one_members_share_is_one_number(nl_env: dict[str, Any]) -> None:
    for q, region in (("What share of revenue came from overseas customers", "海外"), ("华东区的销售额占全公司的比例", "华东")):
        r = ask(nl_env, q)
        assert r.spec["having"] == [{"field": "customers.region", "op": "=", "value": region}]
        assert r.chart["type"] == "kpi" and r.chart["value"] == "revenue_share"
    assert "having" not in ask(nl_env, "各大区销售额占比").spec  # a breakdown asked stays a breakdown


def test_each_of_a_flag_is_by_the_thing(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "各个新产品的销售额")
    assert r.spec["dimensions"] == ["products.product_name"]
    assert r.spec["where"] == [{"field": "products.is_new_product", "op": "=", "value": True}]
    assert ask(nl_env, "新老产品的销售额").spec["dimensions"] == ["products.is_new_product"]
    assert ask(nl_env, "按是否新品看销售额").spec["dimensions"] == ["products.is_new_product"]


def test_ranking_direction_as_written(nl_env: dict[str, Any]) -> None:
    for q, desc in (("rank regions by revenue from highest to lowest", True), ("各大区销售额从低到高", False),
                    ("product lines by revenue, lowest first", False), ("各产品线毛利率从高到低", True),
                    ("regions ranked from lowest to highest revenue", False),
                    ("customers by revenue in ascending order", False)):
        assert ask(nl_env, q).spec["order_by"][0]["desc"] is desc, q


def test_shaped_answers_run(nl_env: dict[str, Any]) -> None:
    cases = [{"q": q} for q in ("去年和今年各大区毛利率对比", "What share of revenue came from overseas customers",
                                "2025年销售额比2024年增长了多少", "各个新产品的销售额", "去年和今年毛利率对比")]
    failures = failing_answers(nl_env, cases)
    assert not failures, "\n".join(failures)
