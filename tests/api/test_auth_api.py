"""The HTTP API: login, cookies and CSRF, tokens, roles, throttling, errors and languages."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.catalog.models import ApiToken, WebSession
from shuzhi_testing import TEST_PASSWORD, login


def test_health_and_openapi(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    r = c.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["metadata"] == "ok" and r.json()["today"] == "2026-11-26"
    assert r.headers["X-Request-ID"]
    spec = c.get("/openapi.json").json()
    assert {"/api/v1/health", "/api/v1/auth/login", "/api/v1/auth/tokens", "/api/v1/users"} <= set(spec["paths"])


def test_login_sets_httponly_samesite_cookie_and_me_works(make_client, metadata_url: str) -> None:  # type: ignore[no-untyped-def]
    c = make_client(metadata_url)
    r = c.post("/api/v1/auth/login", json={"username": "ADMIN", "password": TEST_PASSWORD})
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session = next(x for x in cookies if x.startswith("shuzhi_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/" in session
    csrf_cookie = next(x for x in cookies if x.startswith("shuzhi_csrf="))
    assert "HttpOnly" not in csrf_cookie
    me = c.get("/api/v1/auth/me").json()
    assert me["username"] == "admin" and me["role"] == "admin" and me["auth_via"] == "session"
    assert "users:manage" in me["permissions"]


def test_wrong_password_is_401_in_both_languages(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    r = c.post("/api/v1/auth/login", json={"username": "admin", "password": "nope"})
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "bad_credentials", "message": "用户名或密码错误。",
                                 "request_id": r.headers["X-Request-ID"]}
    r = c.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"},
               headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.5"})
    assert r.json()["error"]["message"] == "Wrong user name or password."


def test_unsafe_requests_need_the_csrf_header(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    r = c.post("/api/v1/auth/tokens", json={"name": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = c.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    assert c.post("/api/v1/auth/tokens", json={"name": "x"}, headers=h).status_code == 201


def test_logout_revokes_the_session(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    cookie = c.cookies.get("shuzhi_session")
    assert c.post("/api/v1/auth/logout", headers=h).status_code == 204
    c.cookies.set("shuzhi_session", cookie)
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


def test_expired_session(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    login(c)
    rt = c.app.state.runtime
    with rt.catalog.session() as s:
        for ws in s.query(WebSession):
            ws.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    r = c.get("/api/v1/auth/me", headers={"Accept-Language": "en"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "session_expired"


def test_api_token_lifecycle(make_client, metadata_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    c = make_client(metadata_url)
    duckdb.connect(str(settings.warehouse_path)).close()
    h = login(c)
    created = c.post("/api/v1/auth/tokens", json={"name": "夜间导出", "expires_in_days": 7}, headers=h).json()
    raw = created["token"]
    listed = c.get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["夜间导出"] and "token" not in listed[0]
    bearer = {"Authorization": f"Bearer {raw}"}
    script = type(c)(c.app, raise_server_exceptions=False)
    me = script.get("/api/v1/auth/me", headers=bearer).json()
    assert me["auth_via"] == "token"
    # Bearer requests need no CSRF header.
    assert script.post("/api/v1/sql", json={"sql": "SELECT 1 AS one"}, headers=bearer).status_code == 200
    assert c.delete(f"/api/v1/auth/tokens/{created['id']}", headers=h).status_code == 204
    r = script.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_expired_and_malformed_tokens(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    raw = c.post("/api/v1/auth/tokens", json={"name": "t", "expires_in_days": 1}, headers=h).json()["token"]
    with c.app.state.runtime.catalog.session() as s:
        for tok in s.query(ApiToken):
            tok.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    fresh = type(c)(c.app, raise_server_exceptions=False)
    for header in (f"Bearer {raw}", "Bearer szt_madeup", "Basic abc", "Bearer "):
        r = fresh.get("/api/v1/auth/me", headers={"Authorization": header})
        assert r.status_code == 401, header


def test_roles_are_enforced(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    r = c.post("/api/v1/users", json={"username": "viewer1", "password": "Viewer-Pass-1", "role": "viewer",
                                      "attributes": {"region": "华东"}}, headers=h)
    assert r.status_code == 201 and r.json()["attributes"] == {"region": "华东"}
    v = type(c)(c.app, raise_server_exceptions=False)
    vh = login(v, "viewer1", "Viewer-Pass-1")
    for method, path, body in (
        ("get", "/api/v1/users", None),
        ("post", "/api/v1/users", {"username": "x", "password": "Long-pass-1", "role": "admin"}),
        ("post", "/api/v1/sql", {"sql": "SELECT 1"}),
        ("delete", "/api/v1/users/admin", None),
    ):
        r = v.request(method, path, json=body, headers=vh)
        assert r.status_code == 403, path
        assert r.json()["error"]["code"] == "forbidden"
    # A viewer may still manage their own tokens.
    assert v.post("/api/v1/auth/tokens", json={"name": "mine"}, headers=vh).status_code == 201


def test_user_admin_endpoints(make_client, metadata_url: str) -> None:  # type: ignore[no-untyped-def]
    c = make_client(metadata_url)
    h = login(c)
    c.post("/api/v1/users", json={"username": "wang", "password": "Wang-Pass-01", "role": "editor"}, headers=h)
    r = c.patch("/api/v1/users/wang", json={"role": "viewer", "attributes": {"plant": "常州工厂"}}, headers=h)
    assert r.json()["role"] == "viewer" and r.json()["attributes"] == {"plant": "常州工厂"}
    assert c.post("/api/v1/users", json={"username": "wang", "password": "Wang-Pass-01", "role": "editor"},
                  headers=h).status_code == 409
    assert c.post("/api/v1/users/wang/password", json={"new_password": "New-Pass-002"}, headers=h).status_code == 204
    w = type(c)(c.app, raise_server_exceptions=False)
    login(w, "wang", "New-Pass-002")
    assert c.delete("/api/v1/users/wang", headers=h).status_code == 204
    assert c.get("/api/v1/users/wang").status_code == 404
    r = c.delete("/api/v1/users/admin", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "last_admin"


def test_change_own_password_signs_out_other_sessions(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    other = type(c)(c.app, raise_server_exceptions=False)
    login(other)
    r = c.post("/api/v1/auth/password", json={"current_password": "wrong", "new_password": "Brand-New-1"}, headers=h)
    assert r.status_code == 400
    r = c.post("/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": "Brand-New-1"},
               headers=h)
    assert r.status_code == 204
    assert other.get("/api/v1/auth/me").status_code == 401
    login(type(c)(c.app), "admin", "Brand-New-1")


def test_login_throttling_over_http(make_client, metadata_url: str) -> None:  # type: ignore[no-untyped-def]
    c = make_client(metadata_url, SHUZHI_LOGIN_MAX_FAILURES="3")
    for _ in range(3):
        assert c.post("/api/v1/auth/login", json={"username": "admin", "password": "x"}).status_code == 401
    r = c.post("/api/v1/auth/login", json={"username": "admin", "password": TEST_PASSWORD},
               headers={"Accept-Language": "en"})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "login_throttled" and "minute" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_error_shapes_never_leak_traces(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    c.app.add_api_route("/api/v1/_boom", boom, methods=["GET"])
    c.app.router.routes.insert(0, c.app.router.routes.pop())  # before the web app's catch-all route

    r = c.get("/api/v1/_boom", headers={"X-Request-ID": "trace-me-12345"})
    assert r.status_code == 500
    body = r.json()
    assert body["error"]["code"] == "internal_error" and "trace-me-12345" in body["error"]["message"]
    assert "secret" not in r.text and "Traceback" not in r.text
    r = c.get("/api/v1/nope", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and r.json()["error"] == {
        "code": "not_found", "message": "The requested resource was not found.",
        "request_id": r.headers["X-Request-ID"]}
    r = c.post("/api/v1/auth/login", json={"username": "admin"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    assert "password" in r.json()["error"]["message"]
    r = c.post("/api/v1/auth/login", content=b"username=admin&password=x",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422
    assert c.put("/api/v1/health").status_code == 405


def test_request_ids_reach_the_structured_log(make_client, settings) -> None:  # type: ignore[no-untyped-def]
    import json

    c = make_client()
    c.post("/api/v1/auth/login", json={"username": "admin", "password": "x"}, headers={"X-Request-ID": "abc-123-xyz"})
    lines = [json.loads(x) for x in (settings.logs_dir / "shuzhi.log").read_text().splitlines() if x.strip()]
    access = [x for x in lines if x.get("event") == "request" and x.get("request_id") == "abc-123-xyz"]
    assert access and access[0]["status"] == 401 and access[0]["path"] == "/api/v1/auth/login"


@pytest.mark.parametrize(
    ("header", "lang"),
    [(None, "zh"), ("en", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-GB,zh;q=0.5", "en"),
     ("fr-FR", "zh"), ("fr, en;q=0.3", "en"), ("zh;q=0.2, en;q=0.8", "en")],
)
def test_accept_language(header: str | None, lang: str) -> None:
    from shuzhi.api.i18n import pick_language

    assert pick_language(header) == lang


def test_sql_endpoint(make_client, settings) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    c = make_client()
    h = login(c)
    r = c.post("/api/v1/sql", json={"sql": "SELECT 1"}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "warehouse_missing"
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("CREATE TABLE t AS SELECT range AS i, '华东' AS region FROM range(50)")
    con.close()
    r = c.post("/api/v1/sql", json={"sql": "SELECT i, region FROM t ORDER BY i", "limit": 3}, headers=h)
    assert r.status_code == 200
    assert r.json() == {"columns": [{"name": "i", "type": "integer"}, {"name": "region", "type": "string"}],
                        "rows": [[0, "华东"], [1, "华东"], [2, "华东"]], "truncated": True}
    r = c.post("/api/v1/sql", json={"sql": "DROP TABLE t"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "sql_not_read_only"
