"""POST /api/v1/ask beyond one query: why, yes/no and summaries; a clarification and `choice`."""

from __future__ import annotations

import pytest

import shuzhi.ai.nl as nl
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


def _clarifying(monkeypatch: pytest.MonkeyPatch) -> None:
    real = nl.parse_question

    def parse(question, lex, today=None, previous=None):  # type: ignore[no-untyped-def]
        r = real("上个月销售额", lex, today=today, previous=previous)
        r.clarify = {"text": "「卖了多少」指的是？", "text_en": "Sold how much of what?", "choices": [
            {"text": "销售额", "text_en": "revenue", "spec": r.spec},
            {"text": "销量", "text_en": "units sold", "spec": {**r.spec, "metrics": ["sales_quantity"]}}]}
        r.spec, r.chart = None, None
        return r

    monkeypatch.setattr(nl, "parse_question", parse)


def test_a_clarification_then_a_choice(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    _clarifying(monkeypatch)
    a = client.post("/api/v1/ask", json={"question": "上个月卖了多少"}, headers=h).json()
    assert a["clarify"]["text"] == "「卖了多少」指的是？" and len(a["clarify"]["choices"]) == 2
    assert a["spec"] is None and a["result"] is None and a["summary"] is None
    two = client.post("/api/v1/ask", json={"question": "上个月卖了多少", "choice": 2}, headers=h).json()
    assert two["spec"]["metrics"] == ["sales_quantity"] and two["result"]["rows"] and two["clarify"] is None
    assert two["summary"].startswith("2026年10月销量") or two["summary"].startswith("2026年10月")
    for bad in (0, 3):
        r = client.post("/api/v1/ask", json={"question": "上个月卖了多少", "choice": bad}, headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_choice"
        assert "1 到 2" in r.json()["error"]["message"]
        en = client.post("/api/v1/ask", json={"question": "上个月卖了多少", "choice": bad},
                         headers={**h, "Accept-Language": "en"}).json()
        assert en["error"]["message"] == f"choice (--choice) must be between 1 and 2, not {bad}."


def test_a_choice_for_a_question_without_choices_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/ask", json={"question": "上个月销售额", "choice": 1}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_choice" and "不需要选择" in r.json()["error"]["message"]
