"""One chart-config schema (model/charts.py): every variant the analysis page produces survives 保存到仪表板
(the dashboard definition) unchanged, legacy `stack: true` still reads, and unknown fields are refused.
The web app checks its own variants against the same schema: frontend/src/charts/__tests__/chartConfigSchema.test.ts.
"""

from __future__ import annotations

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.model.charts import CHART_TYPES, ChartConfig
from shuzhi.model.dashboards import parse_dashboard_def

REF = [{"kind": "target", "value": 100}, {"kind": "warning", "value": 0.05, "label": "警戒"}]
COND = [{"column": "*", "mode": "databar"}, {"column": "revenue", "mode": "scale"},
        {"column": "gross_margin", "mode": "above", "value": 0.3}, {"column": "revenue", "mode": "below", "value": 10}]
XY = {"x": "customers.region", "y": ["revenue"]}
VARIANTS = [
    {"type": "bar", **XY, "stack": "none", "series": "products.product_line"},  # grouped
    {"type": "bar", **XY, "stack": "stacked", "series": "products.product_line", "labels": True},
    {"type": "bar", **XY, "stack": "percent", "series": "products.product_line", "horizontal": True,
     "sorted": "desc", "numberFormat": "wan", "refLines": REF, "tooltip": ["cogs"]},
    {"type": "line", "x": "time_month", "y": ["revenue"], "smooth": False, "line_y2": ["revenue_yoy"],
     "series": "customers.region", "numberFormat": "auto"},
    {"type": "area", "x": "time_month", "y": ["revenue", "cogs"], "stack": "percent", "smooth": True},
    {"type": "area", "x": "time_month", "y": ["revenue"], "stack": "stacked", "labels": False},
    {"type": "combo", **XY, "bar": "revenue", "line": ["gross_margin"], "refLines": REF},
    {"type": "pie", "x": "products.product_line", "y": ["revenue"], "value": "revenue", "donut": True, "labels": True},
    {"type": "scatter", **XY, "y": ["revenue", "gross_margin"], "size": "order_count", "color": "customers.channel"},
    {"type": "map", "region": "customers.province", "map": "china", "y": ["revenue"], "numberFormat": "yi"},
    {"type": "kpi", "value": "revenue", "compare": "revenue_yoy", "refLines": [{"kind": "target", "value": 1e8}]},
    {"type": "table", **XY, "pageSize": 50, "cond": COND, "numberFormat": "integer"},
    {"type": "pivot", "rows": ["customers.region", "products.product_line"], "columns": ["time_year"],
     "y": ["revenue", "gross_margin"], "subtotals": True, "totals": False},
    {"type": "funnel", "x": "opportunities.stage", "y": ["opportunity_count"]},
    {"type": "gauge", "value": "plan_attainment", "max": 1.2, "numberFormat": "percent", "refLines": REF},
    {"type": "heatmap", "x": "customers.region", "series": "products.product_line", "y": ["revenue"]},
    {"type": "treemap", "x": "products.product_line", "series": "products.product_name", "y": ["revenue"]},
    {"type": "radar", "x": "customers.region", "y": ["revenue", "gross_margin", "order_count"]},
    {"type": "waterfall", "x": "customers.region", "y": ["revenue"], "numberFormat": "currency"},
    {"type": "bar", "x": "customers.region", "y": ["revenue"], "reason": "按类别比较，用柱状图",
     "reason_en": "comparing categories: bar chart", "horizontal": False},  # as the question answerer recommends
]


def _dashboard(charts: list[dict]) -> dict:
    return {"name": "all-charts", "title": "全部图表", "components": [
        {"id": f"c{i}", "kind": "chart", "pos": {"x": 0, "y": 8 * i, "w": 12, "h": 8},
         "spec": {"metrics": ["revenue"], "dimensions": ["customers.region"]}, "chart": c}
        for i, c in enumerate(charts)]}


def test_every_chart_type_has_a_variant() -> None:
    assert {v["type"] for v in VARIANTS} == set(CHART_TYPES)


@pytest.mark.parametrize("chart", VARIANTS, ids=lambda c: f"{c['type']}-{c.get('stack', '')}")
def test_a_page_variant_round_trips(chart: dict) -> None:
    assert ChartConfig.model_validate(chart).model_dump(mode="json", exclude_none=True) == chart
    d = parse_dashboard_def(_dashboard([chart]))
    assert d.model_dump(mode="json", exclude_none=True)["components"][0]["chart"] == chart


def test_legacy_and_unknown_fields() -> None:
    assert ChartConfig.model_validate({"type": "bar", "stack": True}).stack == "stacked"
    assert ChartConfig.model_validate({"type": "bar", "stack": False}).stack == "none"
    for bad in ({"type": "bar", "stackk": "percent"}, {"type": "bar", "stack": "sideways"}, {"type": "sunburst"}):
        with pytest.raises(ShuzhiError) as err:
            parse_dashboard_def(_dashboard([bad]))
        assert err.value.code == "dashboard_invalid" and err.value.status == 422


def test_save_to_dashboard_keeps_every_variant(demo_api) -> None:  # type: ignore[no-untyped-def]
    from shuzhi_testing import login

    c = demo_api()
    h = login(c)
    r = c.post("/api/v1/dashboards", json=_dashboard(VARIANTS), headers=h)
    assert r.status_code == 201, r.text
    back = c.get("/api/v1/dashboards/all-charts").json()
    assert [x["chart"] for x in back["definition"]["components"]] == VARIANTS


def test_the_analysis_page_matrix_saves_answers_and_totals(demo_api) -> None:  # type: ignore[no-untyped-def]
    """Every cell of tests/web/chart_matrix.json (16 types × their options, as the page builds them) saves,
    is stored as sent, and answers on the dashboard; a pivot's subtotal/total queries (with 同比/占比) answer
    with the quick calculation computed for the total."""
    import json
    from pathlib import Path

    from shuzhi_testing import login

    cells = json.loads((Path(__file__).parents[1] / "web" / "chart_matrix.json").read_text(encoding="utf-8"))["cells"]
    c = demo_api()
    h = login(c)
    body = {"name": "matrix", "title": "图表矩阵", "components": [
        {"id": x["id"], "kind": "chart", "title": x["title"], "pos": {"x": 0, "y": 6 * i, "w": 12, "h": 6},
         "spec": x["spec"], "chart": x["chart"]} for i, x in enumerate(cells)]}
    r = c.post("/api/v1/dashboards", json=body, headers=h)
    assert r.status_code == 201, r.text
    stored = {x["id"]: x for x in c.get("/api/v1/dashboards/matrix").json()["definition"]["components"]}
    for x in cells:
        assert stored[x["id"]]["chart"] == {k: v for k, v in x["chart"].items() if v is not None}, x["id"]
    data = c.post("/api/v1/dashboards/matrix/data", json={}, headers=h)
    assert data.status_code == 200, data.text
    for cid, comp in data.json()["components"].items():
        assert comp["error"] is None, (cid, comp["error"])
    for x in cells:
        for level in x.get("levels", []):
            a = c.post("/api/v1/query", json=level["spec"], headers=h)
            assert a.status_code == 200, (x["id"], level["key"], a.text)
            ans = a.json()
            names = [col["name"] for col in ans["columns"]]
            for col in ans["columns"]:
                if col.get("compute") in ("yoy", "percent_of_total"):
                    values = [row[names.index(col["name"])] for row in ans["rows"]]
                    assert values and all(isinstance(v, float) for v in values), (x["id"], level["key"], col["name"], values)
