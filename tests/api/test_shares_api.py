"""Share links and embed tokens, attacked from outside: what a link or a guest token opens, and nothing more.

One app over a small demo: the row rule customers.region = {{ user.region }} for viewers and editors, a
华东 viewer `hd`, an editor `ed` (华南) who owns the dashboard `probe` (a region filter, revenue by region,
a KPI), and a second dashboard `other`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.catalog.models import utcnow
from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.catalog.share_models import ShareLink
from shuzhi_testing import client_over, demo_file, login

pytestmark = pytest.mark.slow  # one demo app per module test (~3 s each)

REGION = "customers.region"
PROBE = {
    "name": "probe",
    "title": "探针",
    "shared_roles": ["viewer", "editor"],
    "components": [
        {
            "id": "region",
            "kind": "filter",
            "title": "区域",
            "pos": {"x": 0, "y": 0, "w": 8, "h": 2},
            "filter": {"field": REGION, "control": "multi_select"},
        },
        {
            "id": "by_region",
            "kind": "chart",
            "title": "分区域",
            "pos": {"x": 0, "y": 2, "w": 12, "h": 6},
            "spec": {"metrics": ["revenue"], "dimensions": [REGION]},
            "chart": {"type": "bar"},
        },
        {
            "id": "rev",
            "kind": "kpi",
            "title": "销售额",
            "pos": {"x": 12, "y": 2, "w": 6, "h": 4},
            "spec": {"metrics": ["revenue"]},
            "kpi": {"compare": [], "sparkline": False},
        },
    ],
}
OTHER = {
    "name": "other",
    "title": "别的",
    "shared_roles": ["viewer"],
    "components": [
        {
            "id": "k",
            "kind": "kpi",
            "title": "K",
            "pos": {"x": 0, "y": 0, "w": 6, "h": 4},
            "spec": {"metrics": ["revenue"]},
            "kpi": {"compare": [], "sparkline": False},
        }
    ],
}


def _user(admin, ah, name, role, region):  # type: ignore[no-untyped-def]
    pw = f"{name.title()}-Pass-0917"
    r = admin.post(
        "/api/v1/users",
        json={"username": name, "password": pw, "role": role, "attributes": {"region": region}},
        headers=ah,
    )
    assert r.status_code == 201, r.text
    c = type(admin)(admin.app, raise_server_exceptions=False)
    return c, login(c, name, pw)


def _rule(admin, roles):  # type: ignore[no-untyped-def]
    with admin.app.state.runtime.catalog.session() as s:
        model, _ = get_model(s, "huajing")
        data = model.model_dump(mode="json")
        data["row_rules"] = [
            {
                "name": "own_region",
                "dataset": "customers",
                "filter": "region = {{ user.region }}",
                "roles": roles,
            }
        ]
        save_model(s, type(model).model_validate(data), actor="test", may_change_rules=True)


@pytest.fixture
def env(make_client, settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    path = demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")
    admin = client_over(make_client, settings, path)
    ah = login(admin)
    _rule(admin, ["editor", "viewer"])
    viewer = _user(admin, ah, "hd", "viewer", "华东")
    editor = _user(admin, ah, "ed", "editor", "华南")
    ec, eh = editor
    assert ec.post("/api/v1/dashboards", json=PROBE, headers=eh).status_code == 201
    assert admin.post("/api/v1/dashboards", json=OTHER, headers=ah).status_code == 201
    return admin, ah, viewer, editor


def _anon(client):  # type: ignore[no-untyped-def]
    return type(client)(client.app, raise_server_exceptions=False)


def _regions(body: dict) -> set:  # type: ignore[type-arg]
    res = body["components"]["by_region"]["result"]
    return {r[0] for r in res["rows"]}


def _share(c, h, **kw):  # type: ignore[no-untyped-def]
    r = c.post("/api/v1/shares", json={"dashboard": "probe", **kw}, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["link"].startswith("http://127.0.0.1:8000/share#szs_")
    return body["share"]["id"], body["link"].split("#", 1)[1]


def test_share_link_shows_the_creators_rows_and_nothing_else(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (vc, vh), (ec, eh) = env
    # a viewer may not create links; an editor who is not the owner neither (owner or admin only)
    assert vc.post("/api/v1/shares", json={"dashboard": "probe"}, headers=vh).status_code == 403
    # an editor cannot share as someone else
    assert (
        ec.post("/api/v1/shares", json={"dashboard": "probe", "as_user": "hd"}, headers=eh).status_code == 403
    )
    sid, tok = _share(ec, eh)
    anon = _anon(admin)
    h = {"X-Share-Token": tok}
    page = anon.get("/api/v1/public/share", headers=h)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["needs_password"] is False and body["dashboard"]["name"] == "probe"
    assert "owner" not in body["dashboard"] and "shared_roles" not in body["dashboard"]
    data = anon.post("/api/v1/public/share/data", json={}, headers=h)
    assert data.status_code == 200, data.text
    assert _regions(data.json()) == {"华南"}  # the editor's row rule, not everything
    assert "server-timing" not in data.headers  # a public link does not learn whether others asked before

    # filter options: only the dashboard's own filter fields, with the creator's rules
    vals = anon.get(f"/api/v1/public/share/fields/{REGION}/values", headers=h)
    assert vals.status_code == 200 and vals.json()["values"] == ["华南"]
    assert (
        anon.get("/api/v1/public/share/fields/customers.customer_name/values", headers=h).status_code == 404
    )
    assert anon.get("/api/v1/public/share/hierarchies/geography/values", headers=h).status_code == 404

    # the share token opens nothing else: no query, no other dashboard, no model, no writes
    for auth in ({"Authorization": f"Bearer {tok}"}, {"X-Share-Token": tok}):
        assert anon.post("/api/v1/query", json={"metrics": ["revenue"]}, headers=auth).status_code == 401
        assert anon.post("/api/v1/dashboards/other/data", json={}, headers=auth).status_code == 401
        assert anon.get("/api/v1/dashboards/probe", headers=auth).status_code == 401
        assert anon.get("/api/v1/models", headers=auth).status_code == 401
        assert anon.put("/api/v1/dashboards/probe", json=PROBE, headers=auth).status_code == 401
        assert anon.delete(f"/api/v1/shares/{sid}", headers=auth).status_code == 401
    # cross-filters only on what the clicked chart shows: no probing other fields through the KPIs
    probe = {"cross": [{"source": "by_region", "field": "customers.customer_name", "value": "x"}]}
    r = anon.post("/api/v1/public/share/data", json=probe, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "cross_filter_not_offered"
    probe = {"cross": [{"source": "rev", "field": REGION, "value": "华南"}]}
    assert anon.post("/api/v1/public/share/data", json=probe, headers=h).status_code == 400
    ok = {"cross": [{"source": "by_region", "field": REGION, "value": "华南"}]}
    assert anon.post("/api/v1/public/share/data", json=ok, headers=h).status_code == 200
    # a request cannot pick another dashboard: there is no dashboard parameter at all
    assert (
        anon.post("/api/v1/public/share/data?dashboard=other", json={}, headers=h).json()["dashboard"]["name"]
        == "probe"
    )
    # a bad or missing token is a 404, not a hint
    for bad in ("", "szs_nope", tok[:-1] + ("A" if tok[-1] != "A" else "B")):
        r = anon.get("/api/v1/public/share", headers={"X-Share-Token": bad})
        assert r.status_code == 404 and r.json()["error"]["code"] == "share_not_found"

    # views are counted; the list shows them to the owner
    listed = ec.get("/api/v1/shares?dashboard=probe", headers=eh).json()
    assert listed[0]["views"] == 1 and listed[0]["as_user"] == "ed" and listed[0]["status"] == "active"
    assert vc.get("/api/v1/shares?dashboard=probe", headers=vh).status_code == 403

    # revoked: 410 everywhere
    assert ec.delete(f"/api/v1/shares/{sid}", headers=eh).json()["status"] == "revoked"
    for r in (
        anon.get("/api/v1/public/share", headers=h),
        anon.post("/api/v1/public/share/data", json={}, headers=h),
    ):
        assert r.status_code == 410 and r.json()["error"]["code"] == "share_revoked"


def test_expired_and_lost_access(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (vc, vh), (ec, eh) = env
    sid, tok = _share(admin, ah, as_user="hd", days=1)
    anon = _anon(admin)
    h = {"X-Share-Token": tok}
    assert _regions(anon.post("/api/v1/public/share/data", json={}, headers=h).json()) == {"华东"}
    with admin.app.state.runtime.catalog.session() as s:
        s.get(ShareLink, sid).expires_at = utcnow() - dt.timedelta(seconds=1)
    r = anon.get("/api/v1/public/share", headers=h)
    assert r.status_code == 410 and r.json()["error"]["code"] == "share_expired"

    sid2, tok2 = _share(admin, ah, as_user="hd", days=0)  # 0: never expires
    h2 = {"X-Share-Token": tok2}
    assert anon.get("/api/v1/public/share", headers=h2).json()["expires_at"] is None
    # the dashboard stops being shared with viewers: the link of a viewer dies with it
    probe = {**PROBE, "shared_roles": ["editor"]}
    assert ec.put("/api/v1/dashboards/probe", json=probe, headers=eh).status_code == 200
    r = anon.post("/api/v1/public/share/data", json={}, headers=h2)
    assert r.status_code == 410 and r.json()["error"]["code"] == "share_unavailable"
    assert ec.put("/api/v1/dashboards/probe", json=PROBE, headers=eh).status_code == 200
    assert anon.get("/api/v1/public/share", headers=h2).status_code == 200
    # the user is disabled: the link stops
    assert admin.patch("/api/v1/users/hd", json={"is_active": False}, headers=ah).status_code == 200
    assert anon.get("/api/v1/public/share", headers=h2).json()["error"]["code"] == "share_unavailable"
    # bad lifetimes are refused with a reason
    r = admin.post("/api/v1/shares", json={"dashboard": "probe", "days": 99999}, headers=ah)
    assert r.status_code == 400 and r.json()["error"]["code"] == "share_bad_days"
    r = admin.post("/api/v1/shares", json={"dashboard": "probe", "as_user": "hd"}, headers=ah)
    assert r.status_code == 400 and r.json()["error"]["code"] == "share_user_cannot_view"


def test_password_and_throttle(env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin, ah, _, (ec, eh) = env
    _, tok = _share(ec, eh, password="门口-2026")
    anon = _anon(admin)
    h = {"X-Share-Token": tok}
    page = anon.get("/api/v1/public/share", headers=h).json()
    assert page["needs_password"] is True and page["dashboard"] is None
    r = anon.post("/api/v1/public/share/data", json={}, headers=h)
    assert r.status_code == 401 and r.json()["error"]["code"] == "share_password_required"
    r = anon.post("/api/v1/public/share/unlock", json={"password": "门口-2026"}, headers=h)
    assert r.status_code == 200, r.text
    grant = r.json()["grant"]
    hg = {**h, "X-Share-Grant": grant}
    assert anon.get("/api/v1/public/share", headers=hg).json()["dashboard"]["name"] == "probe"
    assert anon.post("/api/v1/public/share/data", json={}, headers=hg).status_code == 200
    # a forged or altered grant is refused
    ts, mac = grant.split(".")
    for forged in (f"{int(ts) + 3600}.{mac}", f"{ts}.{mac[:-2]}xx", "9999999999.x"):
        r = anon.post("/api/v1/public/share/data", json={}, headers={**h, "X-Share-Grant": forged})
        assert r.status_code == 401, forged
    # wrong passwords: 401, then throttled like logins (5 failures)
    codes = [
        anon.post("/api/v1/public/share/unlock", json={"password": f"guess-{i}"}, headers=h).status_code
        for i in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    r = anon.post("/api/v1/public/share/unlock", json={"password": "门口-2026"}, headers=h)
    assert (
        r.status_code == 429 and r.json()["error"]["code"] == "share_throttled" and "Retry-After" in r.headers
    )
    # a short password is refused at creation
    r = ec.post("/api/v1/shares", json={"dashboard": "probe", "password": "123"}, headers=eh)
    assert r.status_code == 400 and r.json()["error"]["code"] == "share_bad_password"


def _embed(admin, ah, **kw):  # type: ignore[no-untyped-def]
    r = admin.post("/api/v1/embed/tokens", json={"dashboard": "probe", **kw}, headers=ah)
    assert r.status_code == 201, r.text
    return r.json()


def test_embed_tokens(env) -> None:  # type: ignore[no-untyped-def]
    admin, ah, (vc, vh), (ec, eh) = env
    # only admins issue tokens (they carry any row attributes)
    assert ec.post("/api/v1/embed/tokens", json={"dashboard": "probe"}, headers=eh).status_code == 403
    assert vc.post("/api/v1/embed/tokens", json={"dashboard": "probe"}, headers=vh).status_code == 403
    # an admin's embed-scoped API token (a portal's backend) issues one without a CSRF header ...
    made = admin.post(
        "/api/v1/auth/tokens", json={"name": "portal", "expires_in_days": 1, "scope": "embed"}, headers=ah
    )
    assert made.status_code == 201 and made.json()["scope"] == "embed"
    tok = made.json()["token"]
    portal = _anon(admin)
    # ... and nothing else: no data, no model, no account routes, no minting
    bearer = {"Authorization": f"Bearer {tok}"}
    for method, path, body in (
        ("POST", "/api/v1/query", {"metrics": ["revenue"]}),
        ("POST", "/api/v1/dashboards/probe/data", {}),
        ("GET", "/api/v1/dashboards", None),
        ("GET", "/api/v1/models", None),
        ("GET", "/api/v1/auth/me", None),
        ("POST", "/api/v1/auth/tokens", {"name": "x"}),
        ("GET", f"/api/v1/fields/{REGION}/values", None),
        ("POST", "/api/v1/shares", {"dashboard": "probe"}),
    ):
        r = portal.request(method, path, json=body, headers=bearer)
        assert r.status_code == 403 and r.json()["error"]["code"] == "token_scope", (path, r.text)
    # an editor's embed-scoped token still lacks embed:issue
    etok = ec.post("/api/v1/auth/tokens", json={"name": "p", "scope": "embed"}, headers=eh).json()["token"]
    r = portal.post(
        "/api/v1/embed/tokens", json={"dashboard": "probe"}, headers={"Authorization": f"Bearer {etok}"}
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = admin.post("/api/v1/auth/tokens", json={"name": "x", "scope": "everything"}, headers=ah)
    assert r.status_code == 422
    r = portal.post(
        "/api/v1/embed/tokens",
        json={"dashboard": "probe", "attributes": {"region": "华北"}},
        headers={"Authorization": f"Bearer {tok}"},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["url"].startswith("http://127.0.0.1:8000/embed/dashboards/probe#token=sze_")
    anon = _anon(admin)
    h = {"X-Embed-Token": out["token"]}
    assert anon.get("/api/v1/embed/dashboard", headers=h).json()["name"] == "probe"
    # the guest is a viewer with the token's attributes: the row rule reads region = 华北
    assert _regions(anon.post("/api/v1/embed/data", json={}, headers=h).json()) == {"华北"}

    # without the attribute the rule reads NULL: no rows (fails closed)
    bare = {"X-Embed-Token": _embed(admin, ah)["token"]}
    assert _regions(anon.post("/api/v1/embed/data", json={}, headers=bare).json()) == set()

    # fixed filters (the rule now binds editors only, so the guest's rows are the fixed filter's):
    # applied on the server; a request's filter can only narrow them
    _rule(admin, ["editor"])
    assert len(_regions(anon.post("/api/v1/embed/data", json={}, headers=bare).json())) == 8
    fixed = _embed(admin, ah, filters={REGION: ["华东", "华南"]})
    hf = {"X-Embed-Token": fixed["token"]}
    assert _regions(anon.post("/api/v1/embed/data", json={}, headers=hf).json()) == {"华东", "华南"}
    widen = {"filters": {"region": ["华北", "西南"]}}
    assert _regions(anon.post("/api/v1/embed/data", json=widen, headers=hf).json()) == set()
    narrow = {"filters": {"region": ["华东"]}}
    assert _regions(anon.post("/api/v1/embed/data", json=narrow, headers=hf).json()) == {"华东"}
    cross = {"cross": [{"source": "by_region", "field": REGION, "value": "西北"}]}
    assert anon.post("/api/v1/embed/data", json=cross, headers=hf).json()["components"]["rev"]["result"][
        "rows"
    ] in ([], [[None]])
    vals = anon.get(f"/api/v1/embed/fields/{REGION}/values", headers=hf).json()["values"]
    assert vals == ["华东", "华南"]
    assert anon.get("/api/v1/embed/fields/customers.customer_name/values", headers=hf).status_code == 404

    # one chart: only that component answers, whatever the request asks
    one = _embed(admin, ah, component="by_region")
    h1 = {"X-Embed-Token": one["token"]}
    view = anon.get("/api/v1/embed/dashboard", headers=h1).json()
    assert [c["id"] for c in view["definition"]["components"]] == ["by_region"]
    body = anon.post("/api/v1/embed/data", json={"components": ["rev"]}, headers=h1).json()
    assert list(body["components"]) == ["by_region"]

    # tampered, re-signed elsewhere, expired: refused; no other dashboard, no /query
    t = fixed["token"]
    payload, mac = t[4:].split(".")
    import base64
    import json

    p = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    p["f"] = {}
    forged = "sze_" + base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") + "." + mac
    other_id = admin.get("/api/v1/dashboards/other", headers=ah).json()["id"]
    p2 = {**p, "d": other_id, "n": "other"}
    forged2 = "sze_" + base64.urlsafe_b64encode(json.dumps(p2).encode()).decode().rstrip("=") + "." + mac
    for bad in (forged, forged2, t[:-2] + "AA", "sze_x.y", ""):
        r = anon.post("/api/v1/embed/data", json={}, headers={"X-Embed-Token": bad})
        assert r.status_code == 401 and r.json()["error"]["code"] == "embed_token_invalid", bad
    for auth in ({"Authorization": f"Bearer {t}"}, hf):
        assert anon.post("/api/v1/query", json={"metrics": ["revenue"]}, headers=auth).status_code == 401
        assert anon.post("/api/v1/dashboards/other/data", json={}, headers=auth).status_code == 401
    # a share token is not an embed token and the other way round
    assert anon.get("/api/v1/public/share", headers={"X-Share-Token": t}).status_code == 404

    short = _embed(admin, ah, minutes=1)
    import shuzhi.delivery.embed_tokens as et

    real = et.utcnow
    try:
        et.utcnow = lambda: real() + dt.timedelta(minutes=2)  # type: ignore[assignment]
        r = anon.get("/api/v1/embed/dashboard", headers={"X-Embed-Token": short["token"]})
        assert r.status_code == 401 and r.json()["error"]["code"] == "embed_token_expired"
    finally:
        et.utcnow = real  # type: ignore[assignment]

    # bad requests are refused with a reason
    for body, code in (
        ({"filters": {"nope.x": "1"}}, "embed_bad_filters"),
        ({"component": "region"}, "embed_bad_component"),
        ({"minutes": 100000}, "embed_bad_minutes"),
        ({"attributes": {"1bad": "x"}}, "bad_attribute"),
    ):
        r = admin.post("/api/v1/embed/tokens", json={"dashboard": "probe", **body}, headers=ah)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, (body, r.text)
    # the issuer disabled: every token it issued stops
    assert (
        admin.post(
            "/api/v1/users",
            json={"username": "portal", "password": "Portal-Pass-0917", "role": "admin"},
            headers=ah,
        ).status_code
        == 201
    )
    pc = _anon(admin)
    ph = login(pc, "portal", "Portal-Pass-0917")
    pt = pc.post("/api/v1/embed/tokens", json={"dashboard": "probe"}, headers=ph).json()["token"]
    assert anon.get("/api/v1/embed/dashboard", headers={"X-Embed-Token": pt}).status_code == 200
    assert admin.patch("/api/v1/users/portal", json={"is_active": False}, headers=ah).status_code == 200
    assert anon.get("/api/v1/embed/dashboard", headers={"X-Embed-Token": pt}).status_code == 401


def test_embed_pages_have_their_own_frame_ancestors(make_client, settings) -> None:  # type: ignore[no-untyped-def]
    c = make_client(SHUZHI_EMBED_FRAME_ANCESTORS="https://portal.example.com http://127.0.0.1:9999")
    embed = c.get("/embed/dashboards/probe").headers
    app = c.get("/api/v1/health").headers
    assert (
        "frame-ancestors https://portal.example.com http://127.0.0.1:9999" in embed["content-security-policy"]
    )
    assert "x-frame-options" not in embed
    assert "frame-ancestors 'none'" in app["content-security-policy"] and app["x-frame-options"] == "DENY"
