"""Issue 12 finding 4: only security:manage (admins) changes row and column rules, by any route; every
rule change is audited. Editors still change the rest of the model."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

import cli_zygote
from shuzhi.catalog.models import AuditEvent
from shuzhi.service.wiring import wire
from shuzhi_testing import login

RULE = {"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}"}
DENY = {"name": "no_cost", "fields": ["cogs"], "deny_roles": ["viewer"]}


def _editor(client):  # type: ignore[no-untyped-def]
    h = login(client)
    assert client.post("/api/v1/users", json={"username": "bianji", "password": "Bianji-Pass-01", "role": "editor"},
                       headers=h).status_code == 201
    ed = type(client)(client.app, raise_server_exceptions=False)
    return h, ed, login(ed, "bianji", "Bianji-Pass-01")


def _model(client, h):  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/models/huajing", headers=h).json()
    return r["version"], r["definition"]


def _audit(client) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with client.app.state.runtime.catalog.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "model.rules").order_by(AuditEvent.id)))


def test_editor_cannot_remove_add_or_edit_rules(demo_client) -> None:  # type: ignore[no-untyped-def]
    c = demo_client
    h, ed, eh = _editor(c)
    _, model = _model(c, h)
    n0 = len(_audit(c))  # the demo install's rules, if it ships any
    shipped = {r["name"] for r in model["row_rules"]}  # the demo ships own_region (missing_attribute: skip)
    model["row_rules"], model["column_rules"] = [RULE], [DENY]
    assert c.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    events = _audit(c)
    assert len(events) == n0 + 1
    assert events[-1].actor == "admin" and json.loads(events[-1].detail) == {
        "row_rules": {"changed" if "own_region" in shipped else "added": ["own_region"]},
        "column_rules": {"added": ["no_cost"]}}
    version, current = _model(c, eh)
    assert current["row_rules"] == [{**RULE, "roles": ["editor", "viewer"], "missing_attribute": "deny", "description": None}]

    attempts = {"removed": {**current, "row_rules": []},
                "edited": {**current, "row_rules": [{**current["row_rules"][0], "filter": "1 = 1"}]},
                "roles narrowed": {**current, "row_rules": [{**current["row_rules"][0], "roles": ["viewer"]}]},
                "column rule removed": {**current, "column_rules": []},
                "rule added": {**current, "column_rules": [*current["column_rules"], {**DENY, "name": "x"}]}}
    for what, body in attempts.items():
        r = ed.put("/api/v1/models/huajing", json=body, headers={**eh, "Accept-Language": "en"})
        assert r.status_code == 403, (what, r.text)
        err = r.json()["error"]
        assert err["code"] == "rules_forbidden" and "security:manage" in err["message"], err
    # the rules unchanged but no longer filtering: a join removed, or a second dataset over a ruled table
    sales = next(d for d in current["datasets"] if d["name"] == "sales_orders")
    unjoined = {**current, "datasets": [{**d, "joins": [j for j in d["joins"] if j["to"] != "customers"]}
                                        if d is sales else d for d in current["datasets"]]}
    copy = {"name": "sales_copy", "table": "sales_orders", "fields": [{"name": "order_id", "type": "string"}]}
    for what, body, entry in (("join removed", unjoined, {"unfiltered": ["sales_orders (own_region)"]}),
                              ("bypass", {**current, "datasets": [*current["datasets"], copy]},
                               {"bypass": ["sales_copy (own_region)"]})):
        r = ed.put("/api/v1/models/huajing", json=body, headers=eh)
        assert r.status_code == 403 and r.json()["error"]["code"] == "rules_forbidden", (what, r.text)
        assert r.json()["error"]["details"]["changes"] == {"row_rule_coverage": entry}, (what, r.text)
    assert _model(c, h)[0] == version  # nothing was written
    # restoring a version from before the rules is a rule change too
    assert ed.post(f"/api/v1/models/huajing/versions/{version - 1}/restore", headers=eh).status_code == 403

    # the rest of the model is the editor's: same rules (reordered, re-spaced) and a changed label
    same = {**current, "label": "华精模型（编辑）",
            "row_rules": [{**current["row_rules"][0], "filter": "region  =   {{ user.region }}",
                           "roles": ["viewer", "editor"]}]}
    r = ed.put("/api/v1/models/huajing", json=same, headers=eh)
    assert r.status_code == 200, r.text
    other = {"name": "patents_copy", "table": "patents", "fields": [{"name": "patent_id", "type": "string"}]}
    r = ed.put("/api/v1/models/huajing", json={**_model(c, h)[1], "datasets": [*same["datasets"], other]}, headers=eh)
    assert r.status_code == 200, r.text  # a table no rule filters
    new = {"name": "big_orders", "label": "大单数", "dataset": "sales_orders", "agg": "count_distinct",
           "expr": "order_id", "filter": "amount >= 100000", "time": "order_date"}
    assert ed.post("/api/v1/metrics", json=new, headers=eh).status_code == 201
    assert len(_audit(c)) == n0 + 1  # no rule changed since

    # the admin removes the rule: allowed and audited as its own event
    assert c.put("/api/v1/models/huajing", json={**_model(c, h)[1], "row_rules": []}, headers=h).status_code == 200
    assert json.loads(_audit(c)[-1].detail) == {"row_rules": {"removed": ["own_region"]}}
    assert len(_audit(c)) == n0 + 2


def test_model_apply_as_a_user_needs_security_manage(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.auth.users import create_user
    from shuzhi.catalog.semantic import get_model
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.model.schema import ColumnRuleDef
    from shuzhi.model.yaml_io import dump_model_yaml
    from shuzhi.runtime import Runtime

    rt = Runtime(settings)
    rt.start()
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
        create_user(s, "bianji", "Bianji-Pass-01", "editor")
        model, _ = get_model(s, "huajing")
    rt.close()
    f = tmp_path / "m.yaml"
    rule = ColumnRuleDef(name="no_cost", fields=["cogs"], deny_roles=["viewer"])
    f.write_text(dump_model_yaml(model.model_copy(update={"column_rules": [*model.column_rules, rule]})),
                 encoding="utf-8")
    env = {**os.environ, "SHUZHI_LANG": "en"}
    r = cli_zygote.run(["model", "apply", str(f), "--user", "bianji"], env=env, timeout=120)
    assert r.returncode == 1 and "security:manage" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = cli_zygote.run(["model", "apply", str(f)], env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    rt = Runtime(settings)
    with rt.catalog.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "model.rules")).all()
        assert (ev[-1].actor, json.loads(ev[-1].detail)) == ("cli", {"column_rules": {"added": ["no_cost"]}})
        assert not any(e.actor == "bianji" for e in ev)
    rt.close()
