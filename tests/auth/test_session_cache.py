"""Issue 12 finding 5 (request cost): a browser session is authenticated with at most one catalog read
per request, none while it is cached (auth/session_cache.py), and every change to who a session is
(log out, password change or reset, user disabled, role changed) applies to the very next request."""

from __future__ import annotations

from sqlalchemy import event

from shuzhi_testing import TEST_PASSWORD, login

VIEWER_PW = "Kanban-Pass-01"


def _session_reads(client) -> list[str]:  # type: ignore[no-untyped-def]
    """Every SELECT of web_sessions the app's catalog runs from now on."""
    seen: list[str] = []

    def on(_conn, _cursor, statement, *_a):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "web_sessions" in statement:
            seen.append(statement)

    event.listen(client.app.state.runtime.catalog.engine, "before_cursor_execute", on)
    return seen


def _viewer(make_client):  # type: ignore[no-untyped-def]
    admin = make_client()
    ah = login(admin)
    assert admin.post("/api/v1/users", json={"username": "kanban", "password": VIEWER_PW, "role": "viewer"},
                      headers=ah).status_code == 201
    viewer = type(admin)(admin.app, raise_server_exceptions=False)
    return admin, ah, viewer, login(viewer, "kanban", VIEWER_PW)


def test_cached_session_reads_the_catalog_at_most_once(make_client) -> None:  # type: ignore[no-untyped-def]
    _, _, viewer, _ = _viewer(make_client)
    reads = _session_reads(viewer)
    for _ in range(5):
        assert viewer.get("/api/v1/auth/me").status_code == 200
        assert viewer.get("/api/v1/models").status_code == 200
    assert len(reads) <= 1, reads  # was one read per request (10)


def test_changes_apply_to_the_next_request(make_client) -> None:  # type: ignore[no-untyped-def]
    admin, ah, viewer, vh = _viewer(make_client)
    assert viewer.get("/api/v1/auth/me").json()["role"] == "viewer"  # now cached

    # role change
    assert admin.patch("/api/v1/users/kanban", json={"role": "editor"}, headers=ah).status_code == 200
    assert viewer.get("/api/v1/auth/me").json()["role"] == "editor"

    # user disabled, then enabled again (the old session stays refused: it was never revoked, but
    # the cached principal must not outlive the change)
    assert admin.patch("/api/v1/users/kanban", json={"is_active": False}, headers=ah).status_code == 200
    assert viewer.get("/api/v1/auth/me").status_code == 401
    assert admin.patch("/api/v1/users/kanban", json={"is_active": True}, headers=ah).status_code == 200

    # password reset by an admin revokes the sessions
    vh = login(viewer, "kanban", VIEWER_PW)
    assert viewer.get("/api/v1/auth/me").status_code == 200
    assert admin.post("/api/v1/users/kanban/password", json={"new_password": "Kanban-Pass-02"},
                      headers=ah).status_code == 204
    assert viewer.get("/api/v1/auth/me").status_code == 401

    # own password change revokes the user's other sessions
    vh = login(viewer, "kanban", "Kanban-Pass-02")
    other = type(viewer)(viewer.app, raise_server_exceptions=False)
    login(other, "kanban", "Kanban-Pass-02")
    assert other.get("/api/v1/auth/me").status_code == 200
    assert viewer.post("/api/v1/auth/password", json={"current_password": "Kanban-Pass-02",
                                                      "new_password": "Kanban-Pass-03"}, headers=vh).status_code == 204
    assert other.get("/api/v1/auth/me").status_code == 401
    assert viewer.get("/api/v1/auth/me").status_code == 200

    # log out: the same cookie, replayed, is refused at once
    cookie = viewer.cookies.get("shuzhi_session")
    assert viewer.post("/api/v1/auth/logout", headers=vh).status_code == 204
    replay = type(viewer)(viewer.app, raise_server_exceptions=False)
    replay.cookies.set("shuzhi_session", cookie)
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_csrf_still_checked_for_a_cached_session(make_client) -> None:  # type: ignore[no-untyped-def]
    admin = make_client()
    h = login(admin, "admin", TEST_PASSWORD)
    assert admin.get("/api/v1/auth/me").status_code == 200  # cached
    r = admin.post("/api/v1/users", json={"username": "x1", "password": VIEWER_PW, "role": "viewer"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert admin.post("/api/v1/users", json={"username": "x1", "password": VIEWER_PW, "role": "viewer"},
                      headers=h).status_code == 201


def _token_reads(client) -> list[str]:  # type: ignore[no-untyped-def]
    """Every SELECT of api_tokens the app's catalog runs from now on."""
    seen: list[str] = []

    def on(_conn, _cursor, statement, *_a):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "api_tokens" in statement:
            seen.append(statement)

    event.listen(client.app.state.runtime.catalog.engine, "before_cursor_execute", on)
    return seen


def _token(admin, ah, name: str = "脚本") -> tuple[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    created = admin.post("/api/v1/auth/tokens", json={"name": name}, headers=ah).json()
    return created["id"], {"Authorization": f"Bearer {created['token']}"}


def test_api_token_is_verified_from_memory(make_client) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: a bearer token is verified with at most one catalog read while it is cached."""
    admin, ah, _, _ = _viewer(make_client)
    _, bearer = _token(admin, ah)
    script = type(admin)(admin.app, raise_server_exceptions=False)
    reads = _token_reads(script)
    for _ in range(5):
        assert script.get("/api/v1/auth/me", headers=bearer).json()["auth_via"] == "token"
        assert script.get("/api/v1/models", headers=bearer).status_code == 200
    assert len(reads) <= 1, reads
    # a wrong token is never taken for a cached one
    assert script.get("/api/v1/auth/me", headers={"Authorization": bearer["Authorization"] + "x"}).status_code == 401


def test_token_revocation_applies_to_the_next_request(make_client) -> None:  # type: ignore[no-untyped-def]
    admin, ah, _, _ = _viewer(make_client)
    script = type(admin)(admin.app, raise_server_exceptions=False)

    # revoked: refused at once, though it was cached a moment ago
    token_id, bearer = _token(admin, ah)
    assert script.get("/api/v1/auth/me", headers=bearer).status_code == 200
    assert admin.delete(f"/api/v1/auth/tokens/{token_id}", headers=ah).status_code == 204
    r = script.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"

    # its user disabled: refused at once; the role change of a token's user is seen at once too
    vh = login(script, "kanban", VIEWER_PW)
    created = script.post("/api/v1/auth/tokens", json={"name": "看板"}, headers=vh).json()
    vbearer = {"Authorization": f"Bearer {created['token']}"}
    other = type(admin)(admin.app, raise_server_exceptions=False)
    assert other.get("/api/v1/auth/me", headers=vbearer).json()["role"] == "viewer"
    assert admin.patch("/api/v1/users/kanban", json={"role": "editor"}, headers=ah).status_code == 200
    assert other.get("/api/v1/auth/me", headers=vbearer).json()["role"] == "editor"
    assert admin.patch("/api/v1/users/kanban", json={"is_active": False}, headers=ah).status_code == 200
    assert other.get("/api/v1/auth/me", headers=vbearer).status_code == 401


def test_token_last_use_stamp_keeps_the_cache() -> None:
    from shuzhi.auth.session_cache import touches_auth

    assert not touches_auth("UPDATE api_tokens SET last_used_at=? WHERE api_tokens.id = ?")
    assert touches_auth("UPDATE api_tokens SET revoked_at=? WHERE api_tokens.id = ?")
    assert touches_auth("DELETE FROM api_tokens WHERE api_tokens.user_id = ?")
