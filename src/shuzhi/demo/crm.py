"""CRM: opportunities (~5,000 per unit of scale), owned by the customer's sales rep.

Invariants:
- created_date is in the window, after the customer was created; opportunities grow with the
  business (calendar.activity).
- An opportunity whose sales cycle ended on or before `end` is closed: stage 赢单 or 输单 with
  close_date = created_date + cycle. Otherwise it is open (close_date NULL) at the stage its
  progress through the cycle reached: 线索, 需求确认, 方案报价, 商务谈判.
- expected_amount is in 元, rounded to 100, larger for reducers and for big customers.
- opportunity_id = OP + yyyymm + '-' + 6-digit sequence in created order.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import activity, sample_days_in_month
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import PRODUCT_LINES, STAGE_LOST, STAGE_WON, STAGES
from shuzhi.demo.customers import Customers
from shuzhi.demo.sales import AFFINITY

OPPORTUNITIES_PER_UNIT_SCALE = 5_000
MEDIAN_AMOUNT = np.array([600_000, 250_000, 250_000, 350_000, 200_000])  # by product line
WIN_RATE = np.array([0.40, 0.36, 0.35, 0.38, 0.30])
OPEN_STAGES = np.array([STAGES.index(s) for s in ("线索", "需求确认", "方案报价", "商务谈判")])


def generate(ctx: DemoContext, customers: Customers) -> pa.Table:
    rng = ctx.rng("opportunities")
    w = ctx.window
    act = activity(w)
    counts = rng.multinomial(round(OPPORTUNITIES_PER_UNIT_SCALE * ctx.scale), act / act.sum())
    created_parts, cust_parts = [], []
    for i, c in enumerate(counts.tolist()):
        created_parts.append(sample_days_in_month(rng, w, i, c))
        eligible = np.flatnonzero(customers.created < w.month_start(i))
        p = np.sqrt(customers.size[eligible])
        cust_parts.append(eligible[rng.choice(len(eligible), c, p=p / p.sum())])
    created = np.concatenate(created_parts)
    cust = np.concatenate(cust_parts)
    n = len(created)

    line = np.empty(n, dtype=np.int64)
    ind = customers.industry[cust]
    for k in range(AFFINITY.shape[0]):
        rows = np.flatnonzero(ind == k)
        line[rows] = rng.choice(len(PRODUCT_LINES), len(rows), p=AFFINITY[k] / AFFINITY[k].sum())
    size_factor = np.clip(customers.size[cust] / np.median(customers.size), 0.3, 5.0) ** 0.3
    amount = np.maximum(
        np.round(MEDIAN_AMOUNT[line] * size_factor * np.exp(rng.normal(0, 0.9, n)), -2), 5000.0
    )

    won = rng.random(n) < WIN_RATE[line]
    cycle = np.round((20 + rng.gamma(2.0, 35.0, n)) * np.where(won, 1.0, 0.8)).astype("timedelta64[D]")
    close = created + cycle
    closed = close <= w.end_day
    progress = (w.end_day - created).astype(np.int64) / cycle.astype(np.int64)
    open_stage = OPEN_STAGES[np.minimum((progress * 4).astype(np.int64), 3)]
    stage = np.where(closed, np.where(won, STAGE_WON, STAGE_LOST), open_stage)
    close = np.where(closed, close, np.datetime64("NaT"))

    month = w.month_index(created)
    return pa.table(
        {
            "opp_seq": np.arange(n, dtype=np.int64),
            "month_seq": (np.arange(n) - np.searchsorted(month, month) + 1).astype(np.int32),
            "customer_id": customers.customer_id[cust],
            "product_line": wh.strings(line, PRODUCT_LINES),
            "owner": wh.strings(customers.rep[cust], customers.rep_names.tolist()),
            "created_date": wh.dates(created),
            "close_date": wh.dates(close),
            "stage": wh.strings(stage, STAGES),
            "expected_amount": amount,
        }
    )


OPP_ID_SQL = wh.id_sql("OP", "created_date", "%Y%m", "month_seq", 6)
ORDER_BY = "opp_seq"
