"""POST /api/v1/ask: questions become specs, answers respect row rules, follow-ups refine."""

from __future__ import annotations

import pytest

from shuzhi_testing import login, restricted_viewer


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api()


def test_ask_answers_with_spec_chart_and_chips(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/ask", json={"question": "上个月华东区各产品线销售额"}, headers=h)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["spec"]["metrics"] == ["revenue"]
    assert a["spec"]["time_range"] in ({"field": "time", "relative": "last_month"},
                                       {"field": "time", "start": "2026-10-01", "end": "2026-10-31"})
    assert {"field": "customers.region", "op": "=", "value": "华东"} in a["spec"]["where"] or any(
        w.get("values") == ["华东"] for w in a["spec"]["where"])
    assert a["chart"]["type"] in ("bar", "pie") and a["interpretation"]
    assert [c["name"] for c in a["result"]["columns"]][-1] == "revenue" and a["result"]["rows"]
    follow = client.post("/api/v1/ask", json={"question": "再按月看", "conversation_id": a["conversation_id"]},
                         headers=h).json()
    assert any(isinstance(d, dict) and d.get("grain") == "month" for d in follow["spec"]["dimensions"])


def test_ask_not_understood_says_so(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    a = client.post("/api/v1/ask", json={"question": "火星上的天气怎么样"}, headers=h).json()
    assert a["spec"] is None and a["result"] is None and a["unknown"]


def test_ask_applies_row_rules(client) -> None:  # type: ignore[no-untyped-def]
    v, vh, _ = restricted_viewer(client, "south", "华南")
    a = v.post("/api/v1/ask", json={"question": "各大区销售额"}, headers=vh).json()
    assert [r[0] for r in a["result"]["rows"]] == ["华南"]
