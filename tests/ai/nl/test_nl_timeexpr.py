"""Time expressions, today = Thursday 2026-11-26: every listed expression → exact dates."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.ai.nl.lexicon import normalize
from shuzhi.ai.nl.timeexpr import find_time

T = dt.date(2026, 11, 26)

CASES = {
    "今天": ("2026-11-26", "2026-11-26"), "昨天": ("2026-11-25", "2026-11-25"),
    "本周": ("2026-11-23", "2026-11-26"), "上周": ("2026-11-16", "2026-11-22"),
    "本月": ("2026-11-01", "2026-11-26"), "上个月": ("2026-10-01", "2026-10-31"),
    "本季度": ("2026-10-01", "2026-11-26"), "上季度": ("2026-07-01", "2026-09-30"),
    "Q3": ("2026-07-01", "2026-09-30"), "三季度": ("2026-07-01", "2026-09-30"),
    "今年": ("2026-01-01", "2026-11-26"), "去年": ("2025-01-01", "2025-12-31"),
    "前年": ("2024-01-01", "2024-12-31"), "2025年": ("2025-01-01", "2025-12-31"),
    "2025年3月": ("2025-03-01", "2025-03-31"), "上半年": ("2026-01-01", "2026-06-30"),
    "下半年": ("2026-07-01", "2026-12-31"), "近7天": ("2026-11-20", "2026-11-26"),
    "近三个月": ("2026-08-01", "2026-10-31"), "最近12个月": ("2025-11-01", "2026-10-31"),
    "年初至今": ("2026-01-01", "2026-11-26"),
    "today": ("2026-11-26", "2026-11-26"), "yesterday": ("2026-11-25", "2026-11-25"),
    "this week": ("2026-11-23", "2026-11-26"), "last week": ("2026-11-16", "2026-11-22"),
    "this month": ("2026-11-01", "2026-11-26"), "last month": ("2026-10-01", "2026-10-31"),
    "this quarter": ("2026-10-01", "2026-11-26"), "last quarter": ("2026-07-01", "2026-09-30"),
    "Q3 2025": ("2025-07-01", "2025-09-30"), "this year": ("2026-01-01", "2026-11-26"),
    "last year": ("2025-01-01", "2025-12-31"), "2025": ("2025-01-01", "2025-12-31"),
    "March 2025": ("2025-03-01", "2025-03-31"), "first half": ("2026-01-01", "2026-06-30"),
    "year to date": ("2026-01-01", "2026-11-26"), "past 7 days": ("2026-11-20", "2026-11-26"),
    "last 3 months": ("2026-08-01", "2026-10-31"), "last 12 months": ("2025-11-01", "2026-10-31"),
    "2025年第三季度": ("2025-07-01", "2025-09-30"), "今年1-10月": ("2026-01-01", "2026-10-31"),
    "2025年1月到6月": ("2025-01-01", "2025-06-30"), "去年下半年": ("2025-07-01", "2025-12-31"),
    "H1 2025": ("2025-01-01", "2025-06-30"), "2025-03": ("2025-03-01", "2025-03-31"),
    "近一年": ("2025-11-01", "2026-10-31"), "12月": ("2025-12-01", "2025-12-31"),
}


@pytest.mark.parametrize("expr", list(CASES))
def test_ranges(expr: str) -> None:
    hits = find_time(normalize(expr), T)
    assert len(hits) == 1 and hits[0].kind == "range", hits
    s, e = hits[0].dates(T)
    assert (s.isoformat(), e.isoformat()) == CASES[expr]
    assert hits[0].end - hits[0].start == len(normalize(expr))


@pytest.mark.parametrize("expr,grain", [("按月", "month"), ("每月", "month"), ("月度", "month"), ("monthly", "month"),
                                        ("按周", "week"), ("weekly", "week"), ("按季度", "quarter"),
                                        ("quarterly", "quarter"), ("按年", "year"), ("yearly", "year"),
                                        ("按天", "day"), ("daily", "day")])
def test_grains(expr: str, grain: str) -> None:
    hits = find_time(expr, T)
    assert [(h.kind, h.grain) for h in hits] == [("grain", grain)]


@pytest.mark.parametrize("expr", ["去年同期", "same period last year"])
def test_same_period(expr: str) -> None:
    assert [h.kind for h in find_time(expr, T)] == ["same_period"]


def test_words_that_are_not_time() -> None:
    assert find_time("may i see revenue", T) == []
    assert [h.kind for h in find_time("上个月各产品线销售额", T)] == ["range"]
