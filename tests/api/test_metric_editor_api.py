"""POST /api/v1/metrics/validate: the metric editor's check-as-you-type, with a preview."""

from __future__ import annotations

import pytest

from shuzhi_testing import login, restricted_viewer


@pytest.fixture
def demo_client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api()


NEW = {"name": "big_orders", "label": "大单数", "dataset": "sales_orders", "agg": "count_distinct",
       "expr": "order_id", "filter": "amount >= 100000", "time": "order_date"}


def test_valid_metric_previews_twelve_months_without_saving(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    r = demo_client.post("/api/v1/metrics/validate", json={"metric": NEW}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is True and body["problems"] == []
    rows = body["preview"]["rows"]
    assert 1 <= len(rows) <= 12 and all(isinstance(x[1], int) for x in rows)
    # Nothing was saved.
    assert demo_client.get("/api/v1/metrics/big_orders").status_code == 404
    assert [v["version"] for v in demo_client.get("/api/v1/models/huajing/versions").json()] == [1]


def test_problems_name_the_place_and_suggest(demo_client) -> None:  # type: ignore[no-untyped-def]
    h = login(demo_client)
    bad = {**NEW, "expr": "amout"}
    body = demo_client.post("/api/v1/metrics/validate", json={"metric": bad}, headers=h).json()
    assert body["valid"] is False and body["preview"] is None
    p = body["problems"][0]
    assert "amout" in p["message_zh"] and "amout" in p["message_en"]
    # Shape errors (an unknown aggregation) come back as problems too, not as a 422.
    body = demo_client.post("/api/v1/metrics/validate", json={"metric": {**NEW, "agg": "median_ish"}},
                            headers=h).json()
    assert body["valid"] is False and body["problems"][0]["path"].startswith("metric.agg")
    # An existing name is refused for a new metric, and renaming in an edit is refused.
    body = demo_client.post("/api/v1/metrics/validate", json={"metric": {**NEW, "name": "revenue"}}, headers=h).json()
    assert body["valid"] is False and "revenue" in body["problems"][0]["message_en"]
    body = demo_client.post("/api/v1/metrics/validate", json={"metric": NEW, "replace": "revenue"}, headers=h).json()
    assert body["valid"] is False
    # A derived metric over existing ones.
    derived = {"name": "margin_check", "label": "毛利率校验", "formula": "gross_profit / revenue", "format": "percent"}
    body = demo_client.post("/api/v1/metrics/validate", json={"metric": derived}, headers=h).json()
    assert body["valid"] is True and body["preview"]["rows"]


def test_viewers_cannot_use_the_editor(demo_client) -> None:  # type: ignore[no-untyped-def]
    v, vh, _ = restricted_viewer(demo_client, "east", "华东")
    assert v.post("/api/v1/metrics/validate", json={"metric": NEW}, headers=vh).status_code == 403
