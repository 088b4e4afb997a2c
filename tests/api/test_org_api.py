"""Departments and sharing through the API, checked as the people concerned: a department's region
reaches its members' row rules on every data route; a private dashboard shared with a department
(through a parent) or a user is seen by them, marked shared-with-me, and answers only their region."""

from __future__ import annotations

from shuzhi_testing import login

SALES = "华精科技/销售中心"
EAST = f"{SALES}/华东销售部"
RULE = {"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}"}
SPEC = {"metrics": ["revenue"], "dimensions": ["customers.region"]}


def _user(client, h, name: str, role: str, depts: list[str], attrs: dict | None = None):  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/users", json={"username": name, "password": f"{name.title()}-Pass-2026", "role": role,
                                           "departments": depts, "attributes": attrs or {}}, headers=h)
    assert r.status_code == 201, r.text
    other = type(client)(client.app, raise_server_exceptions=False)
    return other, login(other, name, f"{name.title()}-Pass-2026"), r.json()


def _regions(client, h) -> set[str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/query", json=SPEC, headers=h)
    assert r.status_code == 200, r.text
    return {row[0] for row in r.json()["rows"]}


def test_department_attributes_drive_row_rules_and_sharing(demo_api) -> None:  # type: ignore[no-untyped-def]
    client = demo_api()
    h = login(client)
    model = client.get("/api/v1/models/huajing").json()["definition"]
    model["row_rules"] = [RULE]
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    all_regions = _regions(client, h)
    assert len(all_regions) > 2

    r = client.post("/api/v1/departments", json={"path": EAST, "attributes": {"region": "华东"}}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["parent"] == SALES and r.json()["inherited_attributes"] == {"region": "华东"}
    south = client.post("/api/v1/departments", json={"path": f"{SALES}/华南销售部", "attributes": {"region": "华南"}},
                        headers=h).json()
    depts = client.get("/api/v1/departments").json()["departments"]
    assert [d["path"] for d in depts] == ["华精科技", SALES, EAST, f"{SALES}/华南销售部"]

    zhou, zh, out = _user(client, h, "zhou", "viewer", [EAST])
    assert out["departments"] == [EAST] and out["effective_attributes"] == {"region": "华东"}
    assert _regions(zhou, zh) == {"华东"}
    both, bh, out = _user(client, h, "qian", "viewer", [EAST, f"{SALES}/华南销售部"])
    assert sorted(out["effective_attributes"]["region"]) == ["华东", "华南"]
    assert _regions(both, bh) == {"华东", "华南"}
    own, oh, _ = _user(client, h, "sun", "viewer", [EAST], {"region": "华北"})
    assert _regions(own, oh) == {"华北"}  # the user's own attribute wins over the department's

    # a private dashboard of an editor, shared with 销售中心 (zhou is in a sub-department)
    editor, eh, _ = _user(client, h, "li", "editor", [])
    definition = {"name": "east-weekly", "title": "华东周报", "shared_roles": [], "components": [
        {"id": "by_region", "kind": "chart", "title": "各区域销售额", "pos": {"x": 0, "y": 0, "w": 12, "h": 6},
         "spec": SPEC, "chart": {"type": "bar"}}]}
    r = editor.post("/api/v1/dashboards", json=definition, headers=eh)
    assert r.status_code == 201, r.text
    assert zhou.get("/api/v1/dashboards/east-weekly").status_code == 404
    assert zhou.put("/api/v1/dashboards/east-weekly/grants", json={"grants": []}, headers=zh).status_code == 403
    r = editor.put("/api/v1/dashboards/east-weekly/grants",
                   json={"grants": [{"grantee": f"dept:{SALES}", "access": "view"}]}, headers=eh)
    assert r.status_code == 200, r.text
    assert [g["grantee"] for g in r.json()["grants"]] == [f"dept:{SALES}"]
    mine = {d["name"]: d for d in zhou.get("/api/v1/dashboards").json()}
    assert mine["east-weekly"]["shared_with_me"] and not mine["east-weekly"]["can_edit"]
    data = zhou.post("/api/v1/dashboards/east-weekly/data", json={}, headers=zh)
    assert data.status_code == 200, data.text
    assert "华南" not in data.text

    # to a person, to edit: another editor may then change it
    wang, wh, _ = _user(client, h, "wang", "editor", [])
    assert wang.get("/api/v1/dashboards/east-weekly").status_code == 404
    r = editor.put("/api/v1/dashboards/east-weekly/grants", json={"grants": [
        {"grantee": f"dept:{SALES}", "access": "view"}, {"grantee": "user:wang", "access": "edit"}]}, headers=eh)
    assert r.status_code == 200
    got = wang.get("/api/v1/dashboards/east-weekly").json()
    assert got["can_edit"] and got["shared_with_me"]
    assert wang.put("/api/v1/dashboards/east-weekly", json={**got["definition"], "title": "华东周报 v2"},
                    headers=wh).status_code == 200
    bad = editor.put("/api/v1/dashboards/east-weekly/grants", json={"grants": [{"grantee": "dept:不存在"}]}, headers=eh)
    assert bad.status_code == 404 and "不存在" in bad.json()["error"]["message"]

    # who can see what: zhou's rule with their value, the dashboards and why; the dashboard's viewers
    acc = client.get("/api/v1/users/zhou/access").json()
    rule = next(r for r in acc["row_rules"] if r["name"] == "own_region")
    assert rule["binds"] and rule["applied"] == "region = 华东" and acc["effective_attributes"] == {"region": "华东"}
    assert {d["name"]: d["via"] for d in acc["dashboards"]}["east-weekly"] == f"shared:dept:{SALES}"
    viewers = {v["username"]: v for v in editor.get("/api/v1/dashboards/east-weekly/viewers").json()["viewers"]}
    assert viewers["li"]["via"] == "owner" and viewers["admin"]["via"] == "admin"
    assert viewers["zhou"]["via"] == f"shared:dept:{SALES}" and viewers["wang"]["access"] == "edit"
    assert "sun" in viewers and "qian" in viewers
    assert zhou.get("/api/v1/users/zhou/access").status_code == 403
    assert wang.get("/api/v1/dashboards/east-weekly/viewers").status_code == 403  # shared to edit, not the owner

    # removing the department takes the share and the members' region with it
    assert client.delete(f"/api/v1/departments/{south['id']}", headers=h).status_code == 204
    events = client.get("/api/v1/audit", params={"action": "share"}).json()["events"]
    assert {e["action"] for e in events} == {"share.grant"} and events[0]["user"] in ("li", "admin")
    assert client.get("/api/v1/audit", params={"action": "dept"}).json()["total"] >= 3
