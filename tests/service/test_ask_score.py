"""Scoring asked questions against SQL (service/ask_score.py): the right number passes, a wrong one, a
breakdown for one number, rows in another order, an answer where a question back was due all fail —
and a wrong answer shown with confidence is counted apart."""

from __future__ import annotations

from typing import Any

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service.ask_score import is_sql_set, score_set

REVENUE_2025 = ("SELECT sum(amount) FROM sales_orders WHERE status <> '已取消' "
                "AND order_date >= DATE '2025-01-01' AND order_date < DATE '2026-01-01'")


def _one(rt: Any, case: dict[str, Any]) -> Any:
    return score_set(rt, [case]).cases[0]


def test_a_right_number_passes_and_a_wrong_one_is_shown_with_confidence(ask_rt: Any) -> None:
    truth = ask_rt.warehouse(read_only=True).open().run_read_only(REVENUE_2025).column(0)[0].as_py()
    assert truth
    right = _one(ask_rt, {"q": "去年销售额", "shape": "number", "sql": REVENUE_2025})
    wrong = _one(ask_rt, {"q": "去年销售额", "shape": "number", "sql": REVENUE_2025.replace("<> '已取消'", "= '已取消'")})
    assert (right.ok, right.shown) == (True, True), right.why
    assert not wrong.ok and wrong.wrong_confident and "≠" in wrong.why


def test_a_breakdown_is_not_one_number_and_order_counts_when_asked(ask_rt: Any) -> None:
    by_region = ("SELECT c.region, sum(s.amount) AS v FROM sales_orders s JOIN customers c USING (customer_id) "
                 "WHERE s.status <> '已取消' AND s.order_date >= DATE '2025-01-01' "
                 "AND s.order_date < DATE '2026-01-01' GROUP BY 1")
    c = _one(ask_rt, {"q": "去年各大区销售额", "shape": "number", "sql": REVENUE_2025})
    assert not c.ok and "rows for one number" in c.why
    c = _one(ask_rt, {"q": "去年各大区销售额", "shape": "table", "sql": by_region})
    assert c.ok, c.why
    c = _one(ask_rt, {"q": "去年各大区销售额从高到低", "shape": "table", "ordered": True,
                      "sql": by_region + " ORDER BY v ASC"})
    assert not c.ok and c.why == "rows in another order"


def test_refuse_and_clarify_shapes(ask_rt: Any) -> None:
    c = _one(ask_rt, {"q": "员工满意度怎么样", "shape": "refuse"})
    assert c.ok and not c.shown
    c = _one(ask_rt, {"q": "去年销售额", "readings": [{"text": "x", "sql": REVENUE_2025}]})
    assert not c.ok and c.why == "answered one reading without asking"


def test_a_set_is_recognised_and_bad_cases_are_refused(ask_rt: Any) -> None:
    assert is_sql_set([{"q": "x", "shape": "number", "sql": "SELECT 1"}])
    assert not is_sql_set([{"q": "x", "expect": {}}])
    with pytest.raises(ShuzhiError) as e:
        score_set(ask_rt, [{"q": "x", "shape": "number"}])
    assert "needs sql" in e.value.en and "需要 sql" in e.value.zh
    with pytest.raises(ShuzhiError):
        score_set(ask_rt, [{"q": "x", "shape": "chart"}])
