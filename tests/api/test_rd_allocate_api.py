"""POST /api/v1/rd/allocate over a small demo: the body is the service's answer, bad input is a 4xx."""

from __future__ import annotations

import pytest

from shuzhi_testing import login


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api(scale=0.02, seed=8)


def test_allocate_api(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/rd/allocate", json={"budget": "3000万", "headcount": 40}, headers=h)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["budget"] == 30_000_000 and out["totals"]["cost"] <= 30_000_000 and out["totals"]["headcount"] <= 40
    first = out["candidates"][0]
    assert {"id", "name", "score", "cost", "headcount", "chosen", "parts", "success"} <= set(first)
    assert [p["name"] for p in first["parts"]] == ["strategic_fit", "expected_value", "risk", "field_signal"]

    one, two = [c["id"] for c in out["candidates"] if c["kind"] == "proposal"][:2]
    r = client.post("/api/v1/rd/allocate", json={"budget": 30_000_000, "headcount": 40, "must": [one],
                                                  "exclude": [two]}, headers=h)
    assert r.status_code == 200, r.text
    by = {c["id"]: c for c in r.json()["candidates"]}
    assert by[one]["chosen"] and not by[two]["chosen"] and not r.json()["keep_running"]

    default = client.post("/api/v1/rd/allocate", json={}, headers=h)
    assert default.status_code == 200 and default.json()["capacity"]["plan_year"] > 2026

    ids = [c["id"] for c in out["candidates"] if c["kind"] == "proposal"][:6]
    r = client.post("/api/v1/rd/allocate", json={"budget": "10万", "headcount": 1, "must": ids},
                    headers={**h, "Accept-Language": "en"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "allocate_must_infeasible"
    assert "must-fund" in r.json()["error"]["message"]
    r = client.post("/api/v1/rd/allocate", json={"budget": "10万", "headcount": 1, "must": ids}, headers=h)
    assert "必选项目" in r.json()["error"]["message"]
    for body, status in (({"budget": "很多"}, 400), ({"must": ["NOPE"]}, 400), ({"headcount": -1}, 422),
                         ({"budget": "x" * 50}, 422), ({"budget": "1" * 50}, 400), ({"weights": {"luck": 1}}, 400), ({"extra": 1}, 422),
                         ({"prior_strength": 0}, 422)):
        r = client.post("/api/v1/rd/allocate", json=body, headers=h)
        assert r.status_code == status, (body, r.text)
    assert client.post("/api/v1/rd/allocate", json={}).status_code in (401, 403)
