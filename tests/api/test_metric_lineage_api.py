"""GET /metrics/{name}: the lineage lists the dashboards that use the metric (it was always empty), only
those the caller may see, also when a component asks for a metric built on it."""

from __future__ import annotations

from shuzhi_testing import login


def _kpi(cid: str, metric: str, y: int = 0) -> dict:
    return {"id": cid, "kind": "kpi", "pos": {"x": 0, "y": y, "w": 4, "h": 4}, "spec": {"metrics": [metric]}}


def test_lineage_lists_the_dashboards_the_caller_may_see(demo_api) -> None:  # type: ignore[no-untyped-def]
    c = demo_api()
    h = login(c)
    shared = {"name": "sales-board", "title": "销售看板", "shared_roles": ["viewer"], "components": [
        _kpi("rev", "revenue"),
        {"id": "trend", "kind": "chart", "pos": {"x": 4, "y": 0, "w": 8, "h": 6}, "chart": {"type": "line"},
         "spec": {"metrics": [{"name": "rev_yoy", "compute": {"yoy": "revenue"}}],
                  "dimensions": [{"field": "time", "grain": "month"}]}}]}
    private = {"name": "margin-board", "title": "毛利看板", "components": [_kpi("gm", "gross_margin")]}
    other = {"name": "rd-board", "title": "研发看板", "shared_roles": ["viewer"], "components": [_kpi("rd", "rd_spend")]}
    for d in (shared, private, other):
        assert c.post("/api/v1/dashboards", json=d, headers=h).status_code in (200, 201)
    lineage = c.get("/api/v1/metrics/revenue").json()["lineage"]
    assert [(d["name"], d["components"], d["via"]) for d in lineage["dashboards"]] == [
        ("sales-board", ["rev", "trend"], ["revenue"]), ("margin-board", ["gm"], ["gross_margin"])]
    assert lineage["dashboards"][0]["title"] == "销售看板"
    assert c.post("/api/v1/users", json={"username": "vic", "password": "Vic-Pass-0001", "role": "viewer"},
                  headers=h).status_code == 201
    v = type(c)(c.app, raise_server_exceptions=False)
    login(v, "vic", "Vic-Pass-0001")
    seen = v.get("/api/v1/metrics/revenue").json()["lineage"]["dashboards"]
    assert [d["name"] for d in seen] == ["sales-board"]  # the private dashboard is not the viewer's to see
