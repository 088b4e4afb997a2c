"""Helpers shared by test modules (conftest.py holds the fixtures)."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

TEST_PASSWORD = "Test-Passw0rd!"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("SHUZHI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def service_unavailable(name: str, reason: str) -> None:
    """Skip locally, fail in CI."""
    msg = f"{name} is not reachable ({reason})"
    if IN_CI:
        pytest.fail(f"{msg}; CI=true requires it", pytrace=False)
    pytest.skip(msg)


_PORTS_GIVEN: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, never handed out twice in this process.

    The kernel picks it (bind to port 0), so parallel workers (pytest-xdist) and other test runs on the
    machine get different ones; the caller starts its server on it at once."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _PORTS_GIVEN:
            _PORTS_GIVEN.add(port)
            return port


def worker_id() -> str:
    """The pytest-xdist worker running this test ("gw0", "gw1", …), or "main" in a serial run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def unique_name(prefix: str) -> str:
    """A name no other test, worker or concurrent run uses: for databases, schemas, tables and keys in the
    shared PostgreSQL / MariaDB / Redis servers. Lower case letters, digits and underscores only."""
    return f"{prefix}_{worker_id()}_{uuid.uuid4().hex[:10]}".lower()


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def login(client, username: str = "admin", password: str = TEST_PASSWORD) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Log in with the session cookie; returns headers carrying the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def restricted_viewer(client, username: str, region: str, role: str = "viewer"):  # type: ignore[no-untyped-def]
    """Add the row rule customers.region = {{ user.region }} to the demo model and return a client
    logged in as a new viewer (or `role`, ruled too when editor) of `region`, with its CSRF headers."""
    h = login(client)
    model = client.get("/api/v1/models/huajing").json()["definition"]
    model["row_rules"] = [{"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}"}]
    assert client.put("/api/v1/models/huajing", json=model, headers=h).status_code == 200
    password = f"{username.title()}-Pass-01"
    assert client.post("/api/v1/users", json={"username": username, "password": password, "role": role,
                                              "attributes": {"region": region}}, headers=h).status_code == 201
    viewer = type(client)(client.app, raise_server_exceptions=False)
    return viewer, login(viewer, username, password), model


_DEMO_FILES: dict[tuple[float, int, str], object] = {}


def demo_file(tmp_root, *, scale: float, seed: int, end: str):  # type: ignore[no-untyped-def]
    """A demo warehouse file built once per test session for (scale, seed, end), under tmp_root
    (a session tmp dir); tests copy it into their own SHUZHI_HOME (see client_over)."""
    import datetime as dt

    import duckdb

    from shuzhi.demo import build_demo

    key = (scale, seed, end)
    if key not in _DEMO_FILES:
        path = tmp_root / f"demo-{scale}-{seed}-{end}.duckdb"
        con = duckdb.connect(str(path))
        build_demo(con, scale=scale, seed=seed, end=dt.date.fromisoformat(end), today=dt.date(2026, 11, 26))
        con.close()
        _DEMO_FILES[key] = path
    return _DEMO_FILES[key]


def client_over(make_client, settings, warehouse, *, dashboards: bool = False):  # type: ignore[no-untyped-def]
    """A TestClient over a copy of a demo warehouse file, with the demo model (and its dashboards) installed."""
    import datetime as dt
    import shutil

    from shuzhi.demo.semantic import install_demo_model

    settings.ensure_home()
    shutil.copy(warehouse, settings.warehouse_path)
    c = make_client()
    with c.app.state.runtime.catalog.session() as s:
        install_demo_model(s)
        if dashboards:
            from shuzhi.demo.dashboards import install_demo_dashboards

            install_demo_dashboards(s, dt.date(2026, 11, 26))
    return c
