"""A Runtime over a small demo with the demo model, for the allocation tests."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model
from shuzhi.runtime import Runtime
from shuzhi.service.wiring import wire


def build(path, scale: float = 0.02, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(path))
    build_demo(con, scale=scale, seed=seed, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()


@pytest.fixture(scope="module")
def rd_rt(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from shuzhi.settings import Settings

    home = tmp_path_factory.mktemp("alloc_home")
    settings = Settings(home=home, today=dt.date(2026, 11, 26), duckdb_threads=2)
    settings.ensure_home()
    build(settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(create_admin=False)
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
    yield rt
    rt.close()

