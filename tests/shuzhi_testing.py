"""Helpers shared by test modules (conftest.py holds the fixtures)."""

from __future__ import annotations

TEST_PASSWORD = "Test-Passw0rd!"


def login(client, username: str = "admin", password: str = TEST_PASSWORD) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Log in with the session cookie; returns headers carrying the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}
