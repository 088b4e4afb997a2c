"""Budget against actual spend per R&D project, with overruns flagged.

Pure: the service hands in each project's attributes and its spend recorded in the data.

Rules (docs/innovation-efficiency.md):
- execution = spend recorded ÷ budget. over_budget: execution > 1 (the budget is already exceeded).
- The plan assumes the budget is spent evenly over the planned life (start_date → planned_end_date).
  expected = budget × the share of the planned life that lies inside [data_start, as_of]: what the
  plan says should have been spent within the data we have. pace = spend ÷ expected.
  ahead_of_plan: a running project (进行中) whose pace exceeds 1 + tolerance (default 10 %): it is
  spending faster than planned and will overrun if it goes on like this.
- A project that started before the first expense month has spend before the data begins that the
  warehouse does not hold: partial_history is true, and its expected amount covers only the part of
  its planned life inside the data, so the pace stays a fair comparison. Its execution counts only the
  spend we can see (a lower bound), so over_budget is never raised wrongly.
- A project past its planned end keeps the whole budget as expected (its plan is used up).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

TOLERANCE = 0.10


def _days(a: dt.date, b: dt.date) -> int:
    return max((b - a).days + 1, 0)


def planned_share(start: dt.date, planned_end: dt.date, lo: dt.date, hi: dt.date) -> float:
    """The share of the planned life [start, planned_end] that lies within [lo, hi]."""
    life = _days(start, planned_end)
    if life <= 0:
        return 1.0 if start <= hi else 0.0
    return _days(max(start, lo), min(planned_end, hi)) / life


def check_project(p: dict[str, Any], spend: float, data_start: dt.date, as_of: dt.date,
                  tolerance: float = TOLERANCE) -> dict[str, Any]:
    """One project's budget check; `p` has project_id, project_name, tech_field, status, start_date,
    planned_end_date (dates) and budget (元)."""
    budget = float(p["budget"] or 0.0)
    start, end = p["start_date"], p["planned_end_date"]
    share = planned_share(start, end, data_start, as_of)
    expected = budget * share
    execution = spend / budget if budget > 0 else None
    pace = spend / expected if expected > 0 else None
    over = execution is not None and execution > 1.0
    ahead = p["status"] == "进行中" and pace is not None and pace > 1.0 + tolerance
    return {
        "project_id": p["project_id"], "project_name": p["project_name"], "tech_field": p["tech_field"],
        "status": p["status"], "start_date": start.isoformat(), "planned_end_date": end.isoformat(),
        "budget": round(budget, 2), "spend": round(spend, 2),
        "execution": None if execution is None else round(execution, 4),
        "expected_to_date": round(expected, 2), "pace": None if pace is None else round(pace, 4),
        "elapsed_share": round(planned_share(start, end, start, as_of), 4),
        "over_budget": over, "ahead_of_plan": ahead, "flagged": over or ahead,
        "over_amount": round(max(spend - budget, 0.0), 2),
        "partial_history": start < data_start,
    }


def budget_check(projects: list[dict[str, Any]], spend: dict[str, float], data_start: dt.date, as_of: dt.date,
                 tolerance: float = TOLERANCE) -> dict[str, Any]:
    """Every project's check (flagged first, then by execution), and counts."""
    rows = [check_project(p, spend.get(p["project_id"], 0.0), data_start, as_of, tolerance) for p in projects
            if p["start_date"] <= as_of]
    rows.sort(key=lambda r: (not r["flagged"], -(r["execution"] or 0.0), r["project_id"]))
    return {
        "projects": rows,
        "over_budget_count": sum(r["over_budget"] for r in rows),
        "ahead_of_plan_count": sum(r["ahead_of_plan"] for r in rows),
        "over_amount": round(sum(r["over_amount"] for r in rows), 2),
        "tolerance": tolerance,
    }
