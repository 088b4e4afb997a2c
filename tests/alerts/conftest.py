"""Alert fixtures: an API client over the demo (scale 0.05, seed 42; 常州工厂's incident is in it)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "demo.duckdb"
    con = duckdb.connect(str(path))
    build_demo(con, scale=0.05, seed=42, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()
    return path


@pytest.fixture
def client(make_client, settings, demo_file):  # type: ignore[no-untyped-def]
    """A TestClient over a copy of the demo warehouse with the demo model installed."""
    settings.ensure_home()
    shutil.copy(demo_file, settings.warehouse_path)
    c = make_client()
    with c.app.state.runtime.catalog.session() as s:
        install_demo_model(s)
    return c


@pytest.fixture
def truth(demo_file) -> dict:  # type: ignore[no-untyped-def]
    from shuzhi.demo import demo_anomalies

    con = duckdb.connect(str(demo_file), read_only=True)
    try:
        return demo_anomalies(con)
    finally:
        con.close()
