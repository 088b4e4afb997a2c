"""The 专精特新 rules on made-up numbers: the criteria file, revenue bands, gaps in money and count,
three-valued logic for unknown inputs and alternative routes, safe formulas, typed answers."""

from __future__ import annotations

from typing import Any

import pytest

from shuzhi.ai.innovation.assess_eval import evaluate, evaluate_expr, names_in
from shuzhi.ai.innovation.assess_rules import CATEGORIES, LEVELS, coerce_answer, fact_specs, load_rules
from shuzhi.errors import ShuzhiError

RULES = load_rules()


def _facts(**kw: float | None) -> dict[str, float | None]:
    """Facts by name; R&D intensity (the model's rd_intensity) follows from R&D expense and revenue."""
    base = {n: None for n in RULES.fact_names()}
    base.update(kw)
    for i in (1, 2):
        rd, rev = base.get(f"rd_spend_y{i}"), base.get(f"revenue_y{i}")
        if f"rd_intensity_y{i}" not in kw:
            base[f"rd_intensity_y{i}"] = rd / rev if rd is not None and rev else None
    return base


def _rows(facts: dict[str, Any], answers: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in evaluate(RULES, facts, answers or {})["criteria"]}


def test_the_rules_file_is_complete() -> None:
    ids = [c.id for c in RULES.criteria]
    assert len(ids) == len(set(ids)) >= 20
    for c in RULES.criteria:
        assert c.level in LEVELS and c.category in CATEGORIES
        assert c.source.doc and c.source.clause and c.source.text
        assert "2022〕63号" in c.source.doc or "2011〕300号" in c.source.doc
    assert {c.level for c in RULES.criteria} == set(LEVELS)
    assert {"专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品"} <= {c.category for c in RULES.criteria}


@pytest.mark.parametrize(("revenue", "threshold", "applies"), [
    (1.5e8, 0.03, True), (1.0e8, 0.03, True),      # 1亿元以上: 3 %
    (9.9e7, 0.06, True), (5.0e7, 0.06, True),      # 5000万—1亿元: 6 %
    (4.99e7, None, False),                         # under 5000万: the equity / R&D total / staff route instead
])
def test_rd_share_threshold_by_last_years_revenue_band(revenue: float, threshold: float | None, applies: bool) -> None:
    rows = _rows(_facts(revenue_y1=revenue, revenue_y2=revenue * 0.9, rd_spend_y1=revenue * 0.04,
                        rd_spend_y2=revenue * 0.9 * 0.05))
    for cid in ("n_rd_share_y1", "n_rd_share_y2"):  # both years take the band of LAST year's revenue
        assert rows[cid]["threshold"] == threshold and rows[cid]["applicable"] is applies
    for cid in ("n_small_equity", "n_small_rd_total", "n_small_rd_staff"):
        assert rows[cid]["applicable"] is (not applies)
    if threshold == 0.03:
        assert rows["n_rd_share_y1"]["met"] is True and rows["n_rd_share_y2"]["met"] is True
    if threshold == 0.06:
        assert rows["n_rd_share_y1"]["met"] is None  # 4 % < 6 %, but 创新直通 is not answered yet
        assert rows["n_rd_share_y1"]["gap"] == pytest.approx(0.02 * revenue)


def test_gap_in_money_and_in_count() -> None:
    rows = _rows(_facts(revenue_y1=1.2e8, revenue_y2=1.1e8, rd_spend_y1=2.28e6, rd_spend_y2=4e6,
                        ip1_patents=3, ip1_applied=1), {"innovation_direct": False})
    r = rows["n_rd_share_y1"]
    assert r["value"] == pytest.approx(0.019) and r["met"] is False
    assert r["gap"] == pytest.approx(0.03 * 1.2e8 - 2.28e6) and r["gap_unit"] == "元"
    assert r["gap_text"] == "研发费用差 132.0万元" and r["gap_text_en"] == "R&D expense short by 1.32 million yuan"
    assert rows["n_rd_share_y2"]["met"] is True and rows["n_rd_share_y2"]["gap"] is None
    ip = rows["n_ip1"]
    assert ip["value"] == 1 and ip["met"] is False and ip["gap"] == 1 and ip["gap_text"] == "还差 1 项"
    p = rows["p_rd_share"]  # 1.9 % < 3 %, the provincial rule has no other route
    assert p["met"] is False and p["gap"] == pytest.approx(0.03 * 1.2e8 - 2.28e6)


