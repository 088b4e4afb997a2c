"""Sign-in against a real OpenLDAP (Debian's slapd, started here): the person is found by the service
account, bound with their own password, given the role of their groups, the region of their `l`
attribute and the department of their organisational units — so the demo's region rule applies to them
with no set-up in Shuzhi. Wrong passwords, unknown people and injection in the name fail alike; a group
change shows at the next sign-in; local accounts keep their own passwords; a directory that is down is a
clear 503."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from fakes.slapd import Slapd
from shuzhi_testing import TEST_PASSWORD, login

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slapd() -> Iterator[Slapd]:
    with Slapd() as d:
        d.add_person("zhou", "Zhou-Ldap-2026", ou=["华东销售部", "销售中心"], l="华东", groups=["bi-viewers"],
                     display="周敏")
        d.add_person("li", "Li-Ldap-2026", ou=["研发中心"], groups=["bi-editors"])
        d.add_person("admin2", "Admin2-Ldap-2026", ou=["研发中心"], groups=["bi-admins", "bi-editors"])
        yield d


def _env(d: Slapd, **more: str) -> dict[str, str]:
    return {"SHUZHI_LDAP_URL": d.url, "SHUZHI_LDAP_BASE_DN": d.base,
            "SHUZHI_LDAP_BIND_DN": f"cn=shuzhi-svc,{d.base}", "SHUZHI_LDAP_BIND_PASSWORD": "Svc-Ldap-Pass",
            "SHUZHI_LDAP_GROUP_ROLES": json.dumps({"bi-admins": "admin", f"cn=bi-editors,ou=groups,{d.base}": "editor"}),
            "SHUZHI_LDAP_ATTRIBUTES": json.dumps({"l": "region"}), "SHUZHI_LDAP_ORG_ROOT": "华精科技", **more}


def _login(client, name: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"username": name, "password": password})


def test_ldap_people_sign_in_with_their_groups_region_and_department(slapd: Slapd, demo_api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for k, v in _env(slapd).items():
        monkeypatch.setenv(k, v)
    client = demo_api()
    r = _login(client, "zhou", "Zhou-Ldap-2026")
    assert r.status_code == 200, r.text
    me = client.get("/api/v1/auth/me").json()
    assert me["role"] == "viewer" and me["display_name"] == "周敏" and me["source"] == "ldap"
    assert me["departments"] == ["华精科技/销售中心/华东销售部"] and me["effective_attributes"] == {"region": "华东"}
    h = {"X-CSRF-Token": r.json()["csrf_token"]}
    rows = client.post("/api/v1/query", json={"metrics": ["revenue"], "dimensions": ["customers.region"]}, headers=h)
    assert {row[0] for row in rows.json()["rows"]} == {"华东"}  # the demo model's region rule, from LDAP's `l`

    other = type(client)(client.app, raise_server_exceptions=False)
    assert _login(other, "li", "Li-Ldap-2026").json()["user"]["role"] == "editor"
    assert _login(other, "admin2", "Admin2-Ldap-2026").json()["user"]["role"] == "admin"  # the highest group wins

    for name, password in (("zhou", "wrong-password"), ("nobody", "Zhou-Ldap-2026"), ("zhou", ""),
                           ("*", "Zhou-Ldap-2026"), ("zhou)(uid=*", "Zhou-Ldap-2026")):
        bad = _login(other, name, password)
        assert bad.status_code in (401, 422) and "Traceback" not in bad.text, (name, bad.text)
        if bad.status_code == 401:
            assert bad.json()["error"]["code"] == "bad_credentials"

    # a change in the directory shows at the next sign-in
    slapd.set_groups(f"uid=li,ou=研发中心,{slapd.base}", "bi-editors", "bi-admins")
    assert _login(other, "li", "Li-Ldap-2026").json()["user"]["role"] == "admin"

    # the local admin keeps their own password; a directory account has none to change here
    admin = type(client)(client.app, raise_server_exceptions=False)
    ah = login(admin, "admin", TEST_PASSWORD)
    r = admin.post("/api/v1/users/zhou/password", json={"new_password": "Another-Pass-2026"}, headers=ah)
    assert r.status_code == 409 and r.json()["error"]["code"] == "password_external"
    events = admin.get("/api/v1/audit", params={"user": "zhou", "action": "auth"}).json()["events"]
    assert {e["action"] for e in events} == {"auth.login", "auth.login_failed"}
    created = admin.get("/api/v1/audit", params={"action": "user.create", "target": "zhou"}).json()["events"]
    assert created[0]["user"] == "ldap"


def test_a_directory_that_is_down_is_a_clear_503(slapd: Slapd, demo_api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from shuzhi_testing import free_port

    for k, v in _env(slapd, SHUZHI_LDAP_URL=f"ldap://127.0.0.1:{free_port()}").items():
        monkeypatch.setenv(k, v)
    client = demo_api()
    r = _login(client, "zhou", "Zhou-Ldap-2026")
    assert r.status_code == 503 and r.json()["error"]["code"] == "directory_unavailable"
    assert "LDAP" in r.json()["error"]["message"]
    assert _login(client, "admin", TEST_PASSWORD).status_code == 200  # local accounts still sign in


def test_org_sync_brings_departments_and_people_before_their_first_sign_in(slapd: Slapd, demo_api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service import directory_sync

    for k, v in _env(slapd).items():
        monkeypatch.setenv(k, v)
    client = demo_api()
    rt = client.app.state.runtime
    h = login(client, "admin", TEST_PASSWORD)
    r = client.post("/api/v1/users", json={"username": "li", "password": "Local-Li-Pass-2026", "role": "viewer"},
                    headers=h)
    assert r.status_code == 201  # a local account of the same name as a directory person: left alone
    counts = directory_sync.sync(rt)
    assert counts["users_created"] == 2 and counts["local_skipped"] == 1 and counts["departments_made"] >= 3
    users = {u["username"]: u for u in client.get("/api/v1/users").json()}
    assert users["zhou"]["source"] == "ldap" and users["zhou"]["effective_attributes"] == {"region": "华东"}
    assert users["li"]["source"] == "local"
    paths = {d["path"] for d in client.get("/api/v1/departments").json()["departments"]}
    assert {"华精科技/销售中心/华东销售部", "华精科技/研发中心"} <= paths and "华精科技/groups" not in paths
    from shuzhi.delivery.schedules import get_schedule

    with rt.catalog.session() as s:
        assert get_schedule(s, "ldap_sync", "ldap").cron == "0 2 * * *"

    # someone leaves the directory: disabled at the next sync
    with slapd.conn() as c:
        c.delete(f"uid=admin2,ou=研发中心,{slapd.base}")
    assert directory_sync.sync(rt)["users_disabled"] == 1
    assert {u["username"]: u for u in client.get("/api/v1/users").json()}["admin2"]["is_active"] is False
