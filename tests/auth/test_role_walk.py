"""Walk every route of the OpenAPI document as admin, editor, viewer and a row-ruled viewer (华东), and
check each answer against the permission table in docs/auth.md (so the doc and the code cannot drift).

A role that holds the route's permission must get an answer that is neither 401, 403 `forbidden` nor
5xx (some minimal inputs legitimately answer 404/409/422, e.g. a second delete, or a resource-level
403 such as `rules_forbidden` for a model change that needs security:manage); a role without it must
get 403 `forbidden`. Roles are walked least privileged first, so a forbidden call can never depend on
what an allowed one changed; deletes and logout come last.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from shuzhi.auth.roles import PERMISSIONS
from shuzhi_testing import login

DOC = Path(__file__).resolve().parents[2] / "docs" / "auth.md"
ROLES = ("viewer", "rviewer", "editor", "admin")  # least privileged first
ROLE_OF = {"viewer": "viewer", "rviewer": "viewer", "editor": "editor", "admin": "admin"}
PASSWORDS = {"walk_viewer": "Walk-Viewer-01", "walk_huadong": "Walk-Huadong-01", "walk_editor": "Walk-Editor-01",
             "walk_target": "Walk-Target-01"}
USERS = {"viewer": "walk_viewer", "rviewer": "walk_huadong", "editor": "walk_editor"}
ROW = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*(\S+)\s*\|\s*(\S+)\s*\|\s*([^|]+?)\s*\|\s*$")

DS = {"label": "渠道销售", "source": {"table": "sales_orders"}, "steps": [
    {"op": "aggregate", "group_by": ["channel"], "aggregates": [{"name": "revenue", "agg": "sum", "field": "amount"}]}]}
METRIC = {"label": "大单数", "dataset": "sales_orders", "agg": "count_distinct", "expr": "order_id",
          "filter": "amount >= 100000", "time": "order_date"}
ALERT = {"name": "walk", "metric": "revenue", "grain": "month", "condition": {"type": "threshold", "op": ">", "value": 0}}


def permission_table() -> dict[tuple[str, str], tuple[str, str]]:
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            key = (m.group(1), m.group(2))
            assert key not in out, f"docs/auth.md lists {key} twice"
            out[key] = (m.group(3), m.group(4))
    assert len(out) > 50, "the route table in docs/auth.md was not found"
    return out


# Routes without an account that answer only to a secret (a share link's or a guest token's, sent in a
# header): walked like `public`; without the secret they must refuse with exactly these codes.
HOLDER = {"share-link": ("share_not_found",), "guest-token": ("embed_token_invalid",)}


def allowed_roles(permission: str) -> set[str]:
    if permission in ("public", "signed-in", *HOLDER):
        return {"admin", "editor", "viewer"}
    assert any(permission in p for p in PERMISSIONS.values()), f"unknown permission {permission} in docs/auth.md"
    return {r for r, p in PERMISSIONS.items() if permission in p}


def _signed_in(client, username: str, password: str):  # type: ignore[no-untyped-def]
    c = type(client)(client.app, raise_server_exceptions=False)
    return c, login(c, username, password)


def _setup(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Users, rules and one resource of each kind; returns the clients and the path parameters."""
    client.app.state.runtime.warehouse().open()  # read-write, as under `shuzhi serve`
    h = login(client)
    model = client.get("/api/v1/models/huajing", headers=h).json()["definition"]
    model["row_rules"] = [{"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}",
                           "roles": ["viewer"]}]
    model["column_rules"] = [{"name": "no_cost", "fields": ["cogs", "customers.customer_name"],
                              "deny_roles": ["viewer"]}]
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    for name, role, attrs in [("walk_viewer", "viewer", {}), ("walk_huadong", "viewer", {"region": "华东"}),
                              ("walk_editor", "editor", {}), ("walk_target", "viewer", {})]:
        r = client.post("/api/v1/users", json={"username": name, "password": PASSWORDS[name], "role": role,
                                               "attributes": attrs}, headers=h)
        assert r.status_code == 201, r.text
    clients = {"admin": (client, h)}
    for key, name in USERS.items():
        clients[key] = _signed_in(client, name, PASSWORDS[name])

    demo_key = client.get("/api/v1/dashboards", headers=h).json()[0]["name"]
    assert clients["viewer"][0].get(f"/api/v1/dashboards/{demo_key}", headers=clients["viewer"][1]).status_code == 200
    dash_def = client.get(f"/api/v1/dashboards/{demo_key}", headers=h).json()["definition"]
    admin_rule = client.post("/api/v1/alerts", json={**ALERT, "subscribers": list(USERS.values())}, headers=h).json()
    admin_sub = client.post("/api/v1/subscriptions", json={"dashboard": demo_key, "format": "link",
                                                           "users": list(USERS.values())}, headers=h).json()
    params: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        c, hh = clients[role]
        p: dict[str, Any] = {"model": "huajing", "metric": "revenue", "table": "sales_orders", "dataset": "walk_ds",
                             "dash": demo_key, "own_dash": demo_key, "rule_id": admin_rule["id"], "job_id": 0,
                             "sub_id": admin_sub["id"],
                             "dash_def": dash_def, "model_def": model, "version": 1}
        if ROLE_OF[role] in ("admin", "editor"):  # their own things, so ownership checks pass
            r = c.post(f"/api/v1/dashboards/{demo_key}/duplicate", json={"name": f"walk-{role}"}, headers=hh)
            assert r.status_code == 201, r.text
            p["own_dash"] = r.json()["name"]
            if role == "editor":
                r = c.post("/api/v1/alerts", json=ALERT, headers=hh)
                assert r.status_code == 201, r.text
                p["rule_id"] = r.json()["id"]
                r = c.post("/api/v1/subscriptions", json={"dashboard": demo_key, "format": "link",
                                                          "users": ["walk_editor"]}, headers=hh)
                assert r.status_code == 201, r.text
                p["sub_id"] = r.json()["id"]
        params[role] = p
    r = client.post("/api/v1/datasets", json={**DS, "name": "walk_ds"}, headers=h)
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/datasets/walk_ds/materialize", headers=h)
    for p in params.values():
        p["job_id"] = r.json()["job_id"]
        p["model_version"] = client.get("/api/v1/models/huajing", headers=h).json()["version"]
    return {"clients": clients, "params": params}


