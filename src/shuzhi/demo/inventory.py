"""inventory_snapshots: one row per warehouse x product x month end.

Invariants:
- Snapshot dates are the calendar month ends of the window that are not after `end` (a partial
  last month has no month end yet, so it has no snapshot; no row is dated after `end`).
- Every (warehouse, product, month end) combination has exactly one row, also for products not
  launched yet (stock 0 until the month before launch, when the first lots are built).
- on_hand_qty covers the next weeks of that warehouse's demand (average of this and next
  month's shipped quantity of its customers' regions) for a product-line-specific number of
  months, with noise; on_hand_value = round(on_hand_qty x standard_cost, 2).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import covered_share
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import WAREHOUSES
from shuzhi.demo.products import Products
from shuzhi.demo.sales import SalesSummary

# Months of demand held in stock, by product line (contract order of PRODUCT_LINES).
COVER_MONTHS = np.array([2.0, 1.5, 1.8, 1.2, 2.5])


def generate(ctx: DemoContext, products: Products, sales: SalesSummary) -> pa.Table:
    rng = ctx.rng("inventory")
    w = ctx.window
    n_w, n_p = len(WAREHOUSES), len(products)
    ends = w.month_ends
    n_e = len(ends)
    # Monthly demand per warehouse and product; the partial last month is extrapolated.
    demand = sales.qty / covered_share(w)[None, None, :]
    nxt = np.concatenate([demand[:, :, 1:], demand[:, :, -1:]], axis=2)
    forward = 0.5 * (demand + nxt)[:, :, :n_e]
    cover = COVER_MONTHS[products.line][None, :, None]
    qty = np.round(forward * cover * np.exp(rng.normal(0, 0.25, (n_w, n_p, n_e))))
    launched = (np.arange(n_e)[None, :] >= products.launch_month[:, None] - 1)[None, :, :]
    qty = np.where(launched, qty, 0).astype(np.int32)

    # Long format ordered by (snapshot_date, warehouse, product).
    e_idx, w_idx, p_idx = (
        a.ravel() for a in np.meshgrid(np.arange(n_e), np.arange(n_w), np.arange(n_p), indexing="ij")
    )
    on_hand = qty[w_idx, p_idx, e_idx]
    return pa.table(
        {
            "snapshot_date": wh.dates(ends[e_idx]),
            "warehouse_idx": w_idx.astype(np.int32),
            "warehouse": wh.strings(w_idx, WAREHOUSES),
            "product_id": products.product_id[p_idx],
            "on_hand_qty": on_hand,
            "on_hand_value": np.round(on_hand * products.standard_cost[p_idx], 2),
        }
    )


ORDER_BY = "snapshot_date, warehouse_idx, product_id"
