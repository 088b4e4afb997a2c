"""Dashboards API: CRUD with versions, sharing by role, validation, favourites and recent views."""

from __future__ import annotations

import copy

from shuzhi_testing import login

BASE = "/api/v1/dashboards"


def _simple(name: str = "mine", **kw):  # type: ignore[no-untyped-def]
    return {"name": name, "title": "我的看板", "title_en": "Mine", "components": [
        {"id": "rev", "kind": "kpi", "title": "销售额", "pos": {"x": 0, "y": 0, "w": 6, "h": 4},
         "spec": {"metrics": ["revenue"], "time_range": {"relative": "this_year"}}},
        {"id": "by_region", "kind": "chart", "pos": {"x": 6, "y": 0, "w": 12, "h": 8},
         "spec": {"metrics": ["revenue"], "dimensions": ["customers.region"]}, "chart": {"type": "bar"}},
        {"id": "note", "kind": "text", "pos": {"x": 18, "y": 0, "w": 6, "h": 4}, "text": "说明"},
    ], **kw}


def _user(client, h, name: str, role: str):  # type: ignore[no-untyped-def]
    pw = f"{name.title()}-Pass-01"
    r = client.post("/api/v1/users", json={"username": name, "password": pw, "role": role}, headers=h)
    assert r.status_code == 201, r.text
    other = type(client)(client.app, raise_server_exceptions=False)
    return other, login(other, name, pw)


