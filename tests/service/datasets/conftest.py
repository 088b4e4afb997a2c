"""Dataset fixtures: one small demo warehouse per session, copied into each test's SHUZHI_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from sqlglot import exp

from shuzhi.model.datasets import Column, field_type_of
from shuzhi.service.wiring import wire
from shuzhi_testing import demo_file as shared_demo_file


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")


@pytest.fixture(scope="session")
def demo_con(demo_file: Path):  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(demo_file), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def sources(demo_con):  # type: ignore[no-untyped-def]
    """(columns_of, relation_of) over the demo tables, for the pure planner and compiler."""

    def columns_of(ref):  # type: ignore[no-untyped-def]
        rows = demo_con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                                "ORDER BY ordinal_position", [ref.table]).fetchall()
        return [Column(n, t) for n, raw in rows if (t := field_type_of(raw))]

    def relation_of(ref):  # type: ignore[no-untyped-def]
        return exp.table_(ref.table, quoted=True)

    return columns_of, relation_of


@pytest.fixture
def rt(demo_file: Path, settings):  # type: ignore[no-untyped-def]
    """A started runtime whose warehouse (read-write, like `shuzhi serve`) is a copy of the demo, with the
    demo model installed."""
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime

    settings.ensure_home()
    shutil.copy(demo_file, settings.warehouse_path)
    r = Runtime(settings)
    r.start(with_logging=False, create_admin=False)
    wire(r)
    r.warehouse().open()
    with r.catalog.session() as s:
        install_demo_model(s)
    yield r
    r.close()
