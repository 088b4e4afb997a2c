"""The per-field signal of the allocation: growth of others' applications, the company's share, 0–1."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.ai.innovation.field_signal import field_signals, from_hotspots, window


def test_window_leaves_out_a_quarter_cut_short() -> None:
    assert window(dt.date(2026, 10, 31)) == (dt.date(2024, 10, 1), dt.date(2025, 10, 1), dt.date(2026, 10, 1))
    assert window(dt.date(2026, 9, 30)) == (dt.date(2024, 10, 1), dt.date(2025, 10, 1), dt.date(2026, 10, 1))


def test_growth_share_and_signal() -> None:
    q_old, q_new, q_out = dt.date(2025, 1, 1), dt.date(2026, 4, 1), dt.date(2023, 1, 1)
    rows = [
        {"tech_field": "A", "applicant": "X", "quarter": q_old, "n": 10},
        {"tech_field": "A", "applicant": "X", "quarter": q_new, "n": 30},  # triples
        {"tech_field": "A", "applicant": "华精科技", "quarter": q_new, "n": 0},
        {"tech_field": "B", "applicant": "X", "quarter": q_old, "n": 20},
        {"tech_field": "B", "applicant": "X", "quarter": q_new, "n": 20},  # flat
        {"tech_field": "B", "applicant": "华精科技", "quarter": q_new, "n": 10},
        {"tech_field": "B", "applicant": "X", "quarter": q_out, "n": 999},  # before the window
    ]
    out = field_signals(rows, dt.date(2026, 9, 30), "华精科技")
    assert out["A"]["growth"] == pytest.approx(2.0) and out["B"]["growth"] == 0.0
    assert out["A"]["share"] == 0.0 and out["B"]["share"] == pytest.approx(10 / 50)
    assert out["A"]["signal"] == pytest.approx(1.0) and out["B"]["signal"] == pytest.approx(0.0)
    assert (out["A"]["recent"], out["A"]["previous"], out["B"]["company"]) == (30, 10, 10)


def test_from_the_hot_spot_analysis() -> None:
    out = from_hotspots({
        "A": {"industry_growth": 0.5, "company_share": 0.1, "white_space": False},
        "B": {"industry_growth": -0.1, "company_share": 0.2, "white_space": True},
        "C": {"industry_growth": None, "industry_recent": 0, "company_share": 0.0, "white_space": False}})
    assert out["A"]["signal"] == pytest.approx(0.6 * 1 + 0.4 * 0.5)
    assert out["B"]["parts"]["gap"] == 1.0 and out["B"]["source"] == "rd_hotspots"
    assert out["C"]["growth"] == 0.0 and out["A"]["industry_growth"] == 0.5