def test_main_growth_gap_is_the_revenue_that_reaches_the_threshold() -> None:
    f = _facts(main_revenue_y1=100.0, main_revenue_y2=100.0, main_revenue_y3=110.0, revenue_y1=100.0)
    r = _rows(f)["n_main_growth"]
    assert r["value"] == pytest.approx((0 + (100 / 110 - 1)) / 2) and r["met"] is False
    needed = 100.0 + r["gap"]
    f2 = {**f, "main_revenue_y1": needed}
    assert evaluate_expr(RULES.criteria[[c.id for c in RULES.criteria].index("n_main_growth")].formula, f2) \
        == pytest.approx(0.05, abs=1e-4)


def test_unknowns_and_alternatives_are_three_valued() -> None:
    rows = _rows(_facts(revenue_y1=2e7))
    assert rows["p_niche"]["value"] is None and rows["p_niche"]["met"] is None
    assert rows["p_niche"]["needs"] == ["years_in_niche"]
    assert rows["n_sme"]["met"] is True  # revenue alone decides: 2000万 < 4亿
    big = _rows(_facts(revenue_y1=5e8))
    assert big["n_sme"]["met"] is None  # over 4亿: fewer than 1000 employees would still do, not answered
    assert _rows(_facts(revenue_y1=5e8), {"employees": 800})["n_sme"]["met"] is True
    assert _rows(_facts(revenue_y1=5e8), {"employees": 1200})["n_sme"]["met"] is False
    # a route the rules allow: 创新直通 makes the innovation criteria met, and says so
    direct = _rows(_facts(revenue_y1=1.2e8, rd_spend_y1=1e6), {"innovation_direct": True})["n_rd_share_y1"]
    assert direct["met"] is True and direct["via_alternative"] is True and direct["gap"] > 0
    assert _rows(_facts(revenue_y1=1e6), {"equity_financing_2y": 3e7})["p_revenue"]["met"] is True
    # a year without data: no value, no verdict for that criterion
    assert _rows(_facts(revenue_y1=1e8, rd_spend_y1=None))["p_rd_share"]["no_data"] == ["rd_intensity_y1"]


def test_verdict_per_level() -> None:
    answers = {"years_in_niche": 6, "provincial_score": 72}
    facts = _facts(revenue_y1=3e7, rd_spend_y1=1.2e6, rd_spend_y2=1e6)
    levels = {lv["level"]: lv for lv in evaluate(RULES, facts, answers)["summary"]["levels"]}
    assert levels["专精特新"]["verdict"] == "met" and levels["专精特新"]["met"] == 6
    # 3000万 revenue: the small-company route; 220万 of R&D in 2 years < 3000万, but 创新直通 is unanswered
    assert levels["小巨人"]["verdict"] == "incomplete"
    no_direct = evaluate(RULES, facts, {**answers, "innovation_direct": False})["summary"]["levels"][1]
    assert no_direct["verdict"] == "not_met" and no_direct["not_met"] == 1
    low = evaluate(RULES, _facts(revenue_y1=3e7, rd_spend_y1=5e5, rd_spend_y2=1e6), answers)["summary"]["levels"][0]
    assert low["verdict"] == "not_met" and low["not_met"] == 2  # 50万 < 100万 and 1.7 % < 3 %
    assert [x["id"] for x in low["short"]] == ["p_rd_amount", "p_rd_share"] and low["short"][0]["gap_text"] == "研发费用差 50.0万元"
    unknown = evaluate(RULES, facts, {})["summary"]["levels"][0]
    assert unknown["verdict"] == "incomplete" and unknown["unknown"] == 2
    # the score, or any of the other routes of p_score, would settle it
    assert unknown["to_answer"] == ["chuangke_500", "equity_financing_2y", "provincial_award", "provincial_score",
                                    "years_in_niche"] and unknown["short"] == []


