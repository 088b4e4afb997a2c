"""Browser security headers (issue 12, LOW: no Content-Security-Policy or X-Frame-Options).

Every response carries a CSP without inline script or eval, framing is refused by default and
configurable (SHUZHI_FRAME_ANCESTORS), and /docs has its own policy for Swagger UI's CDN assets.
"""

from __future__ import annotations

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.settings import frame_ancestors, get_settings


def _csp(r) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in
            (x.strip() for x in r.headers["content-security-policy"].split(";")) if d}


def test_app_policy_on_every_response(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    for path in ("/api/v1/health", "/openapi.json", "/api/v1/no-such-route", "/", "/analysis"):
        r = c.get(path)
        csp = _csp(r)
        assert csp["script-src"] == "'self'", path  # no inline script, no eval, no other origin
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in r.headers["content-security-policy"]
        assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'" and csp["frame-ancestors"] == "'none'"
        assert csp["default-src"] == "'self'" and csp["connect-src"] == "'self'"
        assert set(csp["img-src"].split()) == {"'self'", "data:", "blob:", "https:", "http:"}  # dashboard image URLs
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers.get_list("x-content-type-options") == ["nosniff"]  # never duplicated
        assert r.headers.get_list("referrer-policy") == ["same-origin"]


def test_docs_page_has_its_own_policy(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    r = c.get("/docs")
    assert r.status_code == 200
    csp = _csp(r)
    assert "https://cdn.jsdelivr.net" in csp["script-src"] and "'unsafe-inline'" in csp["script-src"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "cdn.jsdelivr.net" not in c.get("/api/v1/health").headers["content-security-policy"]


def test_frame_ancestors_setting(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(SHUZHI_FRAME_ANCESTORS="'self' https://portal.example.com")
    r = c.get("/api/v1/health")
    assert _csp(r)["frame-ancestors"] == "'self' https://portal.example.com"
    assert "x-frame-options" not in r.headers  # an allow-list cannot be said with X-Frame-Options
    r = make_client(SHUZHI_FRAME_ANCESTORS="'self'").get("/api/v1/health")
    assert r.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("bad", ["'none' https://a.example", "https://a.example; script-src *", "https://a.example,https://b",
                                 "'unsafe-inline'", "https://a.example\x00", "", "   "])
def test_bad_frame_ancestors_are_refused(bad: str) -> None:
    if not bad.strip():
        assert frame_ancestors(bad) == "'none'"  # empty means the default
        return
    with pytest.raises(ValueError):
        frame_ancestors(bad)


def test_bad_frame_ancestors_stop_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUZHI_FRAME_ANCESTORS", "https://a.example; script-src *")
    get_settings.cache_clear()
    with pytest.raises(ShuzhiError) as e:
        get_settings()
    assert e.value.code == "bad_settings" and "SHUZHI_FRAME_ANCESTORS" in e.value.en
    get_settings.cache_clear()
