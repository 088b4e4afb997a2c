"""POST /api/v1/ask for an innovation question: the answer (validated against AskAnswer, the OpenAPI contract) carries
the intent, the summary and the card — a small table and the page's link — with fakes of the analyses' service
functions (their exact signatures; the real ones: tests/service/ask/test_ask_innovation_real.py)."""

from __future__ import annotations

import sys
import types

import pytest

from shuzhi_testing import login


def allocate(rt, user, *, budget=None, headcount=None, must=(), exclude=()):  # type: ignore[no-untyped-def]
    return {"candidates": [{"id": "P01", "name": "谐波减速机二代", "score": 81.5, "cost": 12_000_000.0, "headcount": 10,
                            "chosen": True},
                           {"id": "P02", "name": "陶瓷轴承预研", "score": 40.0, "cost": 15_000_000.0, "headcount": 12,
                            "chosen": False}],
            "budget": budget, "headcount": headcount}


@pytest.fixture
def fake_allocate(monkeypatch):  # type: ignore[no-untyped-def]
    m = types.ModuleType("shuzhi.service.rd_allocate")
    m.allocate = allocate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shuzhi.service.rd_allocate", m)


def test_ask_an_allocation(demo_api, fake_allocate) -> None:  # type: ignore[no-untyped-def]
    client = demo_api()
    h = login(client)
    r = client.post("/api/v1/ask", json={"question": "明年3000万研发预算、25个人怎么分"}, headers=h)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["intent"] == "allocate" and a["spec"] is None and a["result"] is None and a["clarify"] is None
    assert a["summary"].startswith("¥3,000万预算、25人下建议选 1 个项目（共 2 个候选），共 ¥1,200万、10人")
    card = a["innovation"]
    assert card["link"] == "/innovation/allocate?budget=30000000&headcount=25" and card["total"] == 2
    assert card["args"] == {"budget": 30_000_000.0, "headcount": 25}
    assert card["columns"][2] == {"name": "cost", "label": "费用", "label_en": "cost", "format": "currency"}
    assert card["rows"][0] == ["谐波减速机二代", 81.5, 12_000_000.0, 10, True]
