"""rd_proposals (projects waiting for approval, 立项评审) and rd_capacity (next year's R&D means).

Invariants:
- N_PROPOSALS proposals, proposal_id RP<plan year>-NN in submission order, submitted in the
  SUBMIT_DAYS days up to `end`; plan year = end.year + 1 (rd_capacity has that one row).
- Money follows the business: the budget free for new projects next year is NEW_PROJECT_SHARE of
  the last 12 months' R&D spend (RD_INTENSITY x revenue, as rd.py calibrates it), so it scales
  with `scale`. Requests total that budget / BUDGET_COVER (about 1.6-1.8x); capacity headcount is
  HEADCOUNT_COVER of the requested total. Money is rounded to 1,000 元.
- Two proposals sit near the planted facts (the white space and the emerging term) by wording
  (industry_text.PROPOSAL_HINTS), never with the exact phrase; the others are named like rd_projects.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shuzhi.demo import industry_text as tx
from shuzhi.demo import rd_text
from shuzhi.demo import warehouse as wh
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import RD_LAYERS, RISKS, TECH_FIELDS
from shuzhi.demo.industry_patents import InnovationPlan
from shuzhi.demo.rd import RD_INTENSITY
from shuzhi.demo.sales import SalesSummary

N_PROPOSALS = 25
SUBMIT_DAYS = 90
NEW_PROJECT_SHARE = 0.4
BUDGET_COVER = (0.55, 0.65)
HEADCOUNT_COVER = 0.6
LAYER_P = np.array([0.2, 0.5, 0.3])
FIELD_P = np.array([0.3, 0.2, 0.15, 0.2, 0.15])
BUDGET_WEIGHT = np.array([0.6, 1.0, 1.6])  # by layer
REVENUE_MULTIPLE = ((0.0, 0.6), (0.8, 3.0), (1.5, 5.0))  # expected annual revenue / budget, by layer
RISK_P = np.array([[0.1, 0.3, 0.6], [0.3, 0.5, 0.2], [0.5, 0.4, 0.1]])  # 低, 中, 高 by layer


def generate(ctx: DemoContext, sales: SalesSummary, p: InnovationPlan) -> tuple[pa.Table, pa.Table]:
    """(rd_proposals, rd_capacity)."""
    rng = ctx.rng("rd_proposals")
    n = N_PROPOSALS
    layer = rng.choice(3, n, p=LAYER_P)
    field = rng.choice(len(TECH_FIELDS), n, p=FIELD_P)
    names = rd_text.project_names(rng, field, layer)
    # Two proposals near the planted facts: rows 0 and 1 before the date order shuffles them.
    ws, em = tx.WHITE_SPACE_TOPICS[p.white_space], tx.EMERGING_TOPICS[p.emerging]
    names[0], field[0], layer[0] = tx.PROPOSAL_HINTS[ws.label], ws.field, 1
    names[1], field[1], layer[1] = tx.PROPOSAL_HINTS[em.label], em.field, 0

    annual_rd = RD_INTENSITY * float(sales.revenue[-12:].sum())
    budget = max(round(NEW_PROJECT_SHARE * annual_rd, -3), 1_000.0)
    requested_total = budget / rng.uniform(*BUDGET_COVER)
    weight = BUDGET_WEIGHT[layer] * np.exp(rng.normal(0, 0.5, n))
    requested = np.maximum(np.round(requested_total * weight / weight.sum(), -3), 1_000.0)
    headcount = np.clip(np.round(2 + 11 * (weight / weight.max()) ** 0.7 + rng.normal(0, 1.5, n)), 2, 15)
    lo = np.array([m[0] for m in REVENUE_MULTIPLE])[layer]
    hi = np.array([m[1] for m in REVENUE_MULTIPLE])[layer]
    revenue = np.round(requested * rng.uniform(lo, hi), -3)
    fit = np.clip(np.round(rng.normal(3.2, 1.1, n)), 1, 5)
    fit[:2] = np.maximum(fit[:2], 4)  # the two near the facts are strategic bets
    risk = (rng.random(n)[:, None] > np.cumsum(RISK_P[layer], axis=1)).sum(axis=1)
    submitted = ctx.window.end_day - rng.integers(0, SUBMIT_DAYS, n).astype("timedelta64[D]")

    order = np.lexsort((names.astype(str), submitted))
    plan_year = ctx.window.end.year + 1
    ids = [f"RP{plan_year}-{i + 1:02d}" for i in range(n)]
    proposals = pa.table(
        {
            "proposal_id": ids,
            "project_name": names[order].tolist(),
            "tech_field": wh.strings(field[order], TECH_FIELDS),
            "rd_layer": wh.strings(layer[order], RD_LAYERS),
            "requested_budget": requested[order],
            "headcount": headcount[order].astype(np.int32),
            "expected_annual_revenue": revenue[order],
            "strategic_fit": fit[order].astype(np.int32),
            "risk": wh.strings(risk[order], RISKS),
            "submitted_date": wh.dates(submitted[order]),
        }
    )
    capacity = pa.table(
        {
            "plan_year": pa.array([plan_year], pa.int32()),
            "budget": [budget],
            "headcount": pa.array([int(round(HEADCOUNT_COVER * headcount.sum()))], pa.int32()),
        }
    )
    return proposals, capacity


ORDER_BY_PROPOSALS = "proposal_id"
ORDER_BY_CAPACITY = "plan_year"
