"""Subscription fixtures: an API client over the demo (scale 0.05) with its dashboards, a public URL, no backoff."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuzhi.auth.secrets import SecretBox
from shuzhi.delivery import channel_store
from shuzhi_testing import client_over, login
from shuzhi_testing import demo_file as shared_demo_file

PUBLIC = "http://bi.example.test"


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-11-25")


@pytest.fixture
def api(make_client, settings, demo_warehouse, monkeypatch):  # type: ignore[no-untyped-def]
    """(client, admin's CSRF headers) with SHUZHI_PUBLIC_URL set and sends retried without waiting."""
    monkeypatch.setenv("SHUZHI_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("SHUZHI_CHANNEL_BACKOFF_S", "0")
    c = client_over(make_client, settings, demo_warehouse, dashboards=True)
    return c, login(c)


@pytest.fixture
def add_channel(api):  # type: ignore[no-untyped-def]
    """add_channel(name, kind, cfg): store a channel in the api's catalog (secrets sealed)."""
    rt = api[0].app.state.runtime

    def add(name: str, kind: str, cfg: dict) -> None:  # type: ignore[type-arg]
        with rt.catalog.session() as db:
            channel_store.create(db, SecretBox.from_settings(rt.settings), name, kind, cfg, actor="test")

    return add
