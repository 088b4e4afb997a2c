"""Sign-in hardening (issue 12, findings 10 and 11 and weak passwords): atomic throttling that a
success does not reset, trusted proxies, the password policy, and tokens that die with a password
change and cannot mint tokens."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

import cli_zygote
from shuzhi.auth import credentials as cred
from shuzhi.auth import users as U
from shuzhi.auth.passwords import check_password_policy, generate_password, hash_password
from shuzhi.catalog import Catalog
from shuzhi.catalog.models import AuditEvent, User
from shuzhi.errors import ShuzhiError
from shuzhi_testing import TEST_PASSWORD, free_port, login

SHUZHI = str(Path(sys.executable).parent / "shuzhi")
LIMITS = {"max_failures": 2, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
SPRAY = {**LIMITS, "max_failures": 1}  # an address budget of 4: few slow password checks


@pytest.fixture
def counted_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the real (argon2) password checks that login performs."""
    calls: list[int] = []
    real = cred.verify_password

    def counting(password_hash, password):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(password_hash, password)

    monkeypatch.setattr(cred, "verify_password", counting)
    return calls


@pytest.fixture
def cat(metadata_url: str) -> Catalog:
    c = Catalog(metadata_url)
    c.migrate()
    with c.session() as s:
        U.create_user(s, "admin", TEST_PASSWORD, "admin")
        U.create_user(s, "mallory", "Mallory-Own-Pass-1", "viewer")
    yield c
    c.dispose()