def test_crud_versions_duplicate_delete(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    r = c.post(BASE, json=_simple(), headers=h)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["version"] == 1 and d["owner"] == "admin" and d["components"] == 3 and d["can_edit"]
    assert c.get(f"{BASE}/{d['id']}").json()["name"] == "mine"
    assert c.post(BASE, json=_simple(), headers=h).json()["error"]["code"] == "dashboard_exists"

    body = _simple(title="改过的标题")
    body["components"][1]["pos"] = {"x": 0, "y": 8, "w": 24, "h": 10}
    r = c.put(f"{BASE}/mine", json=body, params={"comment": "resize"}, headers=h)
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["title"] == "改过的标题"
    assert c.put(f"{BASE}/mine", json=body, headers=h).json()["version"] == 2  # unchanged: no new version
    versions = c.get(f"{BASE}/mine/versions").json()
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["comment"] == "resize"

    # restoring v1 saves it again as v3 (the history only grows); an unknown version is a 404
    r = c.post(f"{BASE}/mine/versions/1/restore", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3 and r.json()["title"] == "我的看板"
    assert r.json()["definition"]["components"][1]["pos"]["w"] == 12
    assert c.get(f"{BASE}/mine/versions").json()[-1]["comment"] == "restore v1"
    assert c.post(f"{BASE}/mine/versions/9/restore", headers=h).json()["error"]["code"] == "dashboard_version_not_found"
    c.post(f"{BASE}/mine/versions/2/restore", headers=h)

    dup = c.post(f"{BASE}/mine/duplicate", headers=h)
    assert dup.status_code == 201 and dup.json()["name"] == "mine-copy" and dup.json()["shared_roles"] == []
    assert dup.json()["definition"]["components"][1]["pos"]["w"] == 24

    assert c.delete(f"{BASE}/mine", headers=h).status_code == 204
    assert c.get(f"{BASE}/mine").status_code == 404
    assert c.get(f"{BASE}/mine-copy").status_code == 200


def test_favourites_and_recent(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    names = [d["name"] for d in c.get(BASE).json()]
    assert names == ["cockpit", "sales", "supply", "quality", "rd"]
    assert c.put(f"{BASE}/quality/favourite", headers=h).status_code == 204
    assert [d["name"] for d in c.get(BASE, params={"favourites": True}).json()] == ["quality"]
    assert c.delete(f"{BASE}/quality/favourite", headers=h).status_code == 204
    assert c.get(BASE, params={"favourites": True}).json() == []
    for n in ("sales", "rd", "sales"):
        assert c.get(f"{BASE}/{n}").status_code == 200
    assert [d["name"] for d in c.get(f"{BASE}/recent").json()] == ["sales", "rd"]


def test_sharing_by_role(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    editor, eh = _user(c, h, "lina", "editor")
    viewer, vh = _user(c, h, "wang", "viewer")
    # the editor's own dashboard, shared with nobody: the viewer cannot see it, not even by name
    assert editor.post(BASE, json=_simple("lina-board"), headers=eh).status_code == 201
    assert "lina-board" not in [d["name"] for d in viewer.get(BASE).json()]
    r = viewer.get(f"{BASE}/lina-board")
    assert r.status_code == 404 and r.json()["error"]["code"] == "dashboard_not_found"
    assert viewer.post(f"{BASE}/lina-board/data", json={}, headers=vh).status_code == 404
    # admins see everything
    assert "lina-board" in [d["name"] for d in c.get(BASE).json()]
    # shared with viewers: now visible, read-only
    assert editor.put(f"{BASE}/lina-board", json=_simple("lina-board", shared_roles=["viewer"]),
                      headers=eh).status_code == 200
    listed = {d["name"]: d for d in viewer.get(BASE).json()}
    assert "lina-board" in listed and listed["lina-board"]["can_edit"] is False
    assert viewer.put(f"{BASE}/lina-board", json=_simple("lina-board"), headers=vh).status_code == 403
    assert viewer.post(BASE, json=_simple("v"), headers=vh).status_code == 403
    # another editor's dashboard: editors may view a shared one and copy it, but not change it
    r = editor.put(f"{BASE}/cockpit", json=c.get(f"{BASE}/cockpit").json()["definition"], headers=eh)
    assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard_forbidden"
    assert editor.delete(f"{BASE}/cockpit", headers=eh).status_code == 403
    assert editor.post(f"{BASE}/cockpit/duplicate", headers=eh).json()["owner"] == "lina"
    # favourites are per user
    assert viewer.put(f"{BASE}/cockpit/favourite", headers=vh).status_code == 204
    assert c.get(BASE, params={"favourites": True}).json() == []


def test_validation_names_the_problem(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    bad = _simple("bad")
    bad["components"][1]["spec"]["metrics"] = ["revenu"]
    r = c.post(BASE, json=bad, headers=h)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "unknown_metric" and "revenu" in err["message"] and "by_region" in err["message"]
    assert "revenue" in err["message"]  # did you mean
    r = c.post(BASE, json=bad, headers={**h, "Accept-Language": "en"})
    assert "Unknown metric revenu" in r.json()["error"]["message"]

    bad = _simple("bad")
    bad["components"].append({"id": "f", "kind": "filter", "pos": {"x": 0, "y": 9, "w": 6, "h": 2},
                              "filter": {"field": "customers.regoin", "control": "multi_select"}})
    r = c.post(BASE, json=bad, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_field"
    assert "customers.regoin" in r.json()["error"]["message"]

    bad = _simple("bad")
    bad["components"].append({"id": "f", "kind": "filter", "pos": {"x": 0, "y": 9, "w": 6, "h": 2},
                              "filter": {"field": "customers.region", "control": "dropdown", "scope": ["nope"]}})
    r = c.post(BASE, json=bad, headers=h)
    assert r.status_code == 422 and "nope" in str(r.json()["error"]["details"])

    bad = _simple("bad")
    bad["components"][0]["pos"] = {"x": 20, "y": 0, "w": 6, "h": 4}  # off the 24-column grid
    assert c.post(BASE, json=bad, headers=h).status_code == 422
    bad = _simple("bad")
    bad["components"].append(copy.deepcopy(bad["components"][0]))
    assert c.post(BASE, json=bad, headers=h).status_code == 422  # duplicate id
    bad = _simple("bad")
    bad["components"].append({"id": "img", "kind": "image", "pos": {"x": 0, "y": 9, "w": 6, "h": 4},
                              "image": "javascript:alert(1)"})
    assert c.post(BASE, json=bad, headers=h).status_code == 422
    bad = _simple("bad")
    bad["components"][1]["drill"] = "nowhere"
    r = c.post(BASE, json=bad, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_hierarchy"
    assert c.get(f"{BASE}/bad").status_code == 404  # nothing half-written


def test_catalog_tables_on_sqlite_and_postgres(make_client, settings, metadata_url) -> None:  # type: ignore[no-untyped-def]
    """Migration 0008 and the store work on both metadata databases (install is idempotent)."""
    import datetime as dt

    from shuzhi.demo.dashboards import install_demo_dashboards
    from shuzhi.demo.semantic import install_demo_model

    c = make_client(metadata_url)
    with c.app.state.runtime.catalog.session() as s:
        install_demo_model(s)
        assert install_demo_dashboards(s, dt.date(2026, 11, 26)) == {n: 1 for n in ("cockpit", "sales", "supply",
                                                                                     "quality", "rd")}
    with c.app.state.runtime.catalog.session() as s:
        assert install_demo_dashboards(s, dt.date(2026, 11, 26))["cockpit"] == 1  # unchanged: no new version
    h = login(c)
    assert c.put(f"{BASE}/rd/favourite", headers=h).status_code == 204
    assert [d["name"] for d in c.get(BASE, params={"favourites": True}).json()] == ["rd"]
    assert c.get(f"{BASE}/rd").json()["title_en"] == "R&D and Innovation"
    assert [d["name"] for d in c.get(f"{BASE}/recent").json()] == ["rd"]
    assert c.delete(f"{BASE}/rd", headers=h).status_code == 204


def test_reloads_of_one_dashboard_are_not_rewritten(dash_api) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 finding 5 (request cost): every view wrote and committed a dashboard_views row (a
    write-lock and a commit on each request of a busy dashboard); reloads of the dashboard a user
    viewed last are now coalesced, and /dashboards/recent keeps its order."""
    from sqlalchemy import event

    c, _ = dash_api
    writes: list[str] = []

    def on(_conn, _cursor, statement, *_a):  # type: ignore[no-untyped-def]
        if "dashboard_views" in statement and not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    event.listen(c.app.state.runtime.catalog.engine, "before_cursor_execute", on)
    for _ in range(5):
        assert c.get(f"{BASE}/cockpit").status_code == 200
    assert len(writes) == 1, writes  # was 5
    assert c.get(f"{BASE}/cockpit", params={"view": False}).status_code == 200
    for n in ("sales", "cockpit"):  # another dashboard in between: the view is written again
        assert c.get(f"{BASE}/{n}").status_code == 200
    assert len(writes) == 3
    assert [d["name"] for d in c.get(f"{BASE}/recent").json()][:2] == ["cockpit", "sales"]
