"""Response models change nothing a client sees: what a route returns equals what it returned untyped.

FastAPI validates a route's return value against its response_model and serialises it; a field the model
does not declare would be dropped silently (or, with extra="forbid", fail). Here every typed answer of
the routes that return plain data is recorded before and after that step and compared, and the routes
that answer pre-encoded JSON (query, model definition, dashboard data) are checked against their
models by a validate-and-dump round trip.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel

from shuzhi.ai.nl.answer import AskAnswer
from shuzhi.api.responses import DashboardData, ModelOut
from shuzhi.results.schema import QueryAnswer
from shuzhi_testing import login


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any, Any]]:
    """(response model field, raw return value, what went out) of every typed route answered."""
    from fastapi import routing

    calls: list[tuple[Any, Any, Any]] = []
    original = routing.serialize_response

    async def spy(**kw: Any) -> Any:
        out = await original(**kw)
        if kw.get("field") is not None:
            sent = json.loads(out) if isinstance(out, bytes | str) else out
            calls.append((kw["field"], kw["response_content"], sent))
        return out

    monkeypatch.setattr(routing, "serialize_response", spy)
    return calls


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    c = demo_api()
    from shuzhi.demo.dashboards import install_demo_dashboards

    with c.app.state.runtime.catalog.session() as s:
        install_demo_dashboards(s, dt.date(2026, 11, 26))
    return c


def _same(model: type[BaseModel], body: Any) -> None:
    """`body` fits `model` exactly: validating and dumping it again gives it back unchanged."""
    again = model.model_validate(body).model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert again == body


def _charts_without_nulls(obj: Any) -> Any:
    """The one deliberate difference: a chart config's unset options are absent, not null (model/charts.py),
    as the analysis page sends them and dashboards store them (the recommender wrote x: null for a KPI)."""
    if isinstance(obj, list):
        return [_charts_without_nulls(x) for x in obj]
    if isinstance(obj, dict):
        return {k: ({kk: vv for kk, vv in v.items() if vv is not None} if k == "chart" and isinstance(v, dict)
                    else _charts_without_nulls(v)) for k, v in obj.items()}
    return obj


def _ok(r: Any) -> Any:
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_typed_answers_equal_the_untyped_ones(client, recorded) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    for q in ("上个月华东区各产品线销售额", "火星上的天气怎么样", "今年各月销售额和毛利率", "海外销售额",
              "销售额最高的 5 个客户", "各省份销售额", "今年销售额同比"):
        a = _ok(client.post("/api/v1/ask", json={"question": q}, headers=h))
        _same(AskAnswer, a)
    _ok(client.post("/api/v1/ask", json={"question": "再按月看", "conversation_id": a["conversation_id"]}, headers=h))
    _ok(client.post("/api/v1/forecast", json={"metric": "revenue", "grain": "month", "horizon": 3}, headers=h))
    _ok(client.post("/api/v1/forecast", json={"metric": "revenue", "grain": "quarter", "horizon": 2,
                                              "by": "customers.region"}, headers=h))
    _ok(client.post("/api/v1/anomalies", json={"metric": "defect_rate", "grain": "month",
                                               "by": "production_orders.plant"}, headers=h))
    _ok(client.post("/api/v1/explain", json={"metric": "revenue", "to": "2025-12"}, headers=h))
    _ok(client.post("/api/v1/explain", json={"metric": "gross_margin", "to": "2025-Q4"}, headers=h))
    for name in ("revenue", "gross_margin", "inventory_value"):
        detail = _ok(client.get(f"/api/v1/metrics/{name}"))
    revenue = _ok(client.get("/api/v1/metrics/revenue"))
    definition = {k: v for k, v in revenue.items() if k not in ("model", "model_version", "kind", "lineage")}
    _ok(client.put("/api/v1/metrics/revenue", json={**definition, "description": "改"}, headers=h))
    _ok(client.post("/api/v1/metrics", json={"name": "orders_n", "label": "订单数", "dataset": "sales_orders",
                                             "agg": "count"}, headers=h))
    _ok(client.post("/api/v1/metrics/revenue/versions/1/restore", headers=h))
    model = _ok(client.get("/api/v1/models/huajing"))
    _same(ModelOut, model)
    _ok(client.put("/api/v1/models/huajing", json=model["definition"], headers=h))
    assert _ok(client.post("/api/v1/models/huajing/versions/1/restore", headers=h)).keys() == {"name", "version"}

    typed = {f.field_info.annotation.__name__ for f, _, _ in recorded}  # type: ignore[union-attr]
    assert {"AskAnswer", "ForecastOut", "AnomaliesOut", "Explanation", "MetricDetail", "MetricSaved",
            "ModelSaved"} <= typed, typed
    for field, raw, sent in recorded:
        assert sent == _charts_without_nulls(jsonable_encoder(raw)), field.field_info.annotation
    assert set(detail) - {"model", "model_version", "kind", "lineage"} == set(
        __import__("shuzhi.model.schema", fromlist=["MetricDef"]).MetricDef.model_fields)


def test_pre_encoded_answers_fit_their_models(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    for spec in ({"metrics": ["revenue", {"name": "revenue_yoy", "compute": {"yoy": "revenue"}}],
                  "dimensions": [{"field": "time", "grain": "month"}, "customers.region"],
                  "where": [{"field": "customers.region", "op": "in", "values": ["华东", "华南"]},
                            {"or": [{"field": "products.product_line", "op": "=", "value": "工业机器人"},
                                    {"not": {"field": "customers.province", "op": "is_null"}}]}],
                  "time_range": {"field": "time", "start": "2025-01-01", "end": "2025-12-31"},
                  "order_by": [{"field": "revenue", "desc": True}], "limit": 20},
                 {"metrics": ["revenue"], "time_range": {"relative": "last_12_months"}}):
        _same(QueryAnswer, _ok(client.post("/api/v1/query", json=spec, headers=h)))
    for key in ("cockpit", "sales", "quality", "supply", "rd"):
        data = _ok(client.post(f"/api/v1/dashboards/{key}/data", json={}, headers=h))
        assert data["components"]
        _same(DashboardData, data)


def test_metric_check_answers_keep_their_shape(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    new = {"name": "big_orders", "label": "大单数", "dataset": "sales_orders", "agg": "count_distinct",
           "expr": "order_id", "filter": "amount >= 100000", "time": "order_date"}
    ok = _ok(client.post("/api/v1/metrics/validate", json={"metric": new}, headers=h))
    assert ok["valid"] and ok["problems"] == [] and ok["preview"]["rows"]
    for c in ok["preview"]["columns"]:
        assert None not in c.values() and {"name", "type", "label"} <= c.keys()
    bad = _ok(client.post("/api/v1/metrics/validate", json={"metric": {**new, "expr": "order_idd"}}, headers=h))
    assert not bad["valid"] and bad["preview"] is None
    assert all(p.get("suggestion", "x") is not None for p in bad["problems"]) and bad["problems"]
    assert _ok(client.post("/api/v1/metrics/validate", json={"metric": new, "preview": False}, headers=h)) == {
        "valid": True, "problems": [], "preview": None}
