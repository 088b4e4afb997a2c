"""Innovation questions answered by their analysis (service/ask_innovation.py), with fakes of exactly the service
functions' signatures in place of the analyses (the real ones: test_ask_innovation_real.py): the arguments read
reach the analysis, the summary is in the question's language with the analysis's numbers, the card carries a
small table and the link to the page; a missing analysis is a clear ShuzhiError; an analysis refusing its input
leaves the link and says why. Demo: scale 0.02, seed 42, today 2026-11-26."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service.ask import ask
from shuzhi.spec.resolve import UserContext

CALLS: list[tuple[str, dict[str, Any]]] = []

RISING = [{"topic": "谐波减速 柔轮", "terms": ["谐波减速", "柔轮", "齿形"], "growth": 3.2, "tech_field": "精密传动",
           "company": {"patents": 0, "share": 0.0}},
          {"topic": "力矩传感", "terms": ["力矩传感", "标定"], "growth": 1.5, "tech_field": "传感与检测"},
          {"topic": "数字孪生", "terms": ["数字孪生"], "growth": 0.8, "tech_field": "智能制造"},
          {"topic": "视觉定位", "terms": ["视觉"], "growth": 0.4, "tech_field": "智能制造"}]
WHITE = [{"subfield": "磁悬浮直线电机", "terms": ["磁悬浮", "动子"], "recent": 140, "company": {"patents": 0, "share": 0.0},
          "growth": 0.9, "evidence": {"zh": "近12个月行业申请 140 件，华精科技没有相关专利", "en": "140 industry applications"}},
         {"subfield": "陶瓷轴承", "terms": ["陶瓷"], "recent": 80, "company": {"patents": 0, "share": 0.0}, "growth": 0.4}]
CANDS = [{"id": "P01", "name": "谐波减速机二代", "score": 81.5, "cost": 12_000_000.0, "headcount": 10.0, "chosen": True,
          "parts": [{"name": "expected_value", "value": 9_000_000.0}]},
         {"id": "P02", "name": "力矩传感器", "score": 70.0, "cost": 8_000_000.0, "headcount": 8.0, "chosen": True,
          "parts": [{"name": "expected_value", "value": 5_000_000.0}]},
         {"id": "P03", "name": "陶瓷轴承预研", "score": 40.0, "cost": 15_000_000.0, "headcount": 12.0, "chosen": False,
          "parts": [{"name": "expected_value", "value": 2_000_000.0}]}]
CRITERIA = [{"name": "研发费用占营业收入比重", "name_en": "R&D expense share of revenue", "level": "小巨人", "unit": "ratio",
             "value": 0.026, "threshold": 0.03, "met": False, "applicable": True, "gap_text": "差 0.4 个百分点",
             "gap_text_en": "short by 0.4 percentage points"},
            {"name": "主营业务收入占比", "name_en": "main business share", "level": "小巨人", "unit": "ratio", "value": 0.9,
             "threshold": 0.7, "met": True, "applicable": True},
            {"name": "从事特定细分市场年限", "name_en": "years in the niche", "level": "小巨人", "unit": "年", "value": None,
             "threshold": 3, "met": None, "applicable": True},
            {"name": "研发人员占比", "name_en": "R&D staff share", "level": "专精特新", "unit": "ratio", "value": 0.2,
             "threshold": 0.1, "met": True, "applicable": True}]


def _fake(name: str, result: dict[str, Any]):  # type: ignore[no-untyped-def]
    def fn(rt, user, **kw):  # type: ignore[no-untyped-def]
        CALLS.append((name, {k: v for k, v in kw.items() if v not in (None, ())}))  # the arguments given
        return result

    return fn


def hotspots(rt, user, *, field=None, years=None):  # type: ignore[no-untyped-def]
    return _fake("hotspots", {"rising": RISING, "falling": RISING[::-1][:2], "steady": []})(rt, user, field=field, years=years)


def whitespace(rt, user, *, field=None, years=None):  # type: ignore[no-untyped-def]
    return _fake("whitespace", {"white_spaces": WHITE})(rt, user, field=field, years=years)


def allocate(rt, user, *, budget=None, headcount=None, must=(), exclude=()):  # type: ignore[no-untyped-def]
    if budget is not None and budget < 0:
        raise ShuzhiError("allocate_bad_amount", "金额不能为负。", "The amount cannot be negative.")
    return _fake("allocate", {"candidates": CANDS, "budget": budget or 25_000_000.0, "headcount": headcount or 30.0})(
        rt, user, budget=budget, headcount=headcount, must=must, exclude=exclude)


def assess(rt, user, *, year=None):  # type: ignore[no-untyped-def]
    return _fake("assess", {"criteria": CRITERIA, "year": year or 2026})(rt, user, year=year)


@pytest.fixture
def fakes(monkeypatch):  # type: ignore[no-untyped-def]
    CALLS.clear()
    for mod, fns in (("rd_hotspots", {"hotspots": hotspots, "whitespace": whitespace}),
                     ("rd_allocate", {"allocate": allocate}), ("assess", {"assess": assess})):
        m = types.ModuleType(f"shuzhi.service.{mod}")
        for k, v in fns.items():
            setattr(m, k, v)
        monkeypatch.setitem(sys.modules, f"shuzhi.service.{mod}", m)
    return CALLS


def _ask(rt, q: str, **kw):  # type: ignore[no-untyped-def]
    return ask(rt, q, UserContext.system(), **kw)


def test_hotspots_with_a_field_and_years(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "精密传动近三年哪些技术方向在升温")
    assert a["intent"] == "hotspots" and a["spec"] is None and a["result"] is None and a["confidence"] == 1.0
    assert fakes == [("hotspots", {"field": "精密传动", "years": 3})]
    assert a["summary"] == ("精密传动领域升温最快的技术方向：谐波减速 柔轮（+320%）、力矩传感（+150%）、数字孪生（+80%）。"
                            "其中我们还没有专利的：谐波减速 柔轮。")
    card = a["innovation"]
    assert card["link"] == "/innovation/hotspots?field=%E7%B2%BE%E5%AF%86%E4%BC%A0%E5%8A%A8&years=3"
    assert [c["name"] for c in card["columns"]] == ["topic", "tech_field", "terms", "growth", "company_patents",
                                                   "company_share"]
    assert card["rows"][0] == ["谐波减速 柔轮", "精密传动", "谐波减速、柔轮、齿形", 3.2, 0.0, 0.0] and card["total"] == 4
    assert card["rows"][1][-2:] == [None, None]
    assert [c["kind"] for c in a["interpretation"]] == ["analysis", "filter", "time"]


def test_hotspots_in_english_and_the_falling_ones(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "which technologies are heating up")
    assert a["summary"].startswith("Fastest-rising technology topics: 谐波减速 柔轮 (+320%), 力矩传感")
    assert a["summary"].endswith("We have no patents yet in: 谐波减速 柔轮.")
    assert a["innovation"]["link"] == "/innovation/hotspots"
    down = _ask(rt, "哪些技术在降温")
    assert down["summary"].startswith("降温最明显的技术方向：视觉定位") and down["innovation"]["rows"][0][0] == "视觉定位"


def test_whitespace(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "我们在哪些领域没有专利布局")
    assert a["intent"] == "whitespace" and fakes == [("whitespace", {})]
    assert a["summary"] == ("在磁悬浮直线电机、陶瓷轴承方向，行业申请多且在增长，我们没有专利。"
                            "最值得关注的是磁悬浮直线电机：近12个月行业申请 140 件，华精科技没有相关专利。")
    assert a["innovation"]["link"] == "/innovation/hotspots?tab=whitespace"
    assert [c["name"] for c in a["innovation"]["columns"]] == ["subfield", "terms", "growth", "recent", "company_patents",
                                                              "company_share"]
    assert a["innovation"]["rows"][0] == ["磁悬浮直线电机", "磁悬浮、动子", 0.9, 140.0, 0.0, 0.0]
    en = _ask(rt, "where do we have no patents")
    assert en["summary"].startswith("White spaces: 磁悬浮直线电机, 陶瓷轴承 — ") and "we have no patents" in en["summary"]


def test_allocate_reads_the_budget_and_the_headcount(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "预算2000万、30个人，先做哪些项目")
    assert a["intent"] == "allocate" and fakes == [("allocate", {"budget": 20_000_000.0, "headcount": 30})]
    assert a["summary"] == ("¥2,000万预算、30人下建议选 2 个项目（共 3 个候选），共 ¥2,000万、18人，"
                            "按成功率折算的预期年收入 ¥1,400万。优先：谐波减速机二代、力矩传感器。")
    card = a["innovation"]
    assert card["link"] == "/innovation/allocate?budget=20000000&headcount=30"
    assert card["rows"][0] == ["谐波减速机二代", 81.5, 12_000_000.0, 10.0, True] and card["rows"][2][-1] is False
    fakes.clear()
    en = _ask(rt, "how should we split a 30 million R&D budget")
    assert fakes == [("allocate", {"budget": 30_000_000.0})]
    assert en["summary"].startswith("With a ¥30M budget and 30 people: fund 2 of 3 candidates, costing ¥20M")
    later = _ask(rt, "那1.2亿呢", conversation=None)
    assert later["intent"] != "allocate"  # no conversation: not a follow-up


def test_a_follow_up_changes_the_budget(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    first = _ask(rt, "明年3000万研发预算怎么分")
    again = _ask(rt, "那1.2亿呢", conversation=first["conversation_id"])
    assert again["intent"] == "allocate" and fakes[-1] == ("allocate", {"budget": 120_000_000.0})


def test_assess_lists_what_is_short(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    a = _ask(rt, "我们离小巨人还差什么")
    assert a["intent"] == "assess" and fakes == [("assess", {})]
    assert a["summary"] == ("2026 年「小巨人」标准 3 项中已满足 1 项，差 1 项：研发费用占营业收入比重（差 0.4 个百分点）；"
                            "另有 1 项需要补充信息（在自评页填写）。")
    rows = a["innovation"]["rows"]
    assert rows[0] == ["研发费用占营业收入比重", "2.60%", "3.00%", False, "差 0.4 个百分点"] and len(rows) == 3
    assert a["innovation"]["link"] == "/innovation/assess"
    en = _ask(rt, "do we qualify as a little giant in 2025")
    assert fakes[-1] == ("assess", {"year": 2025})
    assert en["summary"].startswith("little giant (2025): 1 of 3 criteria met; short on 1: R&D expense share of revenue "
                                    "(short by 0.4 percentage points)")
    prov = _ask(rt, "能评上专精特新吗")
    assert prov["innovation"]["total"] == 1 and prov["summary"].startswith("2026 年专精特新标准 1 项中已满足 1 项")


def test_a_refused_input_keeps_the_link(rt, fakes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(rt, user, *, budget=None, headcount=None, must=(), exclude=()):  # type: ignore[no-untyped-def]
        raise ShuzhiError("allocate_no_capacity", "没有 rd_capacity 数据。", "There is no rd_capacity data.")

    monkeypatch.setattr(sys.modules["shuzhi.service.rd_allocate"], "allocate", refuse)
    a = _ask(rt, "哪些项目值得立项")
    assert a["summary"] == "无法计算：没有 rd_capacity 数据。"
    assert a["innovation"]["link"] == "/innovation/allocate" and a["innovation"]["rows"] == []


def test_a_missing_analysis_is_a_clear_error(rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "shuzhi.service.assess", None)  # as if the module were not installed
    with pytest.raises(ShuzhiError) as exc:
        _ask(rt, "我们离小巨人还差什么")
    assert exc.value.code == "analysis_unavailable" and exc.value.status == 501
    assert "专精特新自评" in exc.value.zh and "shuzhi.service.assess.assess" in exc.value.en


def test_ordinary_questions_are_untouched(rt, fakes) -> None:  # type: ignore[no-untyped-def]
    for q in ("专利申请数按年", "研发投入是多少", "各技术领域的专利数"):
        a = _ask(rt, q)
        assert a["intent"] == "query" and a["innovation"] is None and a["result"] is not None
    assert fakes == []
