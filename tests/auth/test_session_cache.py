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
