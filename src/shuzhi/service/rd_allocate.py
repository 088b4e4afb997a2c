"""Project priority and resource allocation: score every candidate, pick the best portfolio.

Candidates are the proposals waiting for approval (rd_proposals) and the running projects
(rd_projects with status 进行中), and they compete for one budget and one headcount (given, or
rd_capacity's plan for next year): the chosen candidates' costs and headcounts add up to no more than
those. A running project counts with what it still needs: its remaining cost, budget - spend so far
(rd_expenses; never below 0: money already spent is sunk and counts neither for nor against it), and
the people for that remaining work. Leaving a running project out of the portfolio means proposing to
stop it. `keep_running=True` (--keep-running) pre-selects every running project not excluded (a
must-fund set: when they alone do not fit, the error says by how much).
What a running project does not record is estimated and flagged in its `estimated` list, with the
facts it rests on:
- headcount: its remaining cost / the median budget per person of the proposals of the same rd_layer
  (all proposals when the layer has none), rounded to whole people, at least 1 — the work left is
  staffed like a proposal of that size;
- expected annual revenue: its budget × the median (expected annual revenue / requested budget) of the
  proposals of the same rd_layer (all proposals when the layer has none);
- strategic fit: 3 (neutral: the review's rating of a running project is not recorded);
- risk: 高 when past its planned end or over budget, 中 when its share of budget spent runs more than
  20 points ahead of its share of time elapsed, else 低.
Returns the plain dict that is the CLI's JSON and the API's body (docs/innovation-allocate.md).
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

from shuzhi.ai.innovation import portfolio
from shuzhi.ai.innovation.priority import Candidate, score_candidates, weights_from
from shuzhi.ai.innovation.success import DEFAULT_PRIOR_STRENGTH, SuccessModel
from shuzhi.ai.nl.numbers import parse_number
from shuzhi.errors import ShuzhiError
from shuzhi.service import rd_allocate_read as read
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

MAX_AMOUNT = 1e13  # 10万亿元: anything above is a typo


def parse_amount(text: str | float | int | None, what: str = "--budget") -> float | None:
    """An amount of money in 元: a number, or a text like 3000万, 1.2亿, 30000000, 3,000万元."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        value = None
    elif isinstance(text, int | float):
        value = float(text)
    else:
        s = text.strip()
        value = None if any(ch in s for ch in "%％") else parse_number(s)
    if value is None or value != value or not 0 <= value <= MAX_AMOUNT:
        raise ShuzhiError("allocate_bad_amount", f"{what} 应是一个不小于 0 的金额，如 30000000、3000万 或 1.2亿，不能是 {text!r}。",
                          f"{what} must be an amount of 0 or more, like 30000000, 3000万 or 1.2亿, not {text!r}.")
    return value


def parse_headcount(value: float | int | str | None) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = -1.0
    if not 0 <= v <= 1_000_000 or v != int(v):
        raise ShuzhiError("allocate_bad_headcount", f"--headcount 应是不小于 0 的整数（人），不能是 {value!r}。",
                          f"--headcount must be a whole number of people, 0 or more, not {value!r}.")
    return v


def _medians(props: list[dict[str, Any]], num: str, den: str) -> tuple[dict[str, float], float]:
    """Median of num / den over the proposals, per rd_layer and over all (0 when none)."""
    by_layer: dict[str, list[float]] = {}
    for p in props:
        d, n = float(p[den] or 0), float(p[num] or 0)
        if d > 0:
            by_layer.setdefault(p["rd_layer"], []).append(n / d)
    every = [x for xs in by_layer.values() for x in xs]
    return {k: statistics.median(v) for k, v in by_layer.items()}, (statistics.median(every) if every else 0.0)


