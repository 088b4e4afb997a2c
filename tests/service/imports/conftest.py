"""Fixtures for import tests: the committed test files and a started runtime on a fresh SHUZHI_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings
from shuzhi_testing import TEST_PASSWORD

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def rt(monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    from shuzhi.runtime import Runtime

    monkeypatch.setenv("SHUZHI_ADMIN_PASSWORD", TEST_PASSWORD)
    get_settings.cache_clear()
    runtime = Runtime(get_settings())
    # The warehouse is sandboxed: these tests import straight from their data folder and tmp_path.
    runtime.allow_reading(DATA)
    runtime.allow_reading(get_settings().home.parent)
    runtime.start(with_logging=False)
    wire(runtime)
    yield runtime
    runtime.close()
