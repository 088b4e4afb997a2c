"""ai.innovation.efficiency and ai.innovation.budget on hand-made numbers (no warehouse).

What this protects: only whole quarters are fitted; new-product revenue is split by the spend of the
industrialised projects of a line (all projects when none is industrialised, never spread when no project
serves the line); the lag fit finds a lag planted in synthetic data and ignores a trend all fields share;
too little data claims no lag; the budget flags follow the documented rules, partial history included.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shuzhi.ai.innovation.budget import budget_check, check_project, planned_share
from shuzhi.ai.innovation.efficiency import (
    FunnelInputs,
    attribute_revenue,
    best_lag,
    full_quarters,
    funnel,
    lag_fit,
    line_shares,
)

D = dt.date


def test_full_quarters_drop_partial_ends() -> None:
    qs = full_quarters(D(2023, 11, 1), D(2026, 10, 31))
    assert qs[0] == D(2024, 1, 1) and qs[-1] == D(2026, 7, 1) and len(qs) == 11
    assert full_quarters(D(2024, 1, 1), D(2024, 3, 31)) == [D(2024, 1, 1)]
    assert full_quarters(D(2024, 1, 2), D(2024, 6, 29)) == []


def test_line_shares_basis_and_unattributed_revenue() -> None:
    ind = {("伺服电机", "运动控制算法"): 300.0, ("伺服电机", "智能制造"): 100.0}
    every = {**ind, ("伺服电机", "新材料"): 999.0, ("直线导轨", "精密传动"): 50.0, ("直线导轨", "新材料"): 150.0}
    shares = {s["product_line"]: s for s in line_shares(ind, every, ["伺服电机", "直线导轨", "智能传感器"])}
    assert shares["伺服电机"]["basis"] == "industrialized"
    assert shares["伺服电机"]["shares"] == {"智能制造": 0.25, "运动控制算法": 0.75}
    assert shares["直线导轨"]["basis"] == "all_projects"
    assert shares["直线导轨"]["shares"] == {"新材料": 0.75, "精密传动": 0.25}
    assert shares["智能传感器"]["basis"] is None and shares["智能传感器"]["shares"] == {}
    q = D(2025, 1, 1)
    rev, lost = attribute_revenue({("伺服电机", q): 1000.0, ("直线导轨", q): 400.0, ("智能传感器", q): 70.0},
                                  list(shares.values()))
    assert rev == {("运动控制算法", q): 750.0, ("智能制造", q): 250.0, ("新材料", q): 300.0, ("精密传动", q): 100.0}
    assert lost == 70.0


def _quarters(n: int) -> list[dt.date]:
    out, q = [], D(2020, 1, 1)
    for _ in range(n):
        out.append(q)
        q = D(q.year + (q.month == 10), q.month % 12 + 3 if q.month != 10 else 1, 1)
    return out


def test_lag_fit_finds_a_planted_lag_and_ignores_a_shared_trend() -> None:
    rng = random.Random(7)
    qs = _quarters(16)
    fields = ["a", "b", "c", "d"]
    spend = {(f, q): 100 + 10 * i + rng.gauss(0, 20) for f in fields for i, q in enumerate(qs)}  # shared trend
    # patents: 0.1 × spend two quarters earlier + the same trend + noise
    apps = {(f, q): 0.1 * spend.get((f, qs[i - 2]), 100) + 3 * i + rng.gauss(0, 0.5) for f in fields
            for i, q in enumerate(qs)}
    fits = lag_fit(spend, apps, fields, qs, max_lag=5)
    best = best_lag("patent_applications", fits)
    assert best["lag_quarters"] == 2 and best["r"] > 0.8 and best["reliable"]
    assert "2 个季度" in best["text"]["zh"] and "2 quarters" in best["text"]["en"]
    assert fits[2]["pairs"] == 4 * 14
    # the shared trend alone is no link: a series that only trends correlates weakly
    trend_only = {(f, q): 5.0 * i for f in fields for i, q in enumerate(qs)}
    assert all(f["r"] is None for f in lag_fit(spend, trend_only, fields, qs, max_lag=3))


def test_too_little_data_claims_no_lag() -> None:
    qs = _quarters(3)
    x = {("a", q): float(i) for i, q in enumerate(qs)} | {("b", q): float(2 - i) for i, q in enumerate(qs)}
    out = best_lag("patents_granted", lag_fit(x, x, ["a", "b"], qs, max_lag=2))
    assert out["lag_quarters"] is None and not out["reliable"] and "数据太少" in out["text"]["zh"]


def test_funnel_years_and_totals() -> None:
    q1, q2 = D(2024, 1, 1), D(2025, 4, 1)
    inp = FunnelInputs(
        spend={("精密传动", q1): 1000.0, ("精密传动", q2): 3000.0}, applications={("精密传动", q2): 4.0},
        granted={("精密传动", q2): 2.0}, commercialized={("精密传动", q2): 1.0},
        invention_granted={("精密传动", q2): 1.0}, line_revenue={("精密减速机", q2): 500.0},
        line_spend_industrialized={("精密减速机", "精密传动"): 1.0}, line_spend_all={},
        data_start=D(2024, 1, 1), as_of=D(2025, 6, 30), fields=["精密传动"])
    out = funnel(inp)
    (f,) = out["fields"]
    assert [y["year"] for y in f["years"]] == [2024, 2025]
    y25 = f["years"][1]
    assert (y25["rd_spend"], y25["patent_applications"], y25["patents_granted"], y25["commercialized_patents"],
            y25["new_product_revenue"], y25["cost_per_invention_patent"]) == (3000.0, 4, 2, 1, 500.0, 3000.0)
    assert f["years"][0]["cost_per_invention_patent"] is None  # no invention patent granted: no cost
    assert f["totals"]["cost_per_invention_patent"] == 4000.0
    assert f["totals"]["commercialization_rate"] == 0.5
    assert out["revenue_link"]["unattributed_revenue"] == 0.0
    assert len(out["lags"]) == 3 and all(lag["lag_quarters"] is None for lag in out["lags"])  # 6 quarters, 1 field


def _project(pid: str, start: dt.date, end: dt.date, status: str = "进行中", budget: float = 1200.0) -> dict:
    return {"project_id": pid, "project_name": pid, "tech_field": "新材料", "status": status, "start_date": start,
            "planned_end_date": end, "budget": budget}


def test_budget_rules() -> None:
    start, as_of = D(2024, 1, 1), D(2024, 12, 31)
    assert planned_share(D(2024, 1, 1), D(2025, 12, 31), start, as_of) == pytest.approx(366 / 731)
    # finished over budget
    r = check_project(_project("P1", D(2024, 1, 1), D(2024, 6, 30), "已完成"), 1300.0, start, as_of)
    assert r["over_budget"] and not r["ahead_of_plan"] and r["over_amount"] == 100.0 and r["flagged"]
    # running, half its life gone, 70 % spent: ahead of plan (pace 1.4 > 1.1), not over budget
    p = _project("P2", D(2024, 1, 1), D(2025, 12, 31))
    r = check_project(p, 0.7 * 1200, start, as_of)
    assert not r["over_budget"] and r["ahead_of_plan"] and r["pace"] == pytest.approx(0.7 * 731 / 366, abs=1e-3)
    # running on plan
    assert not check_project(p, 0.5 * 1200, start, as_of)["flagged"]
    # a finished project is never "ahead of plan", however fast it spent
    assert not check_project(_project("P3", D(2024, 1, 1), D(2025, 12, 31), "已完成"), 900, start, as_of)["ahead_of_plan"]
    # begun before the data: only the planned spend inside the data is expected
    r = check_project(_project("P4", D(2023, 1, 1), D(2024, 12, 31)), 600.0, start, as_of)
    assert r["partial_history"] and r["expected_to_date"] == pytest.approx(1200 * 366 / 731, abs=0.01)
    assert not r["ahead_of_plan"] and not r["over_budget"]
    out = budget_check([_project("P5", D(2025, 3, 1), D(2026, 1, 1)),  # not started by as_of: left out
                        _project("P1", D(2024, 1, 1), D(2024, 6, 30), "已完成"), p], {"P1": 1300.0, "P2": 840.0},
                       start, as_of)
    assert [r["project_id"] for r in out["projects"]] == ["P1", "P2"]
    assert (out["over_budget_count"], out["ahead_of_plan_count"], out["over_amount"]) == (1, 1, 100.0)