def _running_candidates(ex: Executor, props: list[dict[str, Any]]) -> tuple[list[Candidate], dict[str, Any]]:
    rows = read.running_projects(ex)
    today = ex.rt.settings.today_date()
    revenue, revenue_all = _medians(props, "expected_annual_revenue", "requested_budget")
    per_person, per_person_all = _medians(props, "requested_budget", "headcount")
    assumptions = {"revenue_per_budget_by_layer": {k: round(v, 4) for k, v in sorted(revenue.items())},
                   "revenue_per_budget_overall": round(revenue_all, 4),
                   "budget_per_person_by_layer": {k: round(v, 2) for k, v in sorted(per_person.items())},
                   "budget_per_person_overall": round(per_person_all, 2), "running_strategic_fit": 3}
    out = []
    for r in rows:
        budget, spend = float(r["budget"] or 0), float(r["spend"] or 0)
        start, end = r["start_date"], r["planned_end_date"]
        pp = per_person.get(r["rd_layer"], per_person_all)
        remaining = max(budget - spend, 0.0)
        heads = max(1.0, float(round(remaining / pp))) if pp > 0 else 1.0
        elapsed = ((today - start).days / max((end - start).days, 1)) if start and end else 0.0
        spent_share = spend / budget if budget > 0 else 0.0
        if (end and today > end) or spend > budget:
            risk = "高"
        elif spent_share > min(elapsed, 1.0) + 0.2:
            risk = "中"
        else:
            risk = "低"
        ratio = revenue.get(r["rd_layer"], revenue_all)
        out.append(Candidate(
            id=r["project_id"], name=r["project_name"], kind="running", tech_field=r["tech_field"],
            rd_layer=r["rd_layer"], cost=remaining, headcount=heads,
            expected_annual_revenue=round(budget * ratio, 2), strategic_fit=3.0, risk=risk,
            estimated=["headcount", "expected_annual_revenue", "strategic_fit", "risk"],
            facts={"budget": budget, "spent": round(spend, 2),
                   "start_date": start.isoformat() if start else None,
                   "planned_end_date": end.isoformat() if end else None,
                   "spent_share": round(spent_share, 4), "time_elapsed_share": round(elapsed, 4),
                   "revenue_per_budget": round(ratio, 4), "budget_per_person": round(pp, 2)}))
    return out, assumptions


def _proposal_candidates(props: list[dict[str, Any]]) -> list[Candidate]:
    return [Candidate(id=p["proposal_id"], name=p["project_name"], kind="proposal", tech_field=p["tech_field"],
                      rd_layer=p["rd_layer"], cost=float(p["requested_budget"] or 0),
                      headcount=float(p["headcount"] or 0),
                      expected_annual_revenue=float(p["expected_annual_revenue"] or 0),
                      strategic_fit=float(p["strategic_fit"] or 3), risk=p["risk"] or "中",
                      facts={"submitted_date": p["submitted_date"].isoformat() if p.get("submitted_date") else None})
            for p in props]


