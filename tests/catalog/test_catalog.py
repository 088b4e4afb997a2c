"""The metadata catalog migrates itself on SQLite and PostgreSQL and stores aware UTC times."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from shuzhi.catalog import Catalog
from shuzhi.catalog.models import User
from shuzhi.errors import ShuzhiError

EXPECTED_TABLES = {"users", "web_sessions", "api_tokens", "login_attempts", "audit_events", "alembic_version",
                   "semantic_models", "semantic_model_versions", "app_settings"}


def test_migrate_creates_schema_and_is_idempotent(metadata_url: str) -> None:
    cat = Catalog(metadata_url)
    cat.migrate()
    cat.migrate()
    assert cat.current_revision() == cat.head_revision() == "0021_user_source"  # one head
    assert EXPECTED_TABLES <= set(inspect(cat.engine).get_table_names())
    cat.dispose()


def test_quick_head_check_agrees_with_alembic(metadata_url: str) -> None:
    """migrate() skips Alembic when the catalog is at the heads read from the revision files; those heads
    must be Alembic's, and a catalog behind them still migrates."""

    from shuzhi.catalog.db import migration_heads

    cat = Catalog(metadata_url)
    assert migration_heads() == set(cat.head_revision().split(","))
    cat.migrate()
    assert cat.at_head()
    from alembic import command  # behind: every revision after 0012 undone by its own downgrade

    cfg = cat._alembic_config()
    with cat.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012_display_preferences")
    assert not cat.at_head()
    cat.migrate()
    assert cat.at_head() and "share_links" in set(inspect(cat.engine).get_table_names())
    cat.dispose()


def test_round_trip_keeps_utc_and_json(metadata_url: str) -> None:
    cat = Catalog(metadata_url)
    cat.migrate()
    when = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with cat.session() as s:
        s.add(User(username="u1", role="viewer", password_hash="x", attributes={"region": "华东", "n": [1, 2]},
                   is_active=True, last_login_at=when))
    with cat.session() as s:
        u = s.scalar(select(User).where(User.username == "u1"))
        assert u.attributes == {"region": "华东", "n": [1, 2]}
        assert u.last_login_at == when and u.last_login_at.tzinfo is dt.UTC
    cat.dispose()


def test_session_rolls_back_on_error(metadata_url: str) -> None:
    cat = Catalog(metadata_url)
    cat.migrate()
    with pytest.raises(RuntimeError), cat.session() as s:
        s.add(User(username="ghost", role="viewer", password_hash="x", attributes={}, is_active=True))
        s.flush()
        raise RuntimeError("boom")
    with cat.session() as s:
        assert s.scalar(select(User).where(User.username == "ghost")) is None
    cat.dispose()


@pytest.mark.postgres
def test_concurrent_migrations_on_postgres_run_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            c = Catalog(pg_url)
            c.migrate()
            c.dispose()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    cat = Catalog(pg_url)
    assert cat.current_revision() == cat.head_revision()


def test_corrupt_sqlite_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "meta.db"
    bad.write_bytes(b"this is not a database" * 100)
    before = bad.read_bytes()
    with pytest.raises(ShuzhiError) as e:
        Catalog(f"sqlite:///{bad}").migrate()
    assert e.value.code == "metadata_corrupt"
    assert bad.read_bytes() == before


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(ShuzhiError) as e:
        Catalog("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2").migrate()
    assert e.value.code == "metadata_unavailable" and e.value.status == 503


@pytest.mark.parametrize("url", ["not a url", "mysql://root@127.0.0.1/test"])
def test_unsupported_urls(url: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        Catalog(url)
    assert e.value.code in ("metadata_url_invalid", "metadata_dialect_unsupported")
