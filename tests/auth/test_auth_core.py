"""Passwords, users, tokens and throttling below the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shuzhi.auth import credentials as cred
from shuzhi.auth import users as U
from shuzhi.auth.passwords import generate_password, hash_password, verify_password
from shuzhi.catalog import Catalog
from shuzhi.errors import ShuzhiError

LIMITS = {"max_failures": 3, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    c = Catalog(f"sqlite:///{tmp_path / 'm.db'}")
    c.migrate()
    yield c
    c.dispose()


def test_argon2_hashes_and_verifies() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "correct horse")
    assert not verify_password(h, "wrong horse")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_generated_passwords_are_random_and_mixed() -> None:
    pws = {generate_password() for _ in range(50)}
    assert len(pws) == 50
    assert all(len(p) == 16 and any(c.isdigit() for c in p) and any(c.isalpha() for c in p) for p in pws)


def test_first_admin_once(cat: Catalog) -> None:
    with cat.session() as s:
        created, pw = U.ensure_first_admin(s, None)
    assert created and pw
    with cat.session() as s:
        assert U.ensure_first_admin(s, None) == (False, None)
        assert U.get_user(s, "admin").role == "admin"
        assert verify_password(U.get_user(s, "admin").password_hash, pw)


def test_first_admin_from_env_is_not_echoed(cat: Catalog) -> None:
    with cat.session() as s:
        assert U.ensure_first_admin(s, "From-Env-Pass1") == (True, None)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"username": "bad name!", "password": "Long-enough-1", "role": "viewer"}, "bad_username"),
        ({"username": "ok", "password": "short", "role": "viewer"}, "password_too_short"),
        ({"username": "samesame", "password": "SameSame2024", "role": "viewer"}, "password_is_username"),
        ({"username": "ok", "password": "Long-enough-1", "role": "boss"}, "bad_role"),
    ],
)
def test_create_user_validation(cat: Catalog, kwargs: dict, code: str) -> None:
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        U.create_user(s, **kwargs)
    assert e.value.code == code


def test_usernames_are_case_insensitive_and_unique(cat: Catalog) -> None:
    with cat.session() as s:
        U.create_user(s, "Wang.Li", "Long-enough-1", "editor", attributes={"region": "华南"})
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        U.create_user(s, "wang.li", "Long-enough-1", "viewer")
    assert e.value.code == "user_exists" and e.value.status == 409
    with cat.session() as s:
        assert U.get_user(s, "WANG.LI").attributes == {"region": "华南"}


def test_parse_attrs() -> None:
    assert U.parse_attrs(["region=华东", "plant = 常州工厂", "empty="]) == {
        "region": "华东", "plant": "常州工厂", "empty": ""}
    for bad in (["noequals"], ["1abc=x"], ["a b=x"]):
        with pytest.raises(ShuzhiError):
            U.parse_attrs(bad)


def test_last_admin_is_protected(cat: Catalog) -> None:
    with cat.session() as s:
        U.ensure_first_admin(s, "Admin-Pass-1")
    for action in (
        lambda s: U.update_user(s, "admin", role="viewer"),
        lambda s: U.update_user(s, "admin", is_active=False),
        lambda s: U.delete_user(s, "admin"),
    ):
        with pytest.raises(ShuzhiError) as e, cat.session() as s:
            action(s)
        assert e.value.code == "last_admin"
    with cat.session() as s:
        U.create_user(s, "second", "Long-enough-1", "admin")
    with cat.session() as s:
        U.update_user(s, "admin", role="viewer")


def test_throttling_locks_after_failures_and_success_resets(cat: Catalog) -> None:
    with cat.session() as s:
        U.create_user(s, "li", "Right-Pass-1", "viewer")
    for _ in range(3):
        with pytest.raises(ShuzhiError) as e, cat.session() as s:
            cred.authenticate(s, "li", "wrong", ip="10.0.0.1", **LIMITS)
        assert e.value.code == "bad_credentials"
    # Even the right password is refused while locked.
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        cred.authenticate(s, "li", "Right-Pass-1", ip="10.0.0.1", **LIMITS)
    assert e.value.code == "login_throttled" and e.value.status == 429
    assert 0 < int(e.value.headers["Retry-After"]) <= 15 * 60
    # After the lockout has passed, the right password works and resets the count.
    short = {**LIMITS, "lockout": dt.timedelta(seconds=0)}
    with cat.session() as s:
        cred.authenticate(s, "li", "Right-Pass-1", ip="10.0.0.1", **short)
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        cred.authenticate(s, "li", "wrong", ip="10.0.0.1", **LIMITS)
    assert e.value.code == "bad_credentials"


def test_spraying_from_one_address_is_throttled(cat: Catalog) -> None:
    for i in range(12):
        with pytest.raises(ShuzhiError), cat.session() as s:
            cred.authenticate(s, f"user{i}", "wrong", ip="10.9.9.9", **LIMITS)
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        cred.authenticate(s, "someone-else", "whatever", ip="10.9.9.9", **LIMITS)
    assert e.value.code == "login_throttled"


def test_disabled_user_cannot_log_in_and_loses_tokens(cat: Catalog) -> None:
    with cat.session() as s:
        U.ensure_first_admin(s, "Admin-Pass-1")
        u = U.create_user(s, "zhao", "Right-Pass-1", "viewer")
        raw, _ = cred.create_token(s, u, "script", expires_in_days=None, actor="admin")
    with cat.session() as s:
        assert cred.resolve_token(s, raw).username == "zhao"
        U.update_user(s, "zhao", is_active=False)
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        cred.resolve_token(s, raw)
    assert e.value.code == "token_invalid"
    with pytest.raises(ShuzhiError) as e, cat.session() as s:
        cred.authenticate(s, "zhao", "Right-Pass-1", ip=None, **LIMITS)
    assert e.value.code == "bad_credentials"


def test_tokens_are_stored_hashed(cat: Catalog) -> None:
    from sqlalchemy import text

    with cat.session() as s:
        u = U.create_user(s, "qian", "Right-Pass-1", "viewer")
        raw, tok = cred.create_token(s, u, "etl", expires_in_days=30, actor="qian")
    with cat.engine.connect() as c:
        stored = c.execute(text("SELECT token_hash, prefix FROM api_tokens")).one()
    assert raw not in stored[0] and raw.startswith(stored[1])
    assert raw.startswith("szt_") and len(raw) > 40
