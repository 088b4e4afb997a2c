"""Issue 12 LOW items and "Also found": a viewer sees no generated SQL, no rules, no restricted
definitions, and no raw tables (the demo's answer key demo_ground_truth included)."""

from __future__ import annotations

from shuzhi_testing import login

SPEC = {"metrics": ["revenue"], "dimensions": ["customers.region"]}


def _setup(client):  # type: ignore[no-untyped-def]
    h = login(client)
    model = client.get("/api/v1/models/huajing", headers=h).json()["definition"]
    model["row_rules"] = [{"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}",
                           "roles": ["viewer"]}]
    model["column_rules"] = [{"name": "no_cost", "fields": ["cogs", "customers.customer_name"], "deny_roles": ["viewer"]}]
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    out = {}
    for name, role in (("chakan", "viewer"), ("bianji", "editor")):
        assert client.post("/api/v1/users", json={"username": name, "password": f"{name.title()}-Pass-01", "role": role,
                                                   "attributes": {"region": "华东"}}, headers=h).status_code == 201
        c = type(client)(client.app, raise_server_exceptions=False)
        out[role] = (c, login(c, name, f"{name.title()}-Pass-01"))
    return h, out


def test_viewer_gets_no_sql_rules_or_restricted_definitions(demo_client) -> None:  # type: ignore[no-untyped-def]
    c = demo_client
    h, who = _setup(c)
    v, vh = who["viewer"]
    e, eh = who["editor"]

    r = v.post("/api/v1/query", json=SPEC, headers=vh)
    assert r.status_code == 200 and "sql" not in r.json() and [x[0] for x in r.json()["rows"]] == ["华东"]
    assert "SELECT" in e.post("/api/v1/query", json=SPEC, headers=eh).json()["sql"]
    a = v.post("/api/v1/ask", json={"question": "各区域销售额"}, headers=vh).json()
    assert a["result"] and "sql" not in a["result"]
    assert "SELECT" in e.post("/api/v1/ask", json={"question": "各区域销售额"}, headers=eh).json()["result"]["sql"]

    # nothing else a viewer calls carries SQL text either
    for path, body in (("/api/v1/dashboards/cockpit/data", {}),
                       ("/api/v1/forecast", {"metric": "revenue", "grain": "month", "horizon": 3}),
                       ("/api/v1/anomalies", {"metric": "revenue", "grain": "month"}),
                       ("/api/v1/explain", {"metric": "revenue", "to": "2026-09", "by": ["customers.province"]})):
        r = v.post(path, json=body, headers=vh)
        assert r.status_code == 200 and '"sql"' not in r.text and "SELECT" not in r.text, (path, r.text[:300])

    d = v.get("/api/v1/models/huajing", headers=vh).json()["definition"]
    assert d["row_rules"] == [] and d["column_rules"] == []
    names = {m["name"] for m in d["metrics"]}
    assert "revenue" in names and "cogs" not in names
    assert "gross_profit" not in names  # reads cogs: restricted too (queries refuse it)
    customers = next(ds for ds in d["datasets"] if ds["name"] == "customers")
    assert "customer_name" not in {f["name"] for f in customers["fields"]} and "region" in {f["name"] for f in customers["fields"]}
    assert all(ds.get("sql") is None for ds in d["datasets"])
    full = e.get("/api/v1/models/huajing", headers=eh).json()["definition"]
    assert full["row_rules"] and full["column_rules"]  # editors keep the whole model (they edit it)

    for path in ("/api/v1/metrics/cogs", "/api/v1/metrics/cogs/versions", "/api/v1/metrics/gross_profit/versions"):
        r = v.get(path, headers=vh)
        assert r.status_code == 403 and r.json()["error"]["code"] == "field_restricted", (path, r.text)
    assert v.get("/api/v1/metrics/revenue/versions", headers=vh).status_code == 200
    assert e.get("/api/v1/metrics/cogs/versions", headers=eh).status_code == 200
    assert "cogs" not in {m["name"] for m in v.get("/api/v1/metrics", headers=vh).json()}


def test_viewer_cannot_list_or_read_raw_tables(demo_client) -> None:  # type: ignore[no-untyped-def]
    c = demo_client
    h, who = _setup(c)
    v, vh = who["viewer"]
    for path in ("/api/v1/tables", "/api/v1/tables/demo_ground_truth/preview", "/api/v1/tables/customers/profile",
                 "/api/v1/datasets"):
        r = v.get(path, headers=vh)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (path, r.text)
    assert v.post("/api/v1/datasets/preview", json={"definition": {"name": "x", "source": {"table": "customers"}}},
                  headers=vh).status_code == 403
    me = v.get("/api/v1/auth/me", headers=vh).json()
    assert "data:raw" not in me["permissions"] and "content:view" in me["permissions"]
    e, eh = who["editor"]
    assert "demo_ground_truth" in {t["name"] for t in e.get("/api/v1/tables", headers=eh).json()}
