"""Every route that returns data applies the caller's row and column rules (issue 12: findings 2, 7,
9 and the question parser's value look-up).

The model is the demo's with the issue's probe: region = {{ user.region }} for editors and viewers,
customers.customer_name and the metric cogs (so sales_orders.cost) denied to viewers. The callers
are a 华东 viewer and a 华东 editor; routes a viewer may not call at all (the role walk decides
that) may answer 403, never other regions' rows.
"""

from __future__ import annotations

import pytest

from shuzhi.catalog.semantic import get_model, save_model
from shuzhi_testing import client_over, demo_file, login

pytestmark = pytest.mark.slow  # each test builds an app over a demo copy and logs in three users (~5 s)

REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北", "海外"]


def _secure(client) -> None:  # type: ignore[no-untyped-def]
    with client.app.state.runtime.catalog.session() as s:
        model, _ = get_model(s, "huajing")
        data = model.model_dump(mode="json")
        data["row_rules"] = [{"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}",
                              "roles": ["editor", "viewer"]}]
        data["column_rules"] = [{"name": "hide_names_and_cost", "fields": ["customers.customer_name", "cogs"],
                                 "deny_roles": ["viewer"]}]
        save_model(s, type(model).model_validate(data), actor="test", may_change_rules=True)


def _user(client, admin_h, name: str, role: str, attrs: dict) -> tuple:  # type: ignore[no-untyped-def]
    password = f"{name.title()}-Pass-01"
    r = client.post("/api/v1/users", json={"username": name, "password": password, "role": role,
                                           "attributes": attrs}, headers=admin_h)
    assert r.status_code == 201, r.text
    c = type(client)(client.app, raise_server_exceptions=False)
    return c, login(c, name, password)


