"""POST /api/v1/ask beyond one query: why, yes/no and summaries; a clarification and `choice`."""

from __future__ import annotations

import pytest

from shuzhi_testing import login


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api()


def test_ask_why_yesno_and_summary(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    why = client.post("/api/v1/ask", json={"question": "为什么9月销售额下降了"}, headers=h).json()
    assert why["intent"] == "why" and why["explanation"]["to"]["period"] == "2026-09"
    assert why["explanation"]["dimensions"] and why["summary"].startswith("2026-09 对比 2026-08")
    yn = client.post("/api/v1/ask", json={"question": "did gross margin exceed 1% this year"}, headers=h).json()
    assert yn["intent"] == "yesno" and yn["yesno"]["answer"] is True and yn["yesno"]["threshold"] == 0.01
    assert yn["summary"].startswith("Yes. Gross Margin was ")
    q = client.post("/api/v1/ask", json={"question": "上个月销售额"}, headers=h).json()
    assert q["intent"] == "query" and q["summary"].startswith("2026年10月销售额 ¥")


def test_a_clarification_then_a_choice(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    q = "上个月海外的销售额"  # 海外 is a channel and a region: a question back, nothing run
    a = client.post("/api/v1/ask", json={"question": q}, headers=h).json()
    assert "渠道" in a["clarify"]["text"] and "大区" in a["clarify"]["text"] and len(a["clarify"]["choices"]) == 2
    assert a["spec"] is None and a["result"] is None and a["summary"] is None
    picks = {}
    for n in (1, 2):
        got = client.post("/api/v1/ask", json={"question": q, "choice": n}, headers=h).json()
        assert got["spec"]["metrics"] == ["revenue"] and got["result"] is not None and got["clarify"] is None
        assert got["summary"].startswith("2026年10月销售额")
        picks[n] = got["spec"]["where"][0]["field"]
    assert {picks[1], picks[2]} == {"sales_orders.channel", "customers.region"}
    for bad in (0, 3):
        r = client.post("/api/v1/ask", json={"question": q, "choice": bad}, headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_choice"
        assert "1 到 2" in r.json()["error"]["message"]
        en = client.post("/api/v1/ask", json={"question": q, "choice": bad},
                         headers={**h, "Accept-Language": "en"}).json()
        assert en["error"]["message"] == f"choice (--choice) must be between 1 and 2, not {bad}."


def test_a_choice_for_a_question_without_choices_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/ask", json={"question": "上个月销售额", "choice": 1}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_choice" and "不需要选择" in r.json()["error"]["message"]
