"""MES: production_orders (work orders, ~30,000 per unit of scale) at 苏州工厂 and 常州工厂.

Invariants:
- Work orders replenish what is sold: for each product and month the expected number of work
  orders is (quantity sold) / (lot size), so production follows the sales curve.
- Each product family is routed to fixed production lines (RV reducers, planetary reducers,
  guide rails and most ball screws in 苏州; harmonic reducers, servo motors, drives/encoders,
  sensors and part of the ball screws in 常州).
- Each work order consumes one lot ("batch") of its family's key purchased material from a
  supplier of that category (drawn by supplier share), or an in-house lot (supplier NULL).
  Batch labels: LOT<yymm>-<supplier_id:03>-<k:02> and ZZ<yymm>-<k:02> for in-house lots.
- finish_date is NULL for work orders still running at `end`; their good/scrap quantities and
  hours are the part done so far. good_qty + scrap_qty <= planned_qty always.
- The quality incident lot (anomalies.QualityIncident) is given to most 稀土磁材 work orders
  at 常州工厂 in the incident month; those orders finish within that month.
- work_order_id = WO + yyyymm(start) + '-' + 6-digit sequence in start order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.anomalies import INCIDENT_PLANT, QualityIncident
from shuzhi.demo.calendar import Window, sample_days
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import MATERIAL_CATEGORIES, PLANTS
from shuzhi.demo.products import Products
from shuzhi.demo.purchasing import Suppliers
from shuzhi.demo.sales import SalesSummary

LINES = (
    ("苏州工厂", "RV减速机装配一线"),
    ("苏州工厂", "RV减速机装配二线"),
    ("苏州工厂", "行星减速机线"),
    ("苏州工厂", "导轨磨削线"),
    ("苏州工厂", "丝杠磨削一线"),
    ("常州工厂", "谐波减速机线"),
    ("常州工厂", "丝杠加工二线"),
    ("常州工厂", "伺服电机装配线"),
    ("常州工厂", "驱动与编码器SMT线"),
    ("常州工厂", "传感器装配线"),
)
LINE_PLANT = np.array([PLANTS.index(p) for p, _ in LINES])
# Per family (products.FAMILIES order: RV HD PL LG BS MO EL SE).
ROUTING = ((0, 1), (5,), (2,), (3,), (4, 4, 4, 6, 6), (7,), (8,), (9,))  # equally likely lines
MATERIAL = np.array(
    [
        MATERIAL_CATEGORIES.index(m)
        for m in (
            "精密轴承",
            "轴承钢",
            "铸锻件",
            "轴承钢",
            "轴承钢",
            "稀土磁材",
            "芯片与电子元件",
            "芯片与电子元件",
        )
    ]
)
HOURS_PER_UNIT = np.array([2.5, 1.2, 0.9, 0.35, 0.6, 0.8, 0.3, 0.5])
LOT_SIZE = np.array([20, 50, 60, 120, 60, 80, 200, 100], dtype=float)
SCRAP_RATE = np.array([0.012, 0.018, 0.010, 0.015, 0.020, 0.015, 0.008, 0.012])
WORK_ORDERS_PER_UNIT_SCALE = 30_000
IN_HOUSE_SHARE = 0.08
BATCHES_PER_MONTH = 3
INCIDENT_LOT_SHARE = 0.5  # share of the month's 稀土磁材 work orders that get the bad lot


def batch_labels(window: Window, suppliers: Suppliers) -> list[str]:
    """Every possible lot label; index = (supplier_row * n_months + month) * 3 + k - 1, in-house last."""
    yymm = [str(m)[2:4] + str(m)[5:7] for m in window.months]
    out = [
        f"LOT{ym}-{sid:03d}-{k:02d}"
        for sid in suppliers.supplier_id.tolist()
        for ym in yymm
        for k in range(1, BATCHES_PER_MONTH + 1)
    ]
    out += [f"ZZ{ym}-{k:02d}" for ym in yymm for k in range(1, BATCHES_PER_MONTH + 1)]
    return out


def batch_index(
    n_months: int, supplier_row: np.ndarray, month: np.ndarray, k: np.ndarray, n_suppliers: int
) -> np.ndarray:
    row = np.where(supplier_row < 0, n_suppliers, supplier_row)
    return (row * n_months + month) * BATCHES_PER_MONTH + k - 1


@dataclass
class WorkOrders:
    product: np.ndarray  # product row
    line: np.ndarray  # index into LINES
    plant: np.ndarray  # index into PLANTS
    month: np.ndarray  # start month index
    seq: np.ndarray  # sequence within the start month (1-based)
    start: np.ndarray
    finish: np.ndarray  # NaT while running
    duration: np.ndarray  # planned days (timedelta64[D])
    planned: np.ndarray
    good: np.ndarray
    scrap: np.ndarray
    planned_hours: np.ndarray
    actual_hours: np.ndarray
    supplier: np.ndarray  # supplier row, -1 for in-house material
    batch: np.ndarray  # index into batch_labels()
    affected: np.ndarray  # uses the incident lot

    def __len__(self) -> int:
        return len(self.product)

    def to_arrow(self, products: Products) -> pa.Table:
        return pa.table(
            {
                "wo_order": np.arange(len(self), dtype=np.int64),
                "month_seq": self.seq.astype(np.int32),
                "product_id": products.product_id[self.product],
                "plant": wh.strings(self.plant, PLANTS),
                "production_line": wh.strings(self.line, [name for _, name in LINES]),
                "start_date": wh.dates(self.start),
                "finish_date": wh.dates(self.finish),
                "planned_qty": self.planned.astype(np.int32),
                "good_qty": self.good.astype(np.int32),
                "scrap_qty": self.scrap.astype(np.int32),
                "planned_hours": self.planned_hours,
                "actual_hours": self.actual_hours,
            }
        )


WO_ID_SQL = wh.id_sql("WO", "start_date", "%Y%m", "month_seq", 6)
ORDER_BY = "wo_order"


def generate(
    ctx: DemoContext, products: Products, suppliers: Suppliers, sales: SalesSummary, incident: QualityIncident
) -> WorkOrders:
    rng = ctx.rng("production")
    w = ctx.window
    fam = products.family
    sold = sales.qty.sum(axis=0)  # [product, month]
    base = LOT_SIZE[fam][:, None]
    # Scale lot sizes so the expected number of work orders meets the target at any scale.
    k = (sold / base).sum() / max(WORK_ORDERS_PER_UNIT_SCALE * ctx.scale, 1.0)
    lot = base * max(k, 1e-9)
    count = rng.poisson(sold / lot).ravel()
    cell = np.repeat(np.arange(count.size), count)
    product, month = np.divmod(cell, w.n_months)
    n = len(cell)
    f = fam[product]

    start = sample_days(rng, w, month)
    order = np.lexsort((product, start))
    product, month, start, f = product[order], month[order], start[order], f[order]
    seq = np.arange(n) - np.searchsorted(month, month) + 1

    line = np.empty(n, dtype=np.int64)
    for fi, routes in enumerate(ROUTING):
        rows = np.flatnonzero(f == fi)
        line[rows] = np.asarray(routes)[rng.integers(0, len(routes), len(rows))]
    plant = LINE_PLANT[line]

    planned = np.maximum(1, np.round(lot[product, 0] * np.exp(rng.normal(0, 0.3, n))))
    planned = np.where(planned >= 50, np.round(planned / 5) * 5, planned).astype(np.int64)
    years = month / 12.0
    planned_hours = np.round(planned * HOURS_PER_UNIT[f] * np.exp(rng.normal(0, 0.05, n)), 1)
    actual_hours = np.round(planned_hours * np.exp(rng.normal(0.04 - 0.015 * years, 0.08, n)), 1)
    duration = np.clip(np.ceil(planned_hours / 40.0 + rng.gamma(1.5, 1.0, n)), 1, 25).astype("timedelta64[D]")
    scrap = rng.binomial(planned, SCRAP_RATE[f] * 0.95**years)
    short = rng.binomial(planned - scrap, 0.03 * (rng.random(n) < 0.15))
    good = planned - scrap - short

    # Material lot.
    cat = MATERIAL[f]
    supplier = np.full(n, -1, dtype=np.int64)
    bought = rng.random(n) >= IN_HOUSE_SHARE
    for c in range(len(MATERIAL_CATEGORIES)):
        rows = np.flatnonzero(bought & (cat == c))
        cands = np.flatnonzero(suppliers.category == c)
        if len(rows) and len(cands):
            p = suppliers.share[cands]
            supplier[rows] = cands[rng.choice(len(cands), len(rows), p=p / p.sum())]
    kb = rng.integers(1, BATCHES_PER_MONTH + 1, n)
    incident_cat = suppliers.category[incident.supplier_idx]
    takes = (
        (month == incident.month) & (plant == PLANTS.index(INCIDENT_PLANT)) & (cat == incident_cat) & bought
    )
    takes &= rng.random(n) < INCIDENT_LOT_SHARE
    supplier[takes], kb[takes] = incident.supplier_idx, 1
    affected = (supplier == incident.supplier_idx) & (month == incident.month) & (kb == 1)

    finish = start + duration
    finish = np.where(
        affected, np.maximum(start, np.minimum(finish, w.month_last_day(incident.month))), finish
    )
    running = finish > w.end_day
    done_share = np.where(running, (w.end_day - start + 1).astype(np.int64) / duration.astype(np.int64), 1.0)
    done_share = np.minimum(done_share, 1.0)
    good = np.floor(good * done_share).astype(np.int64)
    scrap = np.floor(scrap * done_share).astype(np.int64)
    actual_hours = np.round(actual_hours * done_share, 1)
    finish = np.where(running, np.datetime64("NaT"), finish)

    return WorkOrders(
        product=product,
        line=line,
        plant=plant,
        month=month,
        seq=seq,
        start=start,
        finish=finish,
        duration=duration,
        planned=planned,
        good=good,
        scrap=scrap,
        planned_hours=planned_hours,
        actual_hours=actual_hours,
        supplier=supplier,
        batch=batch_index(w.n_months, supplier, month, kb, len(suppliers)),
        affected=affected,
    )
