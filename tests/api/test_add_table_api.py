"""POST /api/v1/tables/{name}/add-to-model: an imported table becomes analyzable at once."""

from __future__ import annotations

import pytest

from shuzhi_testing import login, restricted_viewer


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    c = demo_api()
    with c.app.state.runtime.warehouse().cursor() as cur:
        cur.execute("CREATE TABLE shipments AS SELECT * FROM (VALUES ('华东', 10.5, DATE '2026-01-05'), "
                    "('华东', 4.5, DATE '2026-02-01'), ('华南', 7.0, DATE '2026-02-03')) t(region, weight, ship_date)")
    return c


def test_add_table_then_query_its_generated_metrics(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/tables/shipments/add-to-model", json={"label": "发货"}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dataset"] == "shipments" and body["model_version"] == 2
    assert [m["name"] for m in body["metrics"]] == ["shipments__rows", "shipments__weight"]
    q = {"metrics": ["shipments__rows", "shipments__weight"], "dimensions": ["shipments.region"],
         "order_by": [{"field": "shipments.region"}]}
    rows = client.post("/api/v1/query", json=q, headers=h).json()["rows"]
    assert rows == [["华东", 2, 15.0], ["华南", 1, 7.0]]
    by_month = client.post("/api/v1/query", json={"metrics": ["shipments__weight"],
                                                   "dimensions": [{"field": "time", "grain": "month"}]},
                           headers=h).json()["rows"]
    assert by_month == [["2026-01-01", 10.5], ["2026-02-01", 11.5]]
    assert client.get("/api/v1/metrics/shipments__rows").json()["label"] == "发货记录数"
    # Twice is refused unless replacing; the demo's own tables are already datasets.
    again = client.post("/api/v1/tables/shipments/add-to-model", headers=h)
    assert again.status_code == 409 and again.json()["error"]["code"] == "model_dataset_exists"
    assert client.post("/api/v1/tables/shipments/add-to-model", json={"replace": True}, headers=h).status_code == 200
    assert client.post("/api/v1/tables/sales_orders/add-to-model", headers=h).status_code == 409
    assert client.post("/api/v1/tables/nope/add-to-model", headers=h).status_code == 404


def test_viewers_cannot_change_the_model(client) -> None:  # type: ignore[no-untyped-def]
    v, vh, _ = restricted_viewer(client, "east", "华东")
    assert v.post("/api/v1/tables/shipments/add-to-model", headers=vh).status_code == 403
