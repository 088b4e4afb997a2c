"""Dashboard API fixtures: the demo warehouse is built once per session and copied into each test's
SHUZHI_HOME; the client has the demo model and the five demo dashboards installed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from shuzhi.demo import build_demo
from shuzhi.demo.dashboards import install_demo_dashboards
from shuzhi.demo.semantic import install_demo_model
from shuzhi_testing import login


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dash-demo") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    build_demo(con, scale=0.05, seed=42, end=dt.date(2026, 11, 25), today=dt.date(2026, 11, 26))
    con.close()
    return path


@pytest.fixture
def dash_api(make_client, settings, demo_warehouse):  # type: ignore[no-untyped-def]
    """(client logged in as admin, its CSRF headers) over the demo with its dashboards installed."""
    settings.ensure_home()
    shutil.copy(demo_warehouse, settings.warehouse_path)
    c = make_client()
    with c.app.state.runtime.catalog.session() as s:
        install_demo_model(s)
        install_demo_dashboards(s, dt.date(2026, 11, 26))
    return c, login(c)