def test_formulas_are_a_small_safe_language() -> None:
    assert names_in("(a + b) / 2 >= c or not d") == {"a", "b", "c", "d"}
    assert evaluate_expr("a / b", {"a": 1.0, "b": 0.0}) is None
    assert evaluate_expr("a or b", {"a": None, "b": True}) is True
    assert evaluate_expr("a and b", {"a": None, "b": False}) is False
    assert evaluate_expr("max(a, 2) * 2", {"a": 3.0}) == 6
    for bad in ("__import__('os')", "a.b", "a[0]", "'x'", "lambda: 1", "open('f')"):
        with pytest.raises(ShuzhiError) as e:
            names_in(bad)
        assert e.value.code == "bad_assess_formula"


def test_answers_are_typed_as_people_type_them() -> None:
    assert coerce_answer(RULES, "rd_staff_share", "35%") == pytest.approx(0.35)
    assert coerce_answer(RULES, "rd_staff_share", 0.35) == pytest.approx(0.35)
    assert coerce_answer(RULES, "equity_financing_2y", "3000万") == pytest.approx(3e7)
    assert coerce_answer(RULES, "equity_financing_2y", "1.5亿") == pytest.approx(1.5e8)
    assert coerce_answer(RULES, "rd_institution", "是") is True and coerce_answer(RULES, "own_brand", "no") is False
    assert coerce_answer(RULES, "employees", "320") == 320
    assert coerce_answer(RULES, "main_business", "伺服电机，精密减速机") == ["伺服电机", "精密减速机"]
    assert coerce_answer(RULES, "years_in_niche", None) is None
    for key, value, code in [("no_such_item", 1, "unknown_assess_item"), ("employees", "abc", "bad_assess_answer"),
                             ("employees", 3.5, "bad_assess_answer"), ("rd_institution", "maybe", "bad_assess_answer"),
                             ("years_in_niche", True, "bad_assess_answer"), ("rd_staff_share", 1.5, "assess_answer_out_of_range"),
                             ("years_in_niche", -1, "assess_answer_out_of_range"), ("main_business", [], "bad_assess_answer"),
                             ("provincial_score", "nan", "bad_assess_answer")]:
        with pytest.raises(ShuzhiError) as e:
            coerce_answer(RULES, key, value)
        assert e.value.code == code and e.value.status == 422, (key, value)
        assert e.value.zh and e.value.en


def test_fact_specs_read_the_years_before_the_assessment_year() -> None:
    specs = {name: (years, spec) for name, years, spec in fact_specs(RULES, 2026, ["伺服电机"])}
    years, rev = specs["revenue"]
    assert years == 3 and rev["time_range"] == {"field": "time", "start": "2023-01-01", "end": "2025-12-31"}
    assert specs["main_revenue"][1]["where"] == [{"field": "products.product_line", "op": "in", "values": ["伺服电机"]}]
    years, ip = specs["ip1_applied"]
    assert years is None and {"field": "patents.grant_date", "op": "<=", "value": "2025-12-31"} in ip["where"]
    assert {"field": "patents.commercialized", "op": "=", "value": True} in ip["where"]


def test_a_broken_rules_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = load_rules.__globals__["RULES_FILE"].read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_text(text.replace("formula: rd_intensity_y1", "formula: rd_spend_y1 / turnover_y1", 1),
                   encoding="utf-8")
    with pytest.raises(ShuzhiError) as e:
        load_rules(bad)
    assert e.value.code == "bad_assess_rules" and "turnover_y1" in e.value.en
