"""POST /api/v1/query and the metric center / model endpoints over a small demo."""

from __future__ import annotations

import pyarrow as pa
import pytest

from shuzhi_testing import login, restricted_viewer


@pytest.fixture
def demo_client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api()


SPEC = {"metrics": ["revenue", {"name": "yoy", "compute": {"yoy": "revenue"}}],
        "dimensions": [{"field": "time", "grain": "year", "name": "year"}]}


def test_query_json_and_cache(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    r = demo_client.post("/api/v1/query", json=SPEC, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["name"] for c in body["columns"]] == ["year", "revenue", "yoy"]
    assert body["columns"][1]["label"] == "销售额" and body["columns"][2]["format"] == "percent"
    assert body["rows"][0][0] == "2023-01-01" and body["rows"][0][2] is None
    assert "SELECT" in body["sql"] and body["spec"]["metrics"][0] == "revenue" and body["cached"] is False
    again = demo_client.post("/api/v1/query", json=SPEC, headers=h).json()
    assert again["cached"] is True and again["rows"] == body["rows"]


def test_query_arrow(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    r = demo_client.post("/api/v1/query", json=SPEC,
                         headers={**h, "Accept": "application/vnd.apache.arrow.stream"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.arrow.stream"
    table = pa.ipc.open_stream(r.content).read_all()
    assert table.column_names == ["year", "revenue", "yoy"] and table.num_rows >= 3


def test_query_errors_are_4xx_with_suggestions(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    r = demo_client.post("/api/v1/query", json={"metrics": ["revenu"]}, headers={**h, "Accept-Language": "en"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unknown_metric" and "revenue" in r.json()["error"]["message"]
    r = demo_client.post("/api/v1/query", json={"metrics": ["revenue"], "where": [
        {"field": "customers.region", "op": "~", "value": 1}]}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_row_rules_apply_through_the_api(demo_client) -> None:  # type: ignore[no-untyped-def]
    v, vh, model = restricted_viewer(demo_client, "east", "华东")
    rows = v.post("/api/v1/query", json={"metrics": ["revenue"], "dimensions": ["customers.region"]},
                  headers=vh).json()["rows"]
    assert [r[0] for r in rows] == ["华东"]
    # The viewer may read but not change the model.
    assert v.put("/api/v1/models/huajing", json=model, headers=vh).status_code == 403


def test_metric_center_endpoints(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    metrics = demo_client.get("/api/v1/metrics").json()
    names = {m["name"] for m in metrics}
    # the contract's 25 + new_customers + 3 R&D efficiency + 8 on the innovation tables (issue 17)
    assert {"revenue", "gross_margin", "rd_intensity", "inventory_turnover"} <= names and len(names) == 37
    assert "new_product_revenue" not in names  # hidden building block
    assert [m["name"] for m in demo_client.get("/api/v1/metrics", params={"q": "毛利"}).json()] == [
        "gross_profit", "gross_margin"]
    detail = demo_client.get("/api/v1/metrics/gross_margin").json()
    assert detail["kind"] == "derived" and detail["label"] == "毛利率"
    assert set(detail["lineage"]["depends_on"]) == {"gross_profit", "revenue", "cogs"}
    assert "sales_orders.amount" in detail["lineage"]["fields"] and detail["lineage"]["tables"][0]["table"] == "sales_orders"

    revenue = demo_client.get("/api/v1/metrics/revenue").json()
    changed = {k: revenue[k] for k in ("name", "label", "label_en", "synonyms", "description", "owner", "unit",
                                      "format", "tags", "status", "dataset", "agg", "expr", "filter", "time")}
    changed["filter"] = "status NOT IN ('已取消', '待发货')"
    r = demo_client.put("/api/v1/metrics/revenue", json=changed, headers=h)
    assert r.status_code == 200 and r.json()["model_version"] == 2
    versions = demo_client.get("/api/v1/metrics/revenue/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert demo_client.post("/api/v1/metrics/revenue/versions/1/restore", headers=h).json()["model_version"] == 3
    assert demo_client.get("/api/v1/metrics/revenue").json()["filter"] == revenue["filter"]
    assert [v["version"] for v in demo_client.get("/api/v1/models/huajing/versions").json()] == [1, 2, 3]

    bad = {**changed, "expr": "amount + nosuchfield", "filter": None}
    r = demo_client.put("/api/v1/metrics/revenue", json=bad, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "model_invalid"
    new = {"name": "big_orders", "label": "大单数", "dataset": "sales_orders", "agg": "count_distinct",
           "expr": "order_id", "filter": "amount >= 100000", "time": "order_date"}
    assert demo_client.post("/api/v1/metrics", json=new, headers=h).status_code == 201
    assert demo_client.post("/api/v1/metrics", json=new, headers=h).status_code == 409
    rows = demo_client.post("/api/v1/query", json={"metrics": ["big_orders"]}, headers=h).json()["rows"]
    assert rows[0][0] >= 0
