"""The secrets of share links and embeds, without an app: signatures, tampering, expiry, grants, settings."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.share_models import ShareLink
from shuzhi.delivery import embed_tokens as et
from shuzhi.delivery import shares
from shuzhi.errors import ShuzhiError
from shuzhi.settings import Settings

KEY = b"k" * 32


def _rec() -> DashboardRecord:
    return DashboardRecord(id=7, name="sales", title="销售", definition={}, owner="admin", shared_roles=[])


def _issue(**kw):  # type: ignore[no-untyped-def]
    args = {
        "component": None,
        "filters": {"customers.region": ["华东"]},
        "attributes": {"region": "华东"},
        "issuer_id": 1,
        "minutes": 5,
        **kw,
    }
    return et.issue(KEY, _rec(), **args)


def test_a_token_round_trips_and_names_one_dashboard() -> None:
    tok, guest = _issue()
    back = et.verify(KEY, tok)
    assert (back.dashboard_id, back.filters, back.attributes) == (
        7,
        {"customers.region": ["华东"]},
        {"region": "华东"},
    )
    assert back.pieces() == [{"where": {"field": "customers.region", "op": "=", "value": "华东"}}]
    two = et.issue(
        KEY, _rec(), component="c", filters={"f": ["a", "b"]}, attributes={}, issuer_id=1, minutes=5
    )[0]
    assert et.verify(KEY, two).pieces() == [{"where": {"field": "f", "op": "in", "values": ["a", "b"]}}]


@pytest.mark.parametrize("change", ["filters", "dashboard", "attributes", "signature", "key", "garbage"])
def test_any_change_is_refused(change: str) -> None:
    tok, _ = _issue()
    body, mac = tok[4:].split(".")
    p = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))

    def enc(d: dict) -> str:  # type: ignore[type-arg]
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    bad = {
        "filters": f"sze_{enc({**p, 'f': {}})}.{mac}",
        "dashboard": f"sze_{enc({**p, 'd': 8})}.{mac}",
        "attributes": f"sze_{enc({**p, 'a': {'region': '华北'}})}.{mac}",
        "signature": f"sze_{body}.{mac[::-1]}",
        "key": tok,
        "garbage": "sze_..",
    }[change]
    with pytest.raises(ShuzhiError) as e:
        et.verify(b"other-key" * 4 if change == "key" else KEY, bad)
    assert e.value.code == "embed_token_invalid" and e.value.status == 401


def test_an_expired_token_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tok, _ = _issue(minutes=1)
    later = et.utcnow() + dt.timedelta(minutes=2)
    monkeypatch.setattr(et, "utcnow", lambda: later)
    with pytest.raises(ShuzhiError) as e:
        et.verify(KEY, tok)
    assert e.value.code == "embed_token_expired"


def test_share_grants_are_bound_to_the_link_and_its_password() -> None:
    link = ShareLink(id=3, password_hash="$argon2id$a", expires_at=None)
    grant, _ = shares.make_grant(KEY, link)
    shares.check_access(KEY, link, grant)
    for other in (ShareLink(id=4, password_hash="$argon2id$a"), ShareLink(id=3, password_hash="$argon2id$b")):
        with pytest.raises(ShuzhiError):
            shares.check_access(KEY, other, grant)
    with pytest.raises(ShuzhiError):
        shares.check_access(b"x" * 32, link, grant)
    shares.check_access(KEY, ShareLink(id=5, password_hash=None), None)  # no password: no grant needed


def test_days_and_links() -> None:
    assert shares.check_days(None, default=7, max_days=30) == 7
    assert shares.check_days(0, default=7, max_days=30) is None
    with pytest.raises(ShuzhiError):
        shares.check_days(31, default=7, max_days=30)
    assert shares.link_url("https://bi.example.com/", "szs_x") == "https://bi.example.com/share#szs_x"
    assert shares.token_of("https://bi.example.com/share#szs_x") == "szs_x"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("public_url", "ftp://x"),
        ("public_url", "http://a b"),
        ("embed_frame_ancestors", "https://a; script-src *"),
    ],
)
def test_bad_settings_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValueError):
        Settings(**{field: value})
    assert Settings(public_url="https://bi.example.com/").public_url == "https://bi.example.com"
