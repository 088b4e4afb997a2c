"""Session fixtures for the demo tests: one small demo warehouse built once and shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from demo_helpers import END, SCALE, SEED, TODAY, Contract, parse_contract, schema_path

from shuzhi.demo import build_demo


@pytest.fixture(scope="session")
def contract() -> Contract:
    return parse_contract(schema_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        build_demo(con, scale=SCALE, seed=SEED, end=END, today=TODAY)
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def con(demo_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(demo_path), read_only=True)
    yield c
    c.close()