def _call(c, h: dict[str, str], method: str, path: str, p: dict[str, Any], role: str):  # type: ignore[no-untyped-def]
    """One request with a minimal valid input for the route."""
    fill = {"{name}": p["metric"], "{token_id}": "999999", "{username}": "walk_target", "{job_id}": str(p["job_id"]),
            "{key}": p["dash"], "{field}": "customers.region", "{ref}": "walk-nowhere", "{table}": "orders",
            "{rule_id}": str(p["rule_id"]), "{item_id}": "999999", "{version}": "1", "{share_id}": "999999",
            "{sub_id}": str(p["sub_id"])}
    if path.startswith("/api/v1/models/"):
        fill["{name}"], fill["{version}"] = p["model"], str(p["model_version"])
    elif path.startswith("/api/v1/datasets/"):
        fill["{name}"] = p["dataset"]
    elif path.startswith("/api/v1/tables/"):
        fill["{name}"] = p["table"]
    elif path.startswith("/api/v1/hierarchies/"):
        fill["{name}"] = "geography"
    if path.startswith("/api/v1/dashboards/{key}") and method in ("PUT", "DELETE", "POST") \
            and not path.endswith(("/data", "/duplicate", "/favourite")):
        fill["{key}"] = p["own_dash"]
    url = path
    for k, v in fill.items():
        url = url.replace(k, v)
    body: Any = None
    files = None
    tag = role
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/api/v1/auth/password"): {"current_password": "not-it", "new_password": "Another-Pass-0001"},
        ("POST", "/api/v1/auth/tokens"): {"name": f"walk-{tag}"},
        ("POST", "/api/v1/users"): {"username": f"walk_new_{tag}", "password": "Walk-New-Pass-01", "role": "viewer"},
        ("PATCH", "/api/v1/users/{username}"): {"display_name": "走查"},
        ("POST", "/api/v1/users/{username}/password"): {"new_password": "Walk-Target-02"},
        ("POST", "/api/v1/sql"): {"sql": "SELECT 1 AS x"},
        ("POST", "/api/v1/query"): {"metrics": ["revenue"], "dimensions": ["customers.region"]},
        ("POST", "/api/v1/exports/query"): {"spec": {"metrics": ["revenue"], "dimensions": ["customers.region"]},
                                            "format": "csv"},
        ("POST", "/api/v1/metrics"): {**METRIC, "name": f"walk_{tag}"},
        ("PUT", "/api/v1/metrics/{name}"): {**METRIC, "name": "revenue", "label": "销售额"},
        ("POST", "/api/v1/metrics/validate"): {"metric": {**METRIC, "name": "walk_check"}, "preview": False},
        ("PUT", "/api/v1/models/{name}"): p["model_def"],
        ("POST", "/api/v1/ask"): {"question": "各区域销售额"},
        ("POST", "/api/v1/forecast"): {"metric": "revenue", "grain": "month", "horizon": 3},
        ("POST", "/api/v1/anomalies"): {"metric": "revenue", "grain": "month"},
        ("POST", "/api/v1/explain"): {"metric": "revenue", "to": "2026-09", "by": ["customers.region"]},
        ("PUT", "/api/v1/assess/answers"): {"answers": {"years_in_niche": 3}},
        ("POST", "/api/v1/dashboards"): {**p["dash_def"], "name": f"walk-new-{tag}"},
        ("PUT", "/api/v1/dashboards/{key}"): {**p["dash_def"], "name": p["own_dash"]},
        ("POST", "/api/v1/dashboards/{key}/duplicate"): {"name": f"walk-dup-{tag}"},
        ("POST", "/api/v1/dashboards/{key}/data"): {},
        ("POST", "/api/v1/datasets"): {**DS, "name": f"walk_{tag}"},
        ("POST", "/api/v1/datasets/preview"): {"definition": {**DS, "name": "walk_tmp"}, "upto": 1, "limit": 5},
        ("PUT", "/api/v1/datasets/{name}"): {**DS, "name": "walk_ds", "label": "渠道销售 2"},
        ("POST", "/api/v1/datasets/{name}/preview"): {"upto": 1, "limit": 5},
        ("POST", "/api/v1/datasets/{name}/add-to-model"): {"replace": True},
        ("POST", "/api/v1/imports"): {"upload_id": "0" * 32, "table": "walk_import"},
        ("POST", "/api/v1/tables/{name}/add-to-model"): {"replace": False},
        ("POST", "/api/v1/alerts"): ALERT,
        ("PATCH", "/api/v1/alerts/{rule_id}"): {"enabled": False},
        ("POST", "/api/v1/subscriptions"): {"dashboard": p["dash"], "format": "link", "users": ["walk_target"]},
        ("PATCH", "/api/v1/subscriptions/{sub_id}"): {"enabled": False},
        ("POST", "/api/v1/extracts/{ref}/refresh"): {"full": False},
        ("POST", "/api/v1/shares"): {"dashboard": p["own_dash"]},
        ("POST", "/api/v1/embed/tokens"): {"dashboard": p["dash"]},
        ("POST", "/api/v1/public/share/unlock"): {"password": "walk-guess"},
        ("POST", "/api/v1/public/share/data"): {},
        ("POST", "/api/v1/embed/data"): {},
    }
    if (method, path) == ("POST", "/api/v1/imports/preview"):
        files = {"file": ("walk.csv", io.BytesIO(b"a,b\n1,2\n"), "text/csv")}
    elif (method, path) in bodies:
        body = bodies[(method, path)]
    elif method in ("POST", "PUT", "PATCH") and path.startswith(("/api/v1/connections", "/api/v1/extracts")):
        body = {}  # admin-only routes: an admin's answer to an empty body is a 4xx, never 403
    if files:
        return c.request(method, url, headers=h, files=files)
    return c.request(method, url, headers=h, json=body)


