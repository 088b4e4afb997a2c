"""The datasets API end to end: create, preview after a step, bilingual step errors, versions, restore,
materialize job, lineage, add to model, permissions."""

from __future__ import annotations

import shutil

from shuzhi_testing import login

DS = {"name": "channel_sales", "label": "渠道销售", "source": {"table": "sales_orders"}, "steps": [
    {"op": "filter", "formula": "status <> '已取消'"},
    {"op": "aggregate", "group_by": ["channel"], "aggregates": [{"name": "revenue", "agg": "sum", "field": "amount"}]},
    {"op": "sort", "by": [{"field": "revenue", "desc": True}]}]}


def test_datasets_api(make_client, settings, demo_file) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.demo.semantic import install_demo_model

    settings.ensure_home()
    shutil.copy(demo_file, settings.warehouse_path)
    c = make_client()
    c.app.state.runtime.warehouse().open()  # read-write, as under `shuzhi serve`
    with c.app.state.runtime.catalog.session() as s:
        install_demo_model(s)
    h = login(c)
    r = c.post("/api/v1/datasets", json=DS, headers=h)
    assert r.status_code == 201, r.text
    assert [col["name"] for col in r.json()["columns"]] == ["channel", "revenue"]
    r = c.post("/api/v1/datasets/channel_sales/preview", json={"upto": 1, "limit": 5}, headers=h)
    body = r.json()
    assert r.status_code == 200 and len(body["rows"]) == 5 and body["upto"] == 1 and body["sql"].startswith("WITH")
    assert len(body["steps"]) == 2  # the source and step 1: later steps may still be unfinished
    assert c.post("/api/v1/datasets/channel_sales/preview", json={}, headers=h).json()["steps"][2] == [
        {"name": "channel", "type": "string", "label": "channel"}, {"name": "revenue", "type": "number", "label": "revenue"}]
    r = c.post("/api/v1/datasets/preview", json={"definition": DS}, headers=h)
    rows = r.json()["rows"]
    assert [x[1] for x in rows] == sorted((x[1] for x in rows), reverse=True) and len(rows) == 4
    bad = {**DS, "steps": [*DS["steps"], {"op": "filter", "conditions": [{"field": "amount", "op": ">", "value": 1}]}]}
    for lang, prefix in (("zh", "第 4 步（筛选）"), ("en", "Step 4 (filter)")):
        r = c.put("/api/v1/datasets/channel_sales", json=bad, headers={**h, "Accept-Language": lang})
        assert r.status_code == 400 and r.json()["error"]["message"].startswith(prefix), r.text
        assert r.json()["error"]["details"]["step"] == 4
    r = c.put("/api/v1/datasets/channel_sales", json={**DS, "mode": "materialized"}, headers=h)
    assert r.status_code == 200 and r.json()["version"] == 2
    assert [v["version"] for v in c.get("/api/v1/datasets/channel_sales/versions").json()] == [1, 2]
    job = c.post("/api/v1/datasets/channel_sales/materialize", headers=h)
    assert job.status_code == 202
    c.app.state.runtime.jobs.wait(job.json()["job_id"], timeout=60)
    assert c.get(f"/api/v1/jobs/{job.json()['job_id']}").json()["status"] == "succeeded"
    got = c.get("/api/v1/datasets/channel_sales").json()
    assert got["row_count"] == 4 and got["materialized_version"] == 2
    lin = c.get("/api/v1/datasets/channel_sales/lineage").json()
    assert lin["tables"] == ["sales_orders"] and lin["table"] == "ds_channel_sales"
    r = c.post("/api/v1/datasets/channel_sales/add-to-model", json={}, headers=h)
    assert r.status_code == 200 and r.json()["dataset"]["table"] == "ds_channel_sales"
    r = c.post("/api/v1/datasets/channel_sales/versions/1/restore", headers=h)
    assert r.json()["version"] == 3 and r.json()["mode"] == "virtual"
    # a viewer may neither read definitions nor preview data (data:raw: steps bypass the model's row rules)
    assert c.post("/api/v1/users", json={"username": "v1", "password": "Viewer-Pass-01", "role": "viewer"},
                  headers=h).status_code == 201
    v = type(c)(c.app, raise_server_exceptions=False)
    vh = login(v, "v1", "Viewer-Pass-01")
    assert v.get("/api/v1/datasets").status_code == 403
    assert v.post("/api/v1/datasets/channel_sales/preview", json={}, headers=vh).status_code == 403
    assert v.delete("/api/v1/datasets/channel_sales", headers=vh).status_code == 403
    assert c.get("/api/v1/datasets/nope").status_code == 404
    assert c.delete("/api/v1/datasets/channel_sales", headers=h).status_code == 204
    assert c.get("/api/v1/datasets").json() == []
