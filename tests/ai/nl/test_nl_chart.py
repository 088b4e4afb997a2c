from __future__ import annotations

from shuzhi.ai.nl import recommend_chart


def test_kpi_line_map_pie_bar_combo_table(nl_env) -> None:  # noqa: ANN001
    idx = nl_env["index"]
    kpi = recommend_chart({"metrics": ["revenue", {"name": "revenue_yoy", "compute": {"yoy": "revenue"}}]})
    assert kpi["type"] == "kpi" and kpi["compare"] == "revenue_yoy"
    assert recommend_chart({"metrics": ["revenue"], "dimensions": [{"field": "time", "grain": "month"}]})["type"] == "line"
    assert recommend_chart({"metrics": ["revenue"], "dimensions": ["customers.province"]})["type"] == "map"
    pie = recommend_chart({"metrics": ["revenue", {"name": "s", "compute": {"percent_of_total": "revenue"}}],
                           "dimensions": ["sales_orders.channel"]}, rows=[["a"], ["b"], ["c"], ["d"]])
    assert pie["type"] == "pie" and pie["donut"]
    many = recommend_chart({"metrics": ["revenue", {"name": "s", "compute": {"percent_of_total": "revenue"}}],
                            "dimensions": ["customers.customer_name"]}, rows=[[str(i)] for i in range(50)])
    assert many["type"] == "bar"
    top = recommend_chart({"metrics": ["revenue"], "dimensions": ["customers.customer_name"],
                           "order_by": [{"field": "revenue", "desc": True}], "limit": 5})
    assert top["type"] == "bar" and top["sorted"] == "desc" and top["horizontal"]
    combo = recommend_chart({"metrics": ["revenue", "gross_margin"], "dimensions": ["customers.region"]}, index=idx)
    assert combo["type"] == "combo"
    cols = [{"name": "revenue", "format": "currency"}, {"name": "gross_margin", "format": "percent"}]
    assert recommend_chart({"metrics": ["revenue", "gross_margin"], "dimensions": ["customers.region"]},
                           cols)["type"] == "combo"
    same = recommend_chart({"metrics": ["revenue", "cogs"], "dimensions": ["customers.region"]}, index=idx)
    assert same["type"] == "bar"
    assert recommend_chart({"metrics": ["revenue"], "dimensions": ["customers.region", "sales_orders.channel",
                                                                   "products.product_line"]})["type"] == "table"