def _order(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = {("POST", "/api/v1/auth/logout"): 2}
    return sorted(routes, key=lambda r: (last.get(r, 1 if r[0] == "DELETE" else 0)))


@pytest.mark.slow  # ~400 requests and ~25 password hashes: about 40 s on two cores
def test_every_route_against_the_permission_table(demo_client) -> None:  # type: ignore[no-untyped-def]
    client = demo_client
    table = permission_table()
    spec = client.app.openapi()
    routes = [(m.upper(), path) for path, ops in spec["paths"].items() for m in ops]
    missing = [f"{m} {p}" for m, p in routes if (m, p) not in table]
    assert not missing, f"routes missing from the table in docs/auth.md: {missing}"
    stale = [f"{m} {p}" for m, p in table if (m, p) not in routes]
    assert not stale, f"docs/auth.md lists routes the API does not have: {stale}"
    for (m, p), (perm, who) in table.items():
        roles = allowed_roles(perm)
        expect = "anyone" if perm in ("public", *HOLDER) else ", ".join(r for r in ("admin", "editor", "viewer") if r in roles)
        assert who == expect, f"docs/auth.md: {m} {p} needs {perm}, so its 'who' column should read '{expect}'"

    ctx = _setup(client)
    problems = []
    for method, path in _order(routes):
        perm, _ = table[(method, path)]
        for role in ROLES:
            c, h = ctx["clients"][role]
            if perm in HOLDER:  # no secret: refused with the route's own code, never 5xx or a hint
                anon = type(client)(client.app, raise_server_exceptions=False)
                r = _call(anon, {}, method, path, ctx["params"][role], role)
                code = r.json().get("error", {}).get("code") if r.status_code in (401, 404) else None
                if code not in HOLDER[perm]:
                    problems.append(f"{role} {method} {path}: without the secret {r.status_code} {r.text[:200]}")
                continue
            if perm == "public":
                c, h = type(client)(client.app, raise_server_exceptions=False), {}
                if path.endswith("/login"):
                    r = c.post(path, json={"username": "walk_target", "password": PASSWORDS["walk_target"]})
                    problems += [] if r.status_code == 200 else [f"{role} {method} {path}: {r.status_code}"]
                    continue
            r = _call(c, h, method, path, ctx["params"][role], role)
            allowed = ROLE_OF[role] in allowed_roles(perm)
            code = r.json().get("error", {}).get("code") if r.status_code == 403 else None
            if allowed and (r.status_code == 401 or code == "forbidden" or r.status_code >= 500):
                problems.append(f"{role} {method} {path}: allowed ({perm}) but {r.status_code} {r.text[:200]}")
            elif not allowed and code != "forbidden":
                problems.append(f"{role} {method} {path}: needs {perm} but {r.status_code} {r.text[:200]}")
    assert not problems, "\n".join(problems)

