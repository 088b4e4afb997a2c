"""MES quality: quality_inspections (~1.5 per work order) and the injected quality incident.

Invariants:
- Every work order gets a first-article / incoming inspection on its start day (or the day
  after, never after `end`); finished work orders get a final inspection on their finish day
  with probability FINAL_SHARE (always for lots of the incident batch).
- Each inspection records the work order's material lot: supplier_id and batch_no (supplier
  NULL for in-house lots). inspected_qty is a GB/T 2828.1 level-II sample of the lot, or the
  whole output for families inspected 100 % (reducers, motors, sensors) at final inspection.
- defect_qty ~ Binomial(inspected_qty, plant rate x monthly noise x slow improvement);
  defect_qty = 0 exactly when defect_type = 无缺陷.
- Incident: in the incident month, 常州工厂's defects on the incident lot are raised (as
  材料缺陷) until the plant's defect rate for the month (by inspection_date) is
  INCIDENT_RATIO x the median of its other months. The extra defects are also scrapped: the
  affected work orders' scrap_qty rises and good_qty falls by the extra defects.
- inspection_id = QC + yyyymm + '-' + 6-digit sequence in date order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.anomalies import INCIDENT_PLANT, QualityIncident
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import DEFECT_MATERIAL, DEFECT_NONE, DEFECT_TYPES, PLANTS
from shuzhi.demo.production import WorkOrders, batch_index, batch_labels
from shuzhi.demo.products import FAMILIES, Products
from shuzhi.demo.purchasing import Suppliers

FINAL_SHARE = 0.55
AQL_UPPER = np.array([8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000])
AQL_SAMPLE = np.array([2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315])
FULL_FINAL = np.isin(np.arange(len(FAMILIES)), [FAMILIES.index(f) for f in ("RV", "HD", "MO", "SE")])
PLANT_RATE = np.array([0.010, 0.016])  # 苏州工厂, 常州工厂
# Defect mix when defects are found (尺寸超差, 表面缺陷, 装配异常, 材料缺陷) per plant.
DEFECT_MIX = np.array([[0.40, 0.30, 0.20, 0.10], [0.25, 0.25, 0.35, 0.15]])
SCRAP_PER_EXTRA_DEFECT = 1.0  # defective magnets cannot be reworked


@dataclass(frozen=True)
class IncidentFacts:
    """What the incident turned out to be, for demo_ground_truth."""

    month: int
    supplier_id: int
    batch_no: str
    usual_rate: float
    incident_rate: float


def aql_sample(lot: np.ndarray) -> np.ndarray:
    idx = np.minimum(np.searchsorted(AQL_UPPER, lot, side="left"), len(AQL_SAMPLE) - 1)
    return np.minimum(AQL_SAMPLE[idx], lot)


def generate(
    ctx: DemoContext, wo: WorkOrders, products: Products, suppliers: Suppliers, incident: QualityIncident
) -> tuple[pa.Table, IncidentFacts]:
    """Inspections (Arrow, ready to write) and the incident facts; adjusts wo scrap in place."""
    rng = ctx.rng("quality")
    w = ctx.window
    n = len(wo)
    fam = products.family[wo.product]

    # First inspection: every work order.
    next_day = ((rng.random(n) < 0.3) & ~wo.affected).astype(np.int64).astype("timedelta64[D]")
    first_date = np.minimum(wo.start + next_day, w.end_day)
    first_qty = aql_sample(wo.planned)
    # Final inspection: finished work orders, some of them (all incident-lot ones).
    produced = wo.good + wo.scrap
    final = ~np.isnat(wo.finish) & (produced > 0) & ((rng.random(n) < FINAL_SHARE) | wo.affected)
    fo = np.flatnonzero(final)
    final_qty = np.where(FULL_FINAL[fam[fo]], produced[fo], aql_sample(produced[fo]))

    src = np.concatenate([np.arange(n), fo])  # work order of each inspection
    kind = np.concatenate([np.zeros(n, np.int8), np.ones(len(fo), np.int8)])
    date = np.concatenate([first_date, wo.finish[fo]])
    inspected = np.concatenate([first_qty, final_qty]).astype(np.int64)
    m = w.month_index(date)
    plant = wo.plant[src]

    month_noise = np.exp(rng.normal(0, 0.08, (len(PLANTS), w.n_months)))
    rate = PLANT_RATE[plant] * month_noise[plant, m] * 0.92 ** (m / 12.0)
    defects = rng.binomial(inspected, rate)

    # Incident: raise 材料缺陷 on the bad lot until the plant's month rate is ratio x usual.
    cz = plant == PLANTS.index(INCIDENT_PLANT)
    cz_insp = np.bincount(m[cz], weights=inspected[cz], minlength=w.n_months)
    cz_def = np.bincount(m[cz], weights=defects[cz], minlength=w.n_months)
    others = (np.arange(w.n_months) != incident.month) & (cz_insp > 0)
    usual = float(np.median(cz_def[others] / cz_insp[others])) if others.any() else float(PLANT_RATE[1])
    hit = np.flatnonzero(wo.affected[src] & (m == incident.month))
    extra_total = max(0.0, incident.ratio * usual * cz_insp[incident.month] - cz_def[incident.month])
    extra = np.zeros(len(src), dtype=np.int64)
    if len(hit):
        room = inspected[hit] - defects[hit]
        share = extra_total * inspected[hit] / inspected[hit].sum()
        extra[hit] = np.minimum(room, np.round(share)).astype(np.int64)
    defects = defects + extra

    dtype = np.full(len(src), DEFECT_NONE, dtype=np.int64)
    has = defects > 0
    for p in range(len(PLANTS)):
        rows = np.flatnonzero(has & (plant == p))
        dtype[rows] = rng.choice(4, len(rows), p=DEFECT_MIX[p])
    dtype[extra > 0] = DEFECT_MATERIAL

    # The bad lot's extra defects end up as scrap of the affected work orders.
    extra_wo = np.bincount(src, weights=extra, minlength=n)
    move = np.minimum(np.round(extra_wo * SCRAP_PER_EXTRA_DEFECT).astype(np.int64), wo.good)
    wo.scrap, wo.good = wo.scrap + move, wo.good - move

    order = np.lexsort((kind, src, date))
    src, kind, date, inspected, defects, dtype, m = (
        a[order] for a in (src, kind, date, inspected, defects, dtype, m)
    )
    seq = np.arange(len(src)) - np.searchsorted(m, m) + 1
    sup = wo.supplier[src]
    labels = batch_labels(w, suppliers)
    table = pa.table(
        {
            "insp_order": np.arange(len(src), dtype=np.int64),
            "month_seq": seq.astype(np.int32),
            "wo_date": wh.dates(wo.start[src]),
            "wo_seq": wo.seq[src].astype(np.int32),
            "inspection_date": wh.dates(date),
            "supplier_id": pa.array(suppliers.supplier_id[np.maximum(sup, 0)], mask=sup < 0),
            "batch_no": wh.strings(wo.batch[src], labels),
            "inspected_qty": inspected.astype(np.int32),
            "defect_type": wh.strings(dtype, DEFECT_TYPES),
            "defect_qty": defects.astype(np.int32),
        }
    )
    bad_batch = batch_index(
        w.n_months,
        np.array([incident.supplier_idx]),
        np.array([incident.month]),
        np.array([1]),
        len(suppliers),
    )
    facts = IncidentFacts(
        month=incident.month,
        supplier_id=int(suppliers.supplier_id[incident.supplier_idx]),
        batch_no=labels[int(bad_batch[0])],
        usual_rate=usual,
        incident_rate=float((cz_def[incident.month] + extra.sum()) / max(cz_insp[incident.month], 1.0)),
    )
    return table, facts


EXPRS = {
    "inspection_id": wh.id_sql("QC", "inspection_date", "%Y%m", "month_seq", 6),
    "work_order_id": wh.id_sql("WO", "wo_date", "%Y%m", "wo_seq", 6),
}
ORDER_BY = "insp_order"
