"""The hot-spot use case's tests: a Runtime over a copy of a small demo warehouse (scale 0.02, seed 3,
end 2026-10-31 as tests/nl_fixtures.py) with the demo model; test_ground_truth.py adds seed 42."""

from __future__ import annotations

import pytest

from shuzhi_testing import client_over, demo_file


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.02, seed=3, end="2026-10-31")


@pytest.fixture
def client(make_client, settings, demo):  # type: ignore[no-untyped-def]
    return client_over(make_client, settings, demo)


@pytest.fixture
def rt(client):  # type: ignore[no-untyped-def]
    return client.app.state.runtime
