"""The hot-spot use case's tests: a Runtime over a copy of a small demo warehouse (scale 0.02) with the demo
model, for the two seeds the NL tests use (tests/nl_fixtures.py: seed 3, end 2026-10-31; and seed 42)."""

from __future__ import annotations

import pytest

from shuzhi_testing import client_over, demo_file

SEEDS = {3: "2026-10-31", 42: "2026-10-31"}


@pytest.fixture(scope="module", params=sorted(SEEDS), ids=lambda s: f"seed{s}")
def demo(request, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.02, seed=request.param, end=SEEDS[request.param])


@pytest.fixture
def rt(make_client, settings, demo):  # type: ignore[no-untyped-def]
    return client_over(make_client, settings, demo).app.state.runtime

