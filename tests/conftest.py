"""Shared fixtures: an isolated SHUZHI_HOME per test, services, API clients.

Parallel runs: see pytest_collection_modifyitems below and docs/development.md; names in the shared
servers come from shuzhi_testing.unique_name, ports from shuzhi_testing.free_port.

Services (PostgreSQL, MariaDB, Redis at 127.0.0.1 on their standard ports): a test that needs
one is skipped with the reason when it is absent, except under CI=true, where it fails, so CI
really exercises them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nl_fixtures import ask_rt, nl_env  # noqa: F401  (session fixtures for tests/ai, tests/ai/nl/questions, the ask use case)
from shuzhi.settings import Settings, get_settings
from shuzhi_testing import PG_ADMIN_URL, TEST_PASSWORD, port_open, service_unavailable, unique_name
from spark_server import spark_url  # noqa: F401  (a local Spark Connect server: tests/engines/spark, golden on Spark)

WEB_TESTS = Path(__file__).parent / "web"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for parallel runs (`pytest -n 2 --dist loadgroup`, what `make test` does).

    - Every browser module is its own group "web:<module>": its tests share one Chromium and one demo server
      (module fixtures) on one worker, and the modules spread over the workers (the browser tests are the
      longest part of the suite; one worker running them all was the floor of a parallel run).
    - The tests of a module that share a module- or class-scoped fixture (a server, a demo copy) stay on
      one worker, which builds that fixture once instead of once per worker.
    - Tests that name their own group (pytest.mark.xdist_group("spark"): one Spark Connect server) keep it.
    Session fixtures are built once per worker (each worker has its own tmp_path_factory)."""
    for item in items:
        path = Path(str(item.path))
        group = None
        marked = item.get_closest_marker("xdist_group")  # a group the tests name themselves ("spark")
        if marked is not None and marked.args:
            group = str(marked.args[0])
        elif WEB_TESTS in path.parents:
            group = "web:" + path.stem
            item.add_marker(pytest.mark.slow)  # a demo server and Chromium: -m "not slow" leaves them out
        else:
            info = getattr(item, "_fixtureinfo", None)
            defs = info.name2fixturedefs.values() if info is not None else []
            if any(d and d[-1].scope in ("module", "class") for d in defs):
                group = item.nodeid.split("::")[0]
        if group is None:
            continue
        item.add_marker(pytest.mark.xdist_group(group))
        if getattr(config.option, "loadgroup", False) and hasattr(item, "_id"):
            # pytest >= 9.2 derives nodeid from item._id, so pytest-xdist 3.8's own suffix (written to
            # item._nodeid) is lost and the groups would silently not hold: add the "@group" suffix here.
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(f"{item.nodeid}@{group}")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own SHUZHI_HOME and no stray SHUZHI_* settings."""
    for k in list(os.environ):  # the test harness's own switches stay
        if k.startswith("SHUZHI_") and k not in ("SHUZHI_TEST_PG_URL", "SHUZHI_UPDATE_SCREENSHOTS", "SHUZHI_CHROMIUM"):
            monkeypatch.delenv(k, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("SHUZHI_HOME", str(home))
    monkeypatch.setenv("SHUZHI_TODAY", "2026-11-26")
    monkeypatch.setenv("SHUZHI_DUCKDB_THREADS", "2")
    monkeypatch.setenv("SHUZHI_DUCKDB_MEMORY_LIMIT", "2GB")
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def settings(_isolated_env: Path) -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def pg_server() -> str:
    from sqlalchemy import create_engine, text

    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001
        service_unavailable("PostgreSQL", str(exc).splitlines()[0])
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = unique_name("shuzhi_test")
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def metadata_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'meta.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def make_client(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Build an API TestClient over a fresh runtime; admin's password is TEST_PASSWORD."""
    from fastapi.testclient import TestClient

    from shuzhi.api import create_app

    clients: list = []

    def _make(metadata_url: str | None = None, **env: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("SHUZHI_ADMIN_PASSWORD", TEST_PASSWORD)
        if metadata_url:
            monkeypatch.setenv("SHUZHI_METADATA_URL", metadata_url)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        get_settings.cache_clear()
        app = create_app(get_settings())
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(app)
        return client

    yield _make
    for app in clients:
        app.state.runtime.close()

