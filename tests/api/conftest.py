"""API fixtures: a client over a small demo with its model installed."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model


@pytest.fixture
def demo_api(make_client, settings):  # type: ignore[no-untyped-def]
    """demo_api(scale, seed) → a TestClient over a fresh demo warehouse and the demo model."""

    def make(scale: float = 0.01, seed: int = 5):  # type: ignore[no-untyped-def]
        settings.ensure_home()
        con = duckdb.connect(str(settings.warehouse_path))
        build_demo(con, scale=scale, seed=seed, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
        con.close()
        c = make_client()
        with c.app.state.runtime.catalog.session() as s:
            install_demo_model(s)
        return c

    return make

