"""Settings: one object, environment-driven, with clear failures for unusable homes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.settings import Settings, get_settings


def test_defaults_derive_from_home(settings: Settings, _isolated_env: Path) -> None:
    assert settings.home == _isolated_env
    assert settings.warehouse_path == _isolated_env / "warehouse.duckdb"
    assert settings.meta_path == _isolated_env / "meta.db"
    assert settings.effective_metadata_url == f"sqlite:///{_isolated_env / 'meta.db'}"
    assert settings.today_date() == dt.date(2026, 11, 26)


def test_today_follows_the_shanghai_clock_when_not_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUZHI_TODAY")
    get_settings.cache_clear()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert get_settings().today_date() == datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_home_expands_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUZHI_HOME", "~/somewhere")
    get_settings.cache_clear()
    assert get_settings().home == Path.home() / "somewhere"


def test_bad_variable_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUZHI_TODAY", "yesterday-ish")
    get_settings.cache_clear()
    with pytest.raises(ShuzhiError) as e:
        get_settings()
    assert e.value.code == "bad_settings" and "SHUZHI_TODAY" in e.value.en


def test_home_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ShuzhiError) as e:
        Settings(home=f).ensure_home()
    assert e.value.code == "home_not_a_directory"


def test_home_that_cannot_be_created(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ShuzhiError) as e:
        Settings(home=f / "sub").ensure_home()
    assert e.value.code == "home_not_writable"
    assert "sub" in e.value.zh and "sub" in e.value.en
