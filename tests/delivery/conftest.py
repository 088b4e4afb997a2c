"""Channel fixtures: a migrated catalog in the test's SHUZHI_HOME, with no backoff between tries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shuzhi.catalog import Catalog
from shuzhi.settings import Settings, get_settings


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    monkeypatch.setenv("SHUZHI_CHANNEL_BACKOFF_S", "0")
    monkeypatch.setenv("SHUZHI_CHANNEL_TIMEOUT_S", "5")
    monkeypatch.setenv("SHUZHI_PUBLIC_URL", "http://bi.example.test")
    get_settings.cache_clear()
    s = get_settings()
    s.ensure_home()
    return s


@pytest.fixture
def catalog(fast: Settings) -> Iterator[Catalog]:
    cat = Catalog(fast.effective_metadata_url)
    cat.migrate()
    yield cat
    cat.dispose()
