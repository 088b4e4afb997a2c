"""Bounded work (issue 12): integer parameters, body size, spec size, insight size, xlsx expansion,
server paths in errors, cancellable jobs. Each test reproduces a finding and checks the fix."""

from __future__ import annotations

import pytest

from shuzhi_testing import login

HUGE = 2**63  # one past the largest signed 64-bit integer


@pytest.fixture
def admin(make_client):  # type: ignore[no-untyped-def]
    c = make_client()
    return c, login(c)


def test_ids_past_int64_are_a_422_not_a_500(admin) -> None:  # type: ignore[no-untyped-def]
    c, h = admin
    calls = [("get", f"/api/v1/alerts/{HUGE}"), ("patch", f"/api/v1/alerts/{HUGE}"),
             ("delete", f"/api/v1/alerts/{HUGE}"), ("post", f"/api/v1/alerts/{HUGE}/check"),
             ("get", f"/api/v1/alerts/{HUGE}/firings"), ("post", f"/api/v1/inbox/{HUGE}/read"),
             ("delete", f"/api/v1/auth/tokens/{HUGE}"), ("get", f"/api/v1/jobs/{HUGE}"),
             ("post", f"/api/v1/jobs/{HUGE}/cancel"), ("get", f"/api/v1/jobs?limit={HUGE}"),
             ("post", f"/api/v1/dashboards/x/versions/{HUGE}/restore"),
             ("post", f"/api/v1/datasets/x/versions/{HUGE}/restore"),
             ("post", f"/api/v1/metrics/x/versions/{HUGE}/restore"),
             ("post", f"/api/v1/models/x/versions/{HUGE}/restore"),
             ("get", f"/api/v1/extracts/x/runs?limit={HUGE}")]
    for method, url in calls:
        kw = {"json": {}} if method in ("patch",) else {}
        r = getattr(c, method)(url, headers=h, **kw)
        assert r.status_code == 422, (method, url, r.status_code, r.text[:200])
        assert r.json()["error"]["code"] == "invalid_request"


def test_request_body_over_the_limit_is_a_bilingual_413(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(SHUZHI_BODY_MAX_MB="1")
    h = login(c)
    big = {"metrics": ["revenue"], "where": [{"field": "region", "op": "in", "values": ["x" * 100] * 20_000}]}
    r = c.post("/api/v1/query", json=big, headers=h)  # ~2 MB with a Content-Length
    assert r.status_code == 413, r.text[:300]
    assert r.json()["error"]["code"] == "body_too_large" and "1 MB" in r.json()["error"]["message"]
    r = c.post("/api/v1/query", json=big, headers={**h, "Accept-Language": "en"})
    assert "larger than the limit of 1 MB" in r.json()["error"]["message"]

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):  # no Content-Length: counted while streaming
            yield b" " * 65536

    r = c.post("/api/v1/query", content=chunks(), headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large", r.text[:300]


def test_uploads_have_their_own_limit(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(SHUZHI_BODY_MAX_MB="1", SHUZHI_UPLOAD_MAX_MB="2")
    h = login(c)
    rows = "".join(f"{i},name{i:06d},{i * 3}\n" for i in range(70_000))  # ~1.5 MB: over the JSON limit
    r = c.post("/api/v1/imports/preview", files={"file": ("t.csv", "id,name,v\n" + rows)}, headers=h)
    assert r.status_code == 200, r.text[:300]
    r = c.post("/api/v1/imports/preview", files={"file": ("t.csv", "id,name,v\n" + rows * 3)}, headers=h)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_too_large", r.text[:300]


def _deep(levels: int) -> dict:  # type: ignore[type-arg]
    node: dict = {"field": "region", "op": "=", "value": "华东"}  # type: ignore[type-arg]
    for _ in range(levels):
        node = {"not": node}
    return node


def test_spec_size_limits_give_short_errors(admin) -> None:  # type: ignore[no-untyped-def]
    c, h = admin
    cases = {
        "deep where": {"metrics": ["revenue"], "where": [_deep(300)]},
        "deep having": {"metrics": ["revenue"], "having": [_deep(300)]},
        "in list": {"metrics": ["revenue"], "where": [{"field": "region", "op": "in", "values": list(range(10_001))}]},
        "in list as value": {"metrics": ["revenue"], "where": [{"field": "region", "op": "in",
                                                               "value": list(range(10_001))}]},
        "many nodes": {"metrics": ["revenue"], "where": [{"or": [{"field": "region", "op": "=", "value": 1}] * 600}] * 2},
        "many metrics": {"metrics": [f"m{i}" for i in range(51)]},
        "many dimensions": {"metrics": ["revenue"], "dimensions": [f"d{i}" for i in range(21)]},
        "long time zone": {"metrics": ["revenue"], "timezone": "x" * 100_000},
    }
    for name, spec in cases.items():
        r = c.post("/api/v1/query", json=spec, headers=h)
        assert r.status_code in (400, 422), (name, r.status_code)
        assert len(r.content) < 1000, (name, len(r.content), r.text[:300])
    r = c.post("/api/v1/query", json=cases["deep where"], headers={**h, "Accept-Language": "en"})
    assert "nested at most 20 levels" in r.json()["error"]["details"][0]["problem"]
    # request models that embed filter trees (insights) and plain body validation are short too
    for body in ({"metric": "revenue", "where": [_deep(300)]},
                 {"metric": "revenue", "where": [{"field": "region", "op": "in", "values": list(range(10_001))}]},
                 {"metric": "revenue", "where": [{"bad": i} for i in range(50)]}):
        r = c.post("/api/v1/anomalies", json=body, headers=h)
        assert r.status_code in (400, 422) and len(r.content) < 2000, (r.status_code, len(r.content), r.text[:300])


def test_specs_at_the_limits_still_work(make_client, settings) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.spec.query_spec import MAX_IN_VALUES, parse_spec

    spec = parse_spec({"metrics": ["revenue"], "where": [_deep(19)],
                       "having": [{"field": "revenue", "op": "in", "value": list(range(MAX_IN_VALUES))}]})
    assert spec.having[0].values is not None and len(spec.having[0].values) == MAX_IN_VALUES
