"""The best portfolio under a budget and a headcount: a 0/1 knapsack with two limits, solved exactly.

    maximize   Σ score_i · x_i
    subject to Σ cost_i · x_i ≤ budget,  Σ headcount_i · x_i ≤ headcount,
               x_i = 1 for must-fund ids, x_i = 0 for excluded ids, x_i ∈ {0, 1}

scipy.optimize.milp (HiGHS branch and bound) with a zero optimality gap, so the answer is optimal for
the scores, not just good; the chosen set is checked against both limits in exact arithmetic afterwards.
A must-fund set that alone breaks a limit is reported (allocate_must_infeasible, 422) before solving.
`marginal` re-solves with one more 100万 and one more engineer: how much the best total score rises.
`greedy` is the ratio heuristic (score per share of the scarcer resources) kept as a baseline.
Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from shuzhi.errors import ShuzhiError

STEP_BUDGET = 1_000_000.0  # 100万元
STEP_HEADCOUNT = 1.0


@dataclass(frozen=True)
class Solution:
    chosen: tuple[int, ...]  # indices, ascending
    total_score: float
    total_cost: float
    total_headcount: float


def _money(v: float) -> str:
    return f"{v / 1e4:,.1f}万元"


def check_ids(ids: Sequence[str], must: Sequence[str], exclude: Sequence[str]) -> None:
    """Unknown ids and ids both required and excluded are bad input (400)."""
    known = set(ids)
    for name, group in (("--must", must), ("--exclude", exclude)):
        unknown = [i for i in group if i not in known]
        if unknown:
            raise ShuzhiError("allocate_unknown_id",
                              f"{name} 中有未知的项目编号：{'、'.join(unknown)}。",
                              f"{name} names unknown candidate ids: {', '.join(unknown)}.",
                              details={"unknown": unknown})
    both = sorted(set(must) & set(exclude))
    if both:
        raise ShuzhiError("allocate_must_and_exclude", f"项目 {'、'.join(both)} 不能既必选又排除。",
                          f"The candidates {', '.join(both)} cannot be both must-fund and excluded.",
                          details={"both": both})


def check_must(costs: Sequence[float], heads: Sequence[float], must_idx: Sequence[int], budget: float,
               headcount: float, note: tuple[str, str] = ("", "")) -> None:
    """Raise allocate_must_infeasible when the must-fund set alone needs more than the limits allow
    (`note`: a zh / en remark on what the limits are made of, added to the message)."""
    need_cost = sum(float(costs[i]) for i in must_idx)
    need_heads = sum(float(heads[i]) for i in must_idx)
    over = []
    if need_cost > budget:
        over.append((f"预算需要 {_money(need_cost)}，可用 {_money(budget)}",
                     f"they need a budget of {_money(need_cost)} but {_money(budget)} is available"))
    if need_heads > headcount:
        over.append((f"人力需要 {need_heads:g} 人，可用 {headcount:g} 人",
                     f"they need {need_heads:g} engineers but {headcount:g} are available"))
    if over:
        raise ShuzhiError(
            "allocate_must_infeasible",
            f"必选项目无法同时满足：{'；'.join(z for z, _ in over)}{note[0]}。请减少必选项目或提高预算/人力。",
            f"The must-fund candidates cannot all be funded: {'; '.join(e for _, e in over)}{note[1]}. "
            "Drop some of them or raise the budget or headcount.", 422,
            details={"must_cost": need_cost, "must_headcount": need_heads, "budget": budget,
                     "headcount": headcount})


def _totals(idx: Sequence[int], scores: Sequence[float], costs: Sequence[float],
            heads: Sequence[float]) -> Solution:
    chosen = tuple(sorted(idx))
    return Solution(chosen, round(sum(float(scores[i]) for i in chosen), 6),
                    sum(float(costs[i]) for i in chosen), sum(float(heads[i]) for i in chosen))


def solve(scores: Sequence[float], costs: Sequence[float], heads: Sequence[float], budget: float,
          headcount: float, must_idx: Sequence[int] = (), exclude_idx: Sequence[int] = ()) -> Solution:
    """The optimal selection (indices into the sequences). Scores ≤ 0 are never worth choosing unless a must."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(scores)
    check_must(costs, heads, must_idx, budget, headcount)
    if n == 0:
        return Solution((), 0.0, 0.0, 0.0)
    lb, ub = np.zeros(n), np.ones(n)
    lb[list(must_idx)] = 1.0
    ub[list(exclude_idx)] = 0.0
    a = np.vstack([np.asarray(costs, dtype=float), np.asarray(heads, dtype=float)])
    res = milp(c=-np.asarray(scores, dtype=float), integrality=np.ones(n), bounds=Bounds(lb, ub),
               constraints=LinearConstraint(a, -np.inf, np.array([budget, headcount], dtype=float)),
               options={"mip_rel_gap": 0.0, "presolve": True})
    if res.x is None:  # cannot happen once check_must passed (choosing only the musts is feasible)
        raise ShuzhiError("allocate_solver_failed", f"求解器未找到方案：{res.message}",
                          f"The solver found no selection: {res.message}", 500)
    chosen = [i for i in range(n) if res.x[i] > 0.5]
    sol = _totals(chosen, scores, costs, heads)
    if sol.total_cost > budget * (1 + 1e-12) or sol.total_headcount > headcount + 1e-9:
        raise ShuzhiError("allocate_solver_failed", "求解器给出的方案超出了限额。",
                          "The solver's selection breaks a limit.", 500)
    return sol


def greedy(scores: Sequence[float], costs: Sequence[float], heads: Sequence[float], budget: float,
           headcount: float, must_idx: Sequence[int] = (), exclude_idx: Sequence[int] = ()) -> Solution:
    """Baseline: the musts, then by score per (share of the budget + share of the headcount) while it fits."""
    check_must(costs, heads, must_idx, budget, headcount)
    chosen = list(must_idx)
    spent = sum(float(costs[i]) for i in chosen)
    staff = sum(float(heads[i]) for i in chosen)
    skip = set(must_idx) | set(exclude_idx)

    def ratio(i: int) -> float:
        use = (float(costs[i]) / budget if budget > 0 else 0.0) + (float(heads[i]) / headcount if headcount > 0 else 0.0)
        return float(scores[i]) / use if use > 0 else float("inf")

    for i in sorted((i for i in range(len(scores)) if i not in skip and scores[i] > 0), key=ratio, reverse=True):
        if spent + costs[i] <= budget and staff + heads[i] <= headcount:
            chosen.append(i)
            spent += float(costs[i])
            staff += float(heads[i])
    return _totals(chosen, scores, costs, heads)


def marginal(scores: Sequence[float], costs: Sequence[float], heads: Sequence[float], budget: float,
             headcount: float, base: Solution, must_idx: Sequence[int] = (),
             exclude_idx: Sequence[int] = ()) -> dict[str, dict[str, object]]:
    """What one more 100万 and one more engineer are worth: the rise of the best total score, and which
    candidates the better portfolio adds and drops."""
    out: dict[str, dict[str, object]] = {}
    for key, b, h, step in (("budget_100wan", budget + STEP_BUDGET, headcount, STEP_BUDGET),
                            ("one_engineer", budget, headcount + STEP_HEADCOUNT, STEP_HEADCOUNT)):
        s = solve(scores, costs, heads, b, h, must_idx, exclude_idx)
        out[key] = {"step": step, "score_gain": round(s.total_score - base.total_score, 4),
                    "added": sorted(set(s.chosen) - set(base.chosen)),
                    "dropped": sorted(set(base.chosen) - set(s.chosen))}
    return out
