"""Dashboard API fixtures: the demo warehouse is built once per session and copied into each test's
SHUZHI_HOME; the client has the demo model and the five demo dashboards installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuzhi_testing import client_over, demo_file, login


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-11-25")


@pytest.fixture
def dash_api(make_client, settings, demo_warehouse):  # type: ignore[no-untyped-def]
    """(client logged in as admin, its CSRF headers) over the demo with its dashboards installed."""
    c = client_over(make_client, settings, demo_warehouse, dashboards=True)
    return c, login(c)
