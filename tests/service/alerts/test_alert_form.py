"""What the alerts page needs from the server: the split dimensions a metric offers (labels, checked
under the caller's column rules), the values a check looked at (per split, met or not, new or
already recorded), and change conditions on the size of a change (变化超过, direction both)."""

from __future__ import annotations

from shuzhi_testing import login


def _check(client, h, rule_id):  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1/alerts/{rule_id}/check", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_split_options_have_labels_and_all_save(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.get("/api/v1/alerts/splits", params={"metric": "defect_rate"}, headers=h)
    assert r.status_code == 200, r.text
    opts = r.json()
    fields = [o["field"] for o in opts]
    assert "production_orders.plant" in fields, fields
    plant = next(o for o in opts if o["field"] == "production_orders.plant")
    assert plant["label"] != "plant" and plant["group"], plant  # a Chinese label and its dataset
    assert not any(f.endswith(("_id", "_no", "_code")) for f in fields)
    # every offered split makes a valid rule
    for f in fields[:8]:
        body = {"name": f"拆分 {f}", "metric": "defect_rate", "by": f, "condition": {"type": "anomaly"}}
        assert client.post("/api/v1/alerts", json=body, headers=h).status_code == 201, f
    revenue = {o["field"] for o in client.get("/api/v1/alerts/splits", params={"metric": "revenue"},
                                               headers=h).json()}
    assert "customers.region" in revenue or "region" in revenue, revenue


def test_split_options_bad_metric_and_auth(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.get("/api/v1/alerts/splits", params={"metric": "no_such_metric"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_metric", r.text
    assert "找不到指标" in r.text
    assert client.get("/api/v1/alerts/splits", params={"metric": ""}, headers=h).status_code == 422
    anonymous = type(client)(client.app, raise_server_exceptions=False)
    assert anonymous.get("/api/v1/alerts/splits", params={"metric": "revenue"}).status_code == 401


def test_split_options_follow_column_rules(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    fields = {o["field"] for o in client.get("/api/v1/alerts/splits", params={"metric": "revenue"},
                                              headers=h).json()}
    assert "customers.industry" in fields, fields
    model = client.get("/api/v1/models/huajing", headers=h).json()["definition"]
    model["column_rules"] = [{"name": "no_industry", "fields": ["customers.industry"], "deny_roles": ["editor"]}]
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    assert client.post("/api/v1/users", json={"username": "ed", "password": "Ed-Pass-0001", "role": "editor"},
                       headers=h).status_code == 201
    editor = type(client)(client.app, raise_server_exceptions=False)
    eh = login(editor, "ed", "Ed-Pass-0001")
    mine = {o["field"] for o in editor.get("/api/v1/alerts/splits", params={"metric": "revenue"},
                                           headers=eh).json()}
    assert "customers.industry" not in mine and mine == fields - {"customers.industry"}


def test_check_reports_the_values_it_looked_at(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    rule = client.post("/api/v1/alerts", json={
        "name": "各厂不良率", "metric": "defect_rate", "by": "production_orders.plant",
        "condition": {"type": "threshold", "op": ">", "value": 0.0}}, headers=h).json()
    out = _check(client, h, rule["id"])
    assert out["status"] == "fired"
    rows = out["observed"]
    assert len(rows) == out["series_checked"] == out["observed_total"]  # lookback 1: one period per plant
    assert all(r["met"] and r["new"] and r["value"] > 0 for r in rows), rows
    assert {r["series"] for r in rows} == {f["series"] for f in out["firings"]}
    assert out["metric_label"] and out["format"]
    again = _check(client, h, rule["id"])
    assert again["status"] == "ok" and all(r["met"] and r["new"] is False for r in again["observed"])

    quiet = client.post("/api/v1/alerts", json={
        "name": "不会触发", "metric": "revenue", "condition": {"type": "threshold", "op": "<", "value": -1}},
        headers=h).json()
    out = _check(client, h, quiet["id"])
    assert out["status"] == "ok" and out["firings"] == []
    assert len(out["observed"]) == 1 and out["observed"][0]["met"] is False and out["observed"][0]["value"] > 0


def test_change_in_either_direction(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    body = {"name": "环比变化超过", "metric": "revenue",
            "condition": {"type": "change", "compare": "previous", "op": ">", "value": 0.0, "direction": "both"}}
    rule = client.post("/api/v1/alerts", json=body, headers=h)
    assert rule.status_code == 201, rule.text
    assert rule.json()["condition"]["direction"] == "both"
    out = _check(client, h, rule.json()["id"])
    row = out["observed"][0]
    assert row["change"] is not None and row["compare_value"] > 0 and row["met"] == (abs(row["change"]) > 0)
    assert out["status"] == "fired" and "变化幅度" in out["firings"][0]["description_zh"]
    # the same size as a bound that cannot be crossed in either direction
    body["condition"]["value"], body["name"] = abs(row["change"]) + 0.001, "不超过"
    quiet = client.post("/api/v1/alerts", json=body, headers=h).json()
    assert _check(client, h, quiet["id"])["status"] == "ok"
    for bad in ({"direction": "up"}, {"direction": "both", "value": -0.1}):
        cond = {**body["condition"], **bad}
        r = client.post("/api/v1/alerts", json={**body, "condition": cond}, headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "alert_condition_invalid", r.text
