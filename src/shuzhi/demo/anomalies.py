"""Where the two injected anomalies go, decided from the seed before any fact is generated.

Invariants:
- Sales drop: a province among the three with the largest customer purchasing volume (so it is
  one of the five provinces with the most revenue), a whole month that is not January/February,
  not the partial last month, at least 12 months into the window and in a calendar year with at
  least six other whole months in the window. In that month only a random subset of the
  province's orders worth SALES_DROP_KEEP of its normal buying happens (the rest never
  arrive): revenue falls to about 30 % of usual.
- Quality incident: a whole month (not the partial last one, at least 6 months in) in which one
  稀土磁材 supplier's lot ("batch") used at 常州工厂 is defective; quality.py raises 材料缺陷
  defects on that lot so the plant's monthly defect rate is INCIDENT_RATIO x its usual level.
- The plans depend only on (seed, end) and the dimension tables, never on scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shuzhi.demo.calendar import Window
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import MATERIAL_CATEGORIES
from shuzhi.demo.customers import Customers
from shuzhi.demo.geo import PROVINCES

SALES_DROP_KEEP = 0.3
INCIDENT_RATIO = 3.0
INCIDENT_PLANT = "常州工厂"
INCIDENT_CATEGORY = MATERIAL_CATEGORIES.index("稀土磁材")


@dataclass(frozen=True)
class SalesDrop:
    province: int  # index into geo.PROVINCES
    month: int  # month index in the window
    keep: float = SALES_DROP_KEEP

    @property
    def province_name(self) -> str:
        return PROVINCES[self.province][0]


@dataclass(frozen=True)
class QualityIncident:
    month: int
    supplier_idx: int  # row of the suppliers table
    ratio: float = INCIDENT_RATIO


def _whole_months(w: Window) -> np.ndarray:
    """Indices of months completely inside the window."""
    i = np.arange(w.n_months)
    last_full = (w.months[-1] + 1).astype("datetime64[D]") - 1 == w.end_day
    return i if last_full else i[:-1]


def plan_sales_drop(ctx: DemoContext, customers: Customers) -> SalesDrop:
    rng = ctx.rng("anomaly.sales")
    w = ctx.window
    volume = np.bincount(
        customers.province[customers.province >= 0],
        weights=customers.size[customers.province >= 0],
        minlength=len(PROVINCES),
    )
    top3 = np.argsort(-volume, kind="stable")[:3]
    whole = _whole_months(w)
    years, moy = w.years, w.month_of_year
    candidates = [
        int(i)
        for i in whole
        if i >= 12 and moy[i] > 2 and np.count_nonzero(years[whole] == years[i]) - 1 >= 6
    ]
    if not candidates:  # pragma: no cover - the 36-month window always has some
        candidates = [int(i) for i in whole if moy[i] > 2] or [int(whole[-1])]
    return SalesDrop(province=int(rng.choice(top3)), month=int(rng.choice(candidates)))


def plan_quality_incident(
    ctx: DemoContext, supplier_category: np.ndarray, supplier_share: np.ndarray
) -> QualityIncident:
    """Pick the month and the 稀土磁材 supplier (likelier the bigger its share)."""
    rng = ctx.rng("anomaly.quality")
    whole = _whole_months(ctx.window)
    months = whole[whole >= 6]
    rows = np.flatnonzero(supplier_category == INCIDENT_CATEGORY)
    p = supplier_share[rows] / supplier_share[rows].sum()
    return QualityIncident(month=int(rng.choice(months)), supplier_idx=int(rng.choice(rows, p=p)))
