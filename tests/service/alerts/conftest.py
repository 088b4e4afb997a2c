"""Alert fixtures: an API client over the demo (scale 0.05, seed 42; 常州工厂's incident is in it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shuzhi_testing import client_over
from shuzhi_testing import demo_file as shared_demo_file


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-10-31")


@pytest.fixture
def client(make_client, settings, demo_file):  # type: ignore[no-untyped-def]
    """A TestClient over a copy of the demo warehouse with the demo model installed."""
    return client_over(make_client, settings, demo_file)


@pytest.fixture
def truth(demo_file) -> dict:  # type: ignore[no-untyped-def]
    from shuzhi.demo import demo_anomalies

    con = duckdb.connect(str(demo_file), read_only=True)
    try:
        return demo_anomalies(con)
    finally:
        con.close()