def candidates(rt: Runtime, user: UserContext, *, weights: dict[str, float] | None = None,
               prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> dict[str, Any]:
    """Every candidate scored (no selection), with what the scores rest on."""
    ex = Executor.open(rt, user, purpose="insight")
    idx = read.with_tables(ex)
    props = read.proposals(ex, idx)
    cap = read.capacity(ex, idx)
    running, assumptions = _running_candidates(ex, props)
    cands = _proposal_candidates(props) + running
    success = SuccessModel(read.success_counts(ex), prior_strength)
    signals = read.field_signals(ex, idx)
    w = weights_from(weights)
    scored = score_candidates(cands, success, signals, w)
    return {"candidates": scored, "capacity": cap, "weights": w, "prior_strength": prior_strength,
            "success_rates": success.table(), "field_signals": signals, "assumptions": assumptions}


def _ids(values: list[str] | tuple[str, ...] | None) -> list[str]:
    out: list[str] = []
    for v in values or ():
        for part in str(v).replace("，", ",").split(","):
            if part.strip() and part.strip() not in out:
                out.append(part.strip())
    return out


def allocate(rt: Runtime, user: UserContext, *, budget: float | str | None = None, headcount: float | int | None = None,
             must: list[str] | tuple[str, ...] = (), exclude: list[str] | tuple[str, ...] = (),
             keep_running: bool = False, weights: dict[str, float] | None = None,
             prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> dict[str, Any]:
    """The best portfolio of proposals and running projects under `budget` (元, or 3000万-style text) and
    `headcount` (None: rd_capacity's plan); `keep_running` pre-selects the running projects not excluded."""
    b, h = parse_amount(budget), parse_headcount(headcount)
    must, exclude = _ids(must), _ids(exclude)
    if not 0 < prior_strength <= 1000:
        raise ShuzhiError("allocate_bad_prior", "先验强度应在 0 到 1000 之间（不含 0）。",
                          "The prior strength must be more than 0 and at most 1000.")
    data = candidates(rt, user, weights=weights, prior_strength=prior_strength)
    cap = data["capacity"]
    if (b is None or h is None) and cap is None:
        raise ShuzhiError("allocate_no_capacity", "没有 rd_capacity（明年研发预算与人力）数据：请用 --budget 和 --headcount 指定。",
                          "There is no rd_capacity data (next year's R&D budget and headcount): give --budget and --headcount.")
    b = float(cap["budget"]) if b is None else b
    h = float(cap["headcount"]) if h is None else h
    cands = data["candidates"]
    ids = [c["id"] for c in cands]
    portfolio.check_ids(ids, must, exclude)
    pos = {i: k for k, i in enumerate(ids)}
    running = [c for c in cands if c["kind"] == "running"]
    forced = list(must)
    if keep_running:
        forced += [c["id"] for c in running if c["id"] not in exclude and c["id"] not in must]
    must_idx, exclude_idx = [pos[i] for i in forced], [pos[i] for i in exclude]
    scores = [c["score"] for c in cands]
    costs = [c["cost"] for c in cands]
    heads = [c["headcount"] for c in cands]
    need_cost = sum(c["cost"] for c in running)
    need_heads = sum(c["headcount"] for c in running)
    if keep_running:
        portfolio.check_must(costs, heads, must_idx, b, h, note=(
            f"（其中在研项目全部继续就需要 {need_cost / 1e4:,.1f}万元、{need_heads:g} 人）",
            f" (keeping every running project alone needs {need_cost / 1e4:,.1f}万元 and {need_heads:g} people)"))
    t0 = time.perf_counter()
    sol = portfolio.solve(scores, costs, heads, b, h, must_idx, exclude_idx)
    seconds = time.perf_counter() - t0
    marg = portfolio.marginal(scores, costs, heads, b, h, sol, must_idx, exclude_idx)
    chosen = set(sol.chosen)
    for k, c in enumerate(cands):
        c["chosen"] = k in chosen
        c["must"] = c["id"] in forced
        c["excluded"] = c["id"] in exclude
    order = sorted(range(len(cands)), key=lambda k: (-cands[k]["score"], cands[k]["id"]))
    for rank, k in enumerate(order, 1):
        cands[k]["rank"] = rank
    for m in marg.values():
        m["added"] = [ids[k] for k in m["added"]]  # type: ignore[union-attr]
        m["dropped"] = [ids[k] for k in m["dropped"]]  # type: ignore[union-attr]
    return {
        "candidates": [cands[k] for k in order],
        "budget": b, "headcount": h,
        "capacity": cap,
        "running_need": {"projects": len(running), "cost": round(need_cost, 2), "headcount": need_heads},
        "totals": {"chosen": len(chosen), "candidates": len(cands), "score": round(sol.total_score, 2),
                   "cost": round(sol.total_cost, 2), "headcount": sol.total_headcount,
                   "proposals_chosen": sum(1 for k in chosen if cands[k]["kind"] == "proposal"),
                   "running_chosen": sum(1 for k in chosen if cands[k]["kind"] == "running")},
        "unspent_budget": round(b - sol.total_cost, 2), "unused_headcount": h - sol.total_headcount,
        "marginal": marg,
        "must": forced, "exclude": exclude, "keep_running": keep_running,
        "weights": data["weights"], "prior_strength": prior_strength,
        "success_rates": data["success_rates"], "field_signals": data["field_signals"],
        "assumptions": data["assumptions"],
        "solver": {"method": "scipy.optimize.milp (HiGHS), gap 0", "optimal": True, "seconds": round(seconds, 4)},
    }