def _storm(cat: Catalog, attempts: list[tuple[str, str, str]], limits: dict = LIMITS) -> list[str]:
    """Run the login attempts all at once from threads; returns each outcome's error code."""
    barrier = threading.Barrier(len(attempts))
    codes: list[str] = []

    def one(name: str, password: str, ip: str) -> None:
        barrier.wait()
        try:
            with cat.session() as s:
                cred.authenticate(s, name, password, ip=ip, **limits)
            codes.append("ok")
        except ShuzhiError as e:
            codes.append(e.code)

    threads = [threading.Thread(target=one, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return codes


# -- finding 10: throttling ----------------------------------------------------------------------
def test_concurrent_wrong_passwords_get_at_most_the_budget_of_checks(cat: Catalog, counted_checks) -> None:  # type: ignore[no-untyped-def]
    codes = _storm(cat, [("admin", f"wrong-{i}", f"10.1.0.{i}") for i in range(30)])
    assert len(codes) == 30
    assert len(counted_checks) <= LIMITS["max_failures"], len(counted_checks)
    assert codes.count("bad_credentials") == len(counted_checks)
    assert codes.count("login_throttled") == 30 - len(counted_checks)


_WORKER = """
import datetime as dt, sys, threading, time
from shuzhi.auth import credentials as cred
from shuzhi.catalog import Catalog
from shuzhi.errors import ShuzhiError
url, start, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
checks = []
real = cred.verify_password
cred.verify_password = lambda h, p: checks.append(1) or real(h, p)
cat = Catalog(url)
limits = {"max_failures": 2, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
def one(i):
    time.sleep(max(0.0, start - time.time()))
    try:
        with cat.session() as s:
            cred.authenticate(s, "admin", f"wrong-{i}", ip=None, **limits)
    except ShuzhiError:
        pass
threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
[t.start() for t in threads]
[t.join() for t in threads]
print(len(checks))
"""


@pytest.mark.slow
def test_concurrent_processes_share_the_budget(cat: Catalog, metadata_url: str) -> None:
    """Several server processes: the lock is the metadata database's, not only the process's."""
    start = time.time() + 8
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, metadata_url, str(start), "10"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert time.time() > start  # they did start together
    checks = sum(int(out.strip().splitlines()[-1]) for out, _ in outs)
    assert 1 <= checks <= LIMITS["max_failures"], outs


def test_concurrent_spraying_from_one_address_is_bounded(cat: Catalog, counted_checks) -> None:  # type: ignore[no-untyped-def]
    codes = _storm(cat, [(f"user{i}", "Spray-Pass-001", "10.2.0.1") for i in range(12)], SPRAY)
    assert len(counted_checks) <= 4 * SPRAY["max_failures"]
    assert codes.count("login_throttled") == 12 - len(counted_checks)


def test_a_success_does_not_reset_the_address_budget(tmp_path: Path) -> None:
    """An attacker who owns one account must not refill the address budget by signing in to it."""
    cat = Catalog(f"sqlite:///{tmp_path / 'm.db'}")
    cat.migrate()
    with cat.session() as s:
        U.create_user(s, "mallory", "Mallory-Own-Pass-1", "viewer")
    budget = 4 * SPRAY["max_failures"]
    sprayed = 0
    for i in range(3 * budget):
        if i % 4 == 3:  # every fourth attempt: the attacker's own, correct, login
            try:
                with cat.session() as s:
                    cred.authenticate(s, "mallory", "Mallory-Own-Pass-1", ip="10.3.0.1", **SPRAY)
            except ShuzhiError as e:
                assert e.code == "login_throttled"
            continue
        try:
            with cat.session() as s:
                cred.authenticate(s, f"victim{i}", "Guess-Pass-0001", ip="10.3.0.1", **SPRAY)
        except ShuzhiError as e:
            if e.code == "login_throttled":
                break
            sprayed += 1
    cat.dispose()
    assert sprayed == budget


def test_the_user_budget_still_resets_on_success(cat: Catalog) -> None:
    for _ in range(LIMITS["max_failures"] - 1):
        with pytest.raises(ShuzhiError), cat.session() as s:
            cred.authenticate(s, "mallory", "wrong", ip=None, **LIMITS)
    with cat.session() as s:
        cred.authenticate(s, "mallory", "Mallory-Own-Pass-1", ip=None, **LIMITS)
    for _ in range(LIMITS["max_failures"] - 1):
        with pytest.raises(ShuzhiError) as e, cat.session() as s:
            cred.authenticate(s, "mallory", "wrong", ip=None, **LIMITS)
        assert e.value.code == "bad_credentials"


def test_locked_answers_are_the_same_for_known_and_unknown_users(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(SHUZHI_LOGIN_MAX_FAILURES="2")
    answers = {}
    for name in ("admin", "nobody-here"):
        for _ in range(2):
            assert c.post("/api/v1/auth/login", json={"username": name, "password": "x"}).status_code == 401
        r = c.post("/api/v1/auth/login", json={"username": name, "password": "y"}, headers={"X-Request-ID": "same"})
        assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 15 * 60
        body = r.json()["error"]
        assert "分钟" in body["message"]
        answers[name] = (body["code"], body["message"])
    assert answers["admin"] == answers["nobody-here"]


# -- finding 10: trusted proxies ------------------------------------------------------------------
def _audited_ips(c) -> list[str | None]:  # type: ignore[no-untyped-def]
    with c.app.state.runtime.catalog.session() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action.like("auth.login%"))).all()
        return [json.loads(r.detail or "{}").get("ip") for r in rows]


def test_forwarded_headers_are_ignored_without_trusted_proxies(make_client) -> None:  # type: ignore[no-untyped-def]
    base = make_client()
    c = type(base)(base.app, raise_server_exceptions=False, client=("127.0.0.1", 5555))
    c.post("/api/v1/auth/login", json={"username": "admin", "password": "x"},
           headers={"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "7.7.7.7"})
    assert _audited_ips(c) == ["127.0.0.1"]


def test_forwarded_for_is_read_only_from_trusted_proxies(make_client) -> None:  # type: ignore[no-untyped-def]
    base = make_client(SHUZHI_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    via_proxy = type(base)(base.app, raise_server_exceptions=False, client=("127.0.0.1", 1))
    # The client may put anything on the left; the right-most address not a trusted proxy counts.
    via_proxy.post("/api/v1/auth/login", json={"username": "admin", "password": "x"},
                   headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.2.3"})
    via_proxy.post("/api/v1/auth/login", json={"username": "admin", "password": "x"},
                   headers={"X-Real-IP": "198.51.100.7"})
    direct = type(base)(base.app, raise_server_exceptions=False, client=("192.0.2.50", 1))
    direct.post("/api/v1/auth/login", json={"username": "admin", "password": "x"},
                headers={"X-Forwarded-For": "6.6.6.6"})
    via_proxy.post("/api/v1/auth/login", json={"username": "admin", "password": "x"},
                   headers={"X-Forwarded-For": "not-an-address"})
    assert _audited_ips(base) == ["203.0.113.9", "198.51.100.7", "192.0.2.50", "127.0.0.1"]


def test_bad_trusted_proxies_setting_is_a_clear_error(make_client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as e:
        make_client(SHUZHI_TRUSTED_PROXIES="localhost")
    assert e.value.code == "bad_trusted_proxies" and "SHUZHI_TRUSTED_PROXIES" in e.value.en




@pytest.mark.slow
def test_served_app_does_not_trust_local_forwarded_for(_isolated_env: Path) -> None:
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise; `shuzhi serve` must not."""
    port = free_port()
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD}
    proc = subprocess.Popen([SHUZHI, "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": "x"},
                       headers={"X-Forwarded-For": "6.6.6.6"})
        assert r.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    from shuzhi.settings import get_settings

    cat = Catalog(get_settings().effective_metadata_url)
    with cat.session() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
        ips = [json.loads(r.detail or "{}").get("ip") for r in rows]
    cat.dispose()
    assert ips == ["127.0.0.1"]


# -- weak passwords -----------------------------------------------------------------------------
WEAK = ["12345678", "password", "        ", "1234567890", "qwertyuiop", "aaaaaaaaaaaa", "abcdefghijk",
        "password1234", "iloveyou123", "          x", "abababababab", "9876543210", "woaini1314"]


@pytest.mark.parametrize("pw", WEAK)
def test_weak_passwords_are_refused(pw: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        check_password_policy(pw, "someone")
    assert e.value.status == 400 and "10" in e.value.zh and "10" in e.value.en


@pytest.mark.parametrize("pw", [TEST_PASSWORD, "Long-enough-1", "马到成功-2026-plan", "correct horse battery"])
def test_reasonable_passwords_pass(pw: str) -> None:
    check_password_policy(pw, "someone")


def test_the_user_name_inside_the_password_is_refused() -> None:
    with pytest.raises(ShuzhiError) as e:
        check_password_policy("zhangsan2024", "zhangsan")
    assert e.value.code == "password_is_username"
    check_password_policy("E2e-Admin-Pass-01", "admin")  # containing it is fine


def test_generated_passwords_pass_the_policy() -> None:
    for _ in range(200):
        check_password_policy(generate_password(), "admin")


def test_weak_passwords_are_refused_everywhere_over_http(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    for pw in ("12345678", "password", "        "):
        r = c.post("/api/v1/users", json={"username": "li", "password": pw, "role": "viewer"},
                   headers={**h, "Accept-Language": "en"})
        assert r.status_code == 400 and r.json()["error"]["code"].startswith("password_"), r.text
        assert "10 characters" in r.json()["error"]["message"]
        r = c.post("/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": pw}, headers=h)
        assert r.status_code == 400, r.text
        r = c.post("/api/v1/users/admin/password", json={"new_password": pw}, headers=h)
        assert r.status_code == 400, r.text
    assert c.get("/api/v1/users/li").status_code == 404
    login(type(c)(c.app), "admin", TEST_PASSWORD)  # nothing changed


def test_existing_weak_passwords_keep_working(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    with c.app.state.runtime.catalog.session() as s:
        s.add(User(username="old", role="viewer", password_hash=hash_password("12345678"), attributes={},
                   is_active=True))
    login(type(c)(c.app), "old", "12345678")


def test_weak_admin_password_from_the_environment_is_refused(tmp_path: Path) -> None:
    c = Catalog(f"sqlite:///{tmp_path / 'm.db'}")
    c.migrate()
    with pytest.raises(ShuzhiError) as e, c.session() as s:
        U.ensure_first_admin(s, "password")
    assert "SHUZHI_ADMIN_PASSWORD" in e.value.en and "SHUZHI_ADMIN_PASSWORD" in e.value.zh
    with c.session() as s:
        assert U.count_users(s) == 0
    c.dispose()


@pytest.mark.slow
def test_cli_refuses_weak_passwords(_isolated_env: Path) -> None:
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD, "SHUZHI_LANG": "en"}
    for args in (["user", "create", "zhang", "--role", "viewer"], ["user", "password", "admin"]):
        p = cli_zygote.run([*args], input="12345678\n", env=env, timeout=120)
        assert p.returncode != 0 and "10 characters" in p.stderr and "Traceback" not in p.stderr, p


# -- finding 11: tokens ---------------------------------------------------------------------------
def _token(c, h, **body) -> str:  # type: ignore[no-untyped-def]
    r = c.post("/api/v1/auth/tokens", json={"name": "script", **body}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_tokens_die_when_the_password_changes(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    raw = _token(c, h)
    bearer = {"Authorization": f"Bearer {raw}"}
    fresh = type(c)(c.app, raise_server_exceptions=False)
    assert fresh.get("/api/v1/auth/me", headers=bearer).status_code == 200
    r = c.post("/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": "Brand-New-Pass-9"},
               headers=h)
    assert r.status_code == 204
    assert fresh.get("/api/v1/auth/me", headers=bearer).status_code == 401
    # The session that changed the password stays signed in.
    assert c.get("/api/v1/auth/me").status_code == 200


def test_tokens_die_when_an_admin_resets_the_password(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    assert c.post("/api/v1/users", json={"username": "wang", "password": "Wang-Pass-0001", "role": "editor"},
                  headers=h).status_code == 201
    w = type(c)(c.app, raise_server_exceptions=False)
    raw = _token(w, login(w, "wang", "Wang-Pass-0001"))
    assert c.post("/api/v1/users/wang/password", json={"new_password": "Wang-Reset-0002"}, headers=h).status_code == 204
    fresh = type(c)(c.app, raise_server_exceptions=False)
    assert fresh.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert w.get("/api/v1/auth/me").status_code == 401


def test_a_token_cannot_mint_tokens(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    parent = _token(c, login(c), expires_in_days=30)
    t = type(c)(c.app, raise_server_exceptions=False)
    r = t.post("/api/v1/auth/tokens", json={"name": "child", "expires_in_days": 3650},
               headers={"Authorization": f"Bearer {parent}", "Accept-Language": "en"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "token_cannot_mint", r.text
    r = t.post("/api/v1/auth/tokens", json={"name": "child"}, headers={"Authorization": f"Bearer {parent}"})
    assert r.status_code == 403
    with c.app.state.runtime.catalog.session() as s:
        assert len(cred.list_tokens(s, 1)) == 1


def test_token_lifetime_is_capped(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    r = c.post("/api/v1/auth/tokens", json={"name": "long", "expires_in_days": 3650},
               headers={**h, "Accept-Language": "en"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_token_expiry" and "365" in r.text
    # No lifetime asked: the token still expires, at the cap.
    r = c.post("/api/v1/auth/tokens", json={"name": "default"}, headers=h)
    expires = dt.datetime.fromisoformat(r.json()["expires_at"])
    assert dt.timedelta(days=364) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=365)
    c2 = make_client(SHUZHI_TOKEN_MAX_DAYS="30")
    r = c2.post("/api/v1/auth/tokens", json={"name": "month", "expires_in_days": 31}, headers=login(c2))
    assert r.status_code == 400


def test_revoked_token_is_refused(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    r = c.post("/api/v1/auth/tokens", json={"name": "once"}, headers=h)
    raw, tid = r.json()["token"], r.json()["id"]
    assert c.delete(f"/api/v1/auth/tokens/{tid}", headers=h).status_code == 204
    fresh = type(c)(c.app, raise_server_exceptions=False)
    assert fresh.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.slow
def test_cli_token_lifetime_is_capped(_isolated_env: Path) -> None:
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD, "SHUZHI_LANG": "en"}
    p = cli_zygote.run(["token", "create", "x", "--user", "admin", "--days", "3650"],
                       env=env, timeout=120)
    assert p.returncode != 0 and "365" in p.stderr and "Traceback" not in p.stderr, p
    p = cli_zygote.run(["token", "create", "x", "--user", "admin"],
                       env=env, timeout=120)
    assert p.returncode == 0 and p.stdout.startswith("szt_"), p