@pytest.fixture
def env(make_client, settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    path = demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")
    admin = client_over(make_client, settings, path)
    admin.app.state.runtime.warehouse().open()  # read-write, as under `shuzhi serve`
    ah = login(admin)
    _secure(admin)
    viewer = _user(admin, ah, "hd_viewer", "viewer", {"region": "华东"})
    editor = _user(admin, ah, "hd_editor", "editor", {"region": "华东"})
    return admin, ah, viewer, editor


def _col(body: dict, name: str) -> list:  # type: ignore[type-arg]
    names = [c["name"] for c in body["columns"]]
    return [r[names.index(name)] for r in body["rows"]]


def _region_ids(admin, ah) -> set[int]:  # type: ignore[no-untyped-def]
    r = admin.post("/api/v1/sql", json={"sql": "SELECT customer_id FROM customers WHERE region = '华东'"}, headers=ah)
    return {row[0] for row in r.json()["rows"]}


def test_table_preview_and_profile(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (viewer, vh), (editor, eh) = env
    # The admin (no rule binds) still sees every region and every column.
    body = admin.get("/api/v1/tables/customers/preview?limit=1000", headers=ah).json()
    assert set(_col(body, "region")) == set(REGIONS) and "customer_name" in [c["name"] for c in body["columns"]]
    east = _region_ids(admin, ah)

    for who, c, h in (("viewer", viewer, vh), ("editor", editor, eh)):
        r = c.get("/api/v1/tables/customers/preview?limit=1000", headers=h)
        if who == "viewer" and r.status_code == 403:
            continue
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(_col(body, "region")) == {"华东"}, who
        assert ("customer_name" in [c["name"] for c in body["columns"]]) == (who == "editor")

        lines = c.get("/api/v1/tables/sales_orders/preview?limit=1000", headers=h).json()
        assert lines["rows"] and set(_col(lines, "customer_id")) <= east, who
        assert ("cost" in [c["name"] for c in lines["columns"]]) == (who == "editor")

        prof = c.get("/api/v1/tables/customers/profile", headers=h).json()
        cols = {p["name"]: p for p in prof["columns"]}
        assert cols["region"]["distinct"] == 1 and [t["value"] for t in cols["region"]["top"]] == ["华东"]
        assert prof["rows"] == len(east)
        assert ("customer_name" in cols) == (who == "editor")

        listed = {t["name"]: t for t in c.get("/api/v1/tables", headers=h).json()}
        assert listed["customers"]["rows"] == len(east)
        assert ("customer_name" in [x["name"] for x in listed["customers"]["columns"]]) == (who == "editor")


def test_dataset_previews_apply_the_editors_rules(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, _, (editor, eh) = env
    by_region = {"source": {"table": "customers"},
                 "steps": [{"op": "aggregate", "group_by": ["region"],
                            "aggregates": [{"agg": "count", "name": "n"}]}]}
    r = admin.post("/api/v1/datasets/preview", json={"definition": by_region}, headers=ah)
    assert r.status_code == 200, r.text
    assert set(_col(r.json(), "region")) == set(REGIONS)

    r = editor.post("/api/v1/datasets/preview", json={"definition": by_region}, headers=eh)
    assert r.status_code == 200, r.text
    assert _col(r.json(), "region") == ["华东"]

    # Lines joined to customers, and a saved dataset (materialized by the system) previewed by the editor.
    lines = {"name": "east_lines", "source": {"table": "sales_orders"},
             "steps": [{"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id",
                                                                                "right": "customer_id"}],
                        "how": "left", "fields": ["region"]}]}
    r = admin.post("/api/v1/datasets", json=lines, headers=ah)
    assert r.status_code == 201, r.text
    job = admin.post("/api/v1/datasets/east_lines/materialize", headers=ah)
    assert job.status_code == 202, job.text
    admin.app.state.runtime.jobs.wait(job.json()["job_id"], timeout=60)
    assert admin.get("/api/v1/datasets/east_lines", headers=ah).json()["materialized_version"] == 1
    r = editor.post("/api/v1/datasets/east_lines/preview", json={"limit": 1000}, headers=eh)
    assert r.status_code == 200, r.text
    assert set(_col(r.json(), "region")) == {"华东"}


def _values(lex, ds: str, f: str) -> set:  # type: ignore[no-untyped-def,type-arg]
    return {e.key[2] for entries in lex.terms.values() for e in entries
            if e.kind == "value" and e.key[0] == ds and e.key[1] == f}


def test_question_parser_knows_only_visible_values(env) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.ask import lexicon
    from shuzhi.spec.resolve import UserContext

    admin, ah, (viewer, vh), _ = env
    rt = admin.app.state.runtime
    full = lexicon(rt)
    assert _values(full, "customers", "region") == set(REGIONS) and _values(full, "customers", "customer_name")
    east = UserContext("hd_viewer", "viewer", {"region": "华东"})
    lex = lexicon(rt, None, None, east)
    assert _values(lex, "customers", "region") == {"华东"}
    assert not _values(lex, "customers", "customer_name")  # a denied field: no values at all
    assert _values(lex, "sales_orders", "sales_rep") < _values(full, "sales_orders", "sales_rep")
    # One lexicon per rule signature, not per user.
    assert lexicon(rt, None, None, UserContext("other", "viewer", {"region": "华东"})) is lex

    r = viewer.post("/api/v1/ask", json={"question": "华南的销售额"}, headers=vh)
    assert r.status_code == 200, r.text
    assert "华南" not in str(r.json().get("spec")) and "华南" not in str(r.json().get("interpretation"))
    r = admin.post("/api/v1/ask", json={"question": "华南的销售额"}, headers=ah)
    assert "华南" in str(r.json().get("spec"))


def test_alert_deliveries_follow_each_subscribers_rules(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (viewer, vh), (editor, eh) = env
    rule = {"name": "每个大区都有销售额", "metric": "revenue", "grain": "month", "by": "customers.region",
            "condition": {"type": "threshold", "op": ">", "value": 0}, "subscribers": ["hd_viewer"]}
    r = admin.post("/api/v1/alerts", json=rule, headers=ah)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = admin.post(f"/api/v1/alerts/{rid}/check", headers=ah)
    assert r.status_code == 200, r.text
    assert len({f["series"] for f in r.json()["firings"]}) > 1 and "华东" in {f["series"] for f in r.json()["firings"]}

    box = viewer.get("/api/v1/inbox", headers=vh).json()
    assert box["items"] and {i["firing"]["series"] for i in box["items"]} == {"华东"}
    east = next(f for f in r.json()["firings"] if f["series"] == "华东")
    assert box["items"][0]["firing"]["value"] == pytest.approx(east["value"])
    firings = viewer.get(f"/api/v1/alerts/{rid}/firings", headers=vh).json()
    assert {f["series"] for f in firings} == {"华东"}
    assert len(admin.get(f"/api/v1/alerts/{rid}/firings", headers=ah).json()) == len(r.json()["firings"])
    # Checking, like creating, needs content:edit: a subscribed viewer only reads.
    r = viewer.post(f"/api/v1/alerts/{rid}/check", headers=vh)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert viewer.post("/api/v1/alerts", json={**rule, "subscribers": ["hd_viewer"]}, headers=vh).status_code == 403

    # Whom one may subscribe: an unknown name answers like a forbidden one for non-admins.
    r = editor.post("/api/v1/alerts", json={**rule, "subscribers": ["nobody"]}, headers=eh)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "subscriber_not_allowed")
    assert "nobody" in r.json()["error"]["message"]
    assert editor.post("/api/v1/alerts", json={**rule, "name": "给同事", "subscribers": ["hd_viewer"]},
                       headers=eh).status_code == 201
    r = admin.post("/api/v1/alerts", json={**rule, "subscribers": ["nobody"]}, headers=ah)
    assert r.json()["error"]["code"] == "unknown_user"  # admins may list users anyway


def test_filter_values_and_insights_follow_the_rules(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (viewer, vh), _ = env
    r = viewer.get("/api/v1/fields/customers.region/values", headers=vh)
    assert r.status_code == 200 and r.json()["values"] == ["华东"], r.text
    r = viewer.get("/api/v1/hierarchies/geography/values", headers=vh)
    assert r.status_code == 200 and {row[0] for row in r.json()["rows"]} == {"华东"}, r.text
    r = viewer.post("/api/v1/forecast", json={"metric": "revenue", "grain": "month", "horizon": 1,
                                              "by": "customers.region"}, headers=vh)
    assert r.status_code == 200 and [s["key"] for s in r.json()["series"]] == ["华东"], r.text
    assert viewer.post("/api/v1/forecast", json={"metric": "cogs", "horizon": 1}, headers=vh).status_code == 403
    r = viewer.post("/api/v1/anomalies", json={"metric": "revenue", "by": "customers.region"}, headers=vh)
    assert r.status_code == 200 and {a["series"] for a in r.json()["anomalies"]} <= {"华东"}, r.text
    r = viewer.post("/api/v1/explain", json={"metric": "revenue", "to": "2026-09", "by": ["customers.region"]},
                    headers=vh)
    assert r.status_code == 200, r.text
    members = {m["member"] for d in r.json()["dimensions"] for m in d["top"]}
    assert members <= {"华东"}


def test_demo_model_rule_limits_users_with_a_region_only(make_client, settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """The shipped demo rule: a region attribute limits a user to it (filter values too); none, no limit."""
    path = demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")
    admin = client_over(make_client, settings, path)
    ah = login(admin)
    south, sh = _user(admin, ah, "south", "viewer", {"region": "华南"})
    plain, ph = _user(admin, ah, "plain", "editor", {})
    assert south.get("/api/v1/fields/customers.region/values", headers=sh).json()["values"] == ["华南"]
    assert set(plain.get("/api/v1/fields/customers.region/values", headers=ph).json()["values"]) == set(REGIONS)
    assert set(admin.get("/api/v1/fields/customers.region/values", headers=ah).json()["values"]) == set(REGIONS)
    r = south.post("/api/v1/query", json={"metrics": ["revenue"], "dimensions": ["customers.region"]}, headers=sh)
    assert [row[0] for row in r.json()["rows"]] == ["华南"]
