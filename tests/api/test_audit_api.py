"""The audit log through the API: routes record who did what from where (success and refusals), the
admin reads, filters, exports and verifies it, nobody else can; every unsafe route is accounted for."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from shuzhi.api.audit_trail import ACTIONS, READS, SELF_AUDITED
from shuzhi_testing import login, restricted_viewer


def test_every_unsafe_route_is_audited_or_declared_a_read(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    paths = client.app.openapi()["paths"]
    routes = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    unsafe = {(m, p) for m, p in routes if m in ("POST", "PUT", "PATCH", "DELETE") and p.startswith("/api/v1")}
    declared = set(ACTIONS) | SELF_AUDITED | READS
    assert not unsafe - declared, f"unsafe routes nobody audits: {sorted(unsafe - declared)}"
    assert not (set(ACTIONS) | SELF_AUDITED | READS) - routes, "entries for routes that no longer exist"
    assert not set(ACTIONS) & (SELF_AUDITED | READS) and not SELF_AUDITED & READS


def test_actions_are_recorded_read_filtered_exported_and_verified(demo_api) -> None:  # type: ignore[no-untyped-def]
    client = demo_api()
    viewer, vh, model = restricted_viewer(client, "zhao", "华东")
    h = login(client)
    assert client.post("/api/v1/sql", json={"sql": "SELECT 42 AS answer"}, headers=h).status_code == 200
    assert viewer.post("/api/v1/sql", json={"sql": "SELECT 1"}, headers=vh).status_code == 403
    model["description"] = "审计测试"
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200

    page = client.get("/api/v1/audit", params={"action": "sql"}).json()
    assert page["total"] == 2
    denied, ran = page["events"]  # newest first
    assert ran["user"] == "admin" and ran["detail"]["sql"] == "SELECT 42 AS answer" and ran["ip"]
    assert ran["request_id"] and "outcome" not in ran["detail"]
    assert denied["user"] == "zhao" and denied["detail"]["outcome"] == "denied"
    assert "auth.login" in page["actions"] and "user.create" in page["actions"]
    models = client.get("/api/v1/audit", params={"action": "model.update"}).json()["events"]
    assert models[0]["target"] == "huajing" and models[0]["user"] == "admin"
    rules = client.get("/api/v1/audit", params={"action": "model.rules"}).json()["events"]
    assert rules, "the rule change made by restricted_viewer is its own event"
    assert client.get("/api/v1/audit", params={"user": "zhao", "action": "auth.login"}).json()["total"] == 1

    v = client.get("/api/v1/audit/verify").json()
    assert v["ok"] and v["checked"] >= 6 and len(v["head_hash"]) == 64

    r = client.get("/api/v1/audit/export", params={"format": "csv", "action": "sql"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and any("sql.run" in row for row in rows[1:])
    r = client.get("/api/v1/audit/export", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert any(c.value == "sql.run" for row in ws.iter_rows() for c in row)
    assert client.get("/api/v1/audit", params={"action": "export"}).json()["total"] == 2  # exports are events

    for path in ("/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/export"):
        assert viewer.get(path).status_code == 403
    assert client.get("/api/v1/audit", params={"limit": 5000}).status_code == 422
