"""Auth fixtures: an API client over a small shared demo warehouse (scale 0.01) with the demo model
and its dashboards installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuzhi_testing import client_over, demo_file


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")


@pytest.fixture
def demo_client(make_client, settings, small_demo_file):  # type: ignore[no-untyped-def]
    return client_over(make_client, settings, small_demo_file, dashboards=True)
