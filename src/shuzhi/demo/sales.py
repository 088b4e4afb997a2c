"""sales_orders: ~500,000 order lines per unit of scale, generated and written month by month.

Model (per month, vectorised over its orders and lines):
- Monthly revenue follows calendar.activity (growth, Spring-Festival dip, December peak). The
  expected number of lines per month is that curve divided by the expected line amount of the
  month's product mix (so ramping, pricier new products do not bend the growth curve); a pilot
  month fixes the revenue per line. Each month draws ~30 % more candidate orders than planned
  and keeps a random subset whose revenue meets the month's target, so heavy-tailed order
  values do not add noise to growth and seasonality at small scales.
- Orders: working-day-weighted dates; a customer created before the month, drawn by its size;
  1-6 lines; channel from the customer (海外 abroad, 经销 for distributors, some 电商).
- Lines: product by the customer industry's affinity to each product line and by availability
  (none before launch; see products.py); quantity lognormal around a price-dependent median;
  unit_price = list price x channel level x customer level; amount is computed in SQL as
  round(quantity * unit_price * (1 - discount_rate), 2) so the rule holds exactly in DuckDB;
  cost = quantity x standard_cost x slow cost-down.
- Status per order: 已取消 (a few %, ship_date NULL); if the lead time ends after `end`,
  待发货 (ship_date NULL); else shipped, and 已完成 once acceptance (days after shipping) is
  also before `end`, otherwise 已发货. No date is ever after `end`.
- The planned sales drop keeps only a random subset of the chosen province's orders in its month,
  worth `keep` (30 %) of the province's usual month (median of the previous 12 months).

order_id = SO + order date + '-' + 5-digit sequence of the day (unique because the date is in it).
Rows are stored ordered by (order date, daily sequence, line_no).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.anomalies import SalesDrop
from shuzhi.demo.calendar import activity, sample_days_in_month
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import (
    CHANNELS,
    INDUSTRIES,
    ORDER_STATUSES,
    OVERSEAS,
    PRODUCT_LINES,
    REGIONS,
    STATUS_CANCELLED,
    STATUS_DONE,
    STATUS_PENDING,
    STATUS_SHIPPED,
    WAREHOUSES,
)
from shuzhi.demo.customers import Customers
from shuzhi.demo.geo import PROVINCES
from shuzhi.demo.products import REALISED_PRICE_SHARE, Products

LINES_PER_UNIT_SCALE = 500_000
LINES_P = np.array([0.35, 0.25, 0.17, 0.11, 0.07, 0.05])  # 1..6 lines per order
_RAW_MEAN_LINES = float((np.arange(1, 7) * LINES_P).sum())  # 2.45
# Online orders (about 11 %) are capped at two lines (mean 1.65), which lowers the mean.
MEAN_LINES = _RAW_MEAN_LINES - 0.11 * (_RAW_MEAN_LINES - 1.65)
MAX_DAILY_ORDERS = 99_999  # order_id has a 5-digit daily sequence

# Industry x product line affinity (rows: contract.INDUSTRIES, columns: PRODUCT_LINES).
AFFINITY = np.array(
    [
        [0.15, 0.15, 0.15, 0.30, 0.25],  # 新能源汽车
        [0.45, 0.05, 0.05, 0.35, 0.10],  # 工业机器人
        [0.05, 0.35, 0.35, 0.10, 0.15],  # 半导体设备
        [0.15, 0.25, 0.20, 0.20, 0.20],  # 医疗器械
        [0.10, 0.25, 0.20, 0.30, 0.15],  # 光伏储能
        [0.10, 0.30, 0.25, 0.25, 0.10],  # 3C电子
        [0.05, 0.35, 0.40, 0.15, 0.05],  # 数控机床
        [0.25, 0.15, 0.15, 0.15, 0.30],  # 航空航天
    ]
)
# Per channel (直销, 经销, 电商, 海外): price level, quantity multiple, cancellation rate.
CHANNEL_PRICE = np.array([1.0, 0.86, 1.04, 1.12])
CHANNEL_QTY = np.array([1.0, 1.6, 0.35, 1.3])
CHANNEL_CANCEL = np.array([0.03, 0.035, 0.06, 0.03])
DISCOUNTS = np.array([0.0, 0.02, 0.03, 0.05, 0.08, 0.10, 0.12, 0.15])
DISCOUNT_P = np.array([0.34, 0.12, 0.12, 0.16, 0.10, 0.08, 0.05, 0.03])
QTY_SIGMA = 0.65
ECOMMERCE_SHARE = {0: 0.12, 1: 0.10}  # share of 直销客户 / 经销商 orders placed online
COST_DOWN_PER_YEAR = 0.01
PILOT_ORDERS = 20_000
CANDIDATE_SURPLUS = 1.3  # candidates drawn per planned order; the revenue target picks among them


@dataclass
class SalesSummary:
    """Aggregates of the non-cancelled lines that the other subject areas build on."""

    qty: np.ndarray  # [warehouse, product, month] quantity
    revenue: np.ndarray  # [month]
    cogs: np.ndarray  # [month]
    province_revenue: np.ndarray  # [province (geo.PROVINCES order; last row abroad), month]
    rows: int = 0


def median_qty(products: Products) -> np.ndarray:
    """Typical line quantity: cheap parts are bought by the dozen, RV reducers one or two."""
    return np.clip(2500.0 / products.list_price, 1.0, 60.0)


def expected_qty(median: np.ndarray) -> np.ndarray:
    """E[max(1, round(median * exp(sigma Z)))], by Gauss-Hermite quadrature (no sampling)."""
    z, wt = np.polynomial.hermite_e.hermegauss(48)
    wt = wt / wt.sum()
    return (np.maximum(1, np.round(median[:, None] * np.exp(QTY_SIGMA * z[None, :]))) * wt).sum(axis=1)


def product_probs(customers: Customers, products: Products, n_months: int) -> np.ndarray:
    """[industry, month, product] probability of a line's product."""
    avail = products.availability(n_months)  # [P, M]
    line_demand = np.bincount(products.line, weights=products.demand, minlength=len(PRODUCT_LINES))
    within = products.demand / line_demand[products.line]  # share in its line at full availability
    w = AFFINITY[:, products.line][:, None, :] * (within[:, None] * avail).T[None, :, :]
    return w / w.sum(axis=2, keepdims=True)


def line_amounts(customers: Customers, products: Products, probs: np.ndarray) -> np.ndarray:
    """Analytic expected line amount per month (up to a constant): it moves with the product mix."""
    ind_share = np.bincount(customers.industry, weights=customers.size, minlength=len(INDUSTRIES))
    ind_share = ind_share / ind_share.sum()
    per_product = products.list_price * expected_qty(median_qty(products)) * REALISED_PRICE_SHARE
    return np.einsum("i,imp,p->m", ind_share, probs, per_product)


def plan_lines(ctx: DemoContext, customers: Customers, products: Products, probs: np.ndarray) -> np.ndarray:
    """Expected order lines per month such that revenue (not line count) follows activity()."""
    rng = ctx.rng("sales.plan")
    w = ctx.window
    target = activity(w) * np.exp(rng.normal(0, 0.02, w.n_months)) / line_amounts(customers, products, probs)
    return LINES_PER_UNIT_SCALE * ctx.scale * target / target.sum()


@dataclass
class _Month:
    """Candidate orders of one month and their lines (arrays aligned by order / by line)."""

    odate: np.ndarray
    cust: np.ndarray
    channel: np.ndarray
    status: np.ndarray
    ship: np.ndarray
    n_lines: np.ndarray
    o: np.ndarray  # order index of each line
    prod: np.ndarray
    qty: np.ndarray
    price: np.ndarray
    discount: np.ndarray
    cost: np.ndarray

    def live_amount(self) -> np.ndarray:
        """Per-line amount counted in revenue (0 for cancelled orders)."""
        live = self.status[self.o] != STATUS_CANCELLED
        return self.qty * self.price * (1 - self.discount) * live

    def subset(self, keep: np.ndarray) -> _Month:
        """Keep the orders where `keep` is true (order and line order preserved)."""
        keep_line = keep[self.o]
        new_index = np.cumsum(keep) - 1
        by_order = {
            k: getattr(self, k)[keep] for k in ("odate", "cust", "channel", "status", "ship", "n_lines")
        }
        by_line = {k: getattr(self, k)[keep_line] for k in ("prod", "qty", "price", "discount", "cost")}
        return _Month(o=new_index[self.o[keep_line]], **by_order, **by_line)


class _Generator:
    """Draws candidate orders for a month; shared by the pilot and the real months."""

    def __init__(self, ctx: DemoContext, customers: Customers, products: Products, probs: np.ndarray) -> None:
        self.ctx, self.customers, self.products, self.probs = ctx, customers, products, probs
        self.med_q = median_qty(products)
        self.cust_qmult = np.clip((customers.size / np.median(customers.size)) ** 0.25, 0.6, 2.5)
        self.abroad = customers.region == REGIONS.index(OVERSEAS)
        walk = ctx.rng("sales.cost").normal(0, 0.004, (len(products), ctx.window.n_months))
        self.cost_walk = np.exp(np.cumsum(walk, axis=1))

    def month(self, rng: np.random.Generator, i: int, n: int) -> _Month:
        w, customers, products = self.ctx.window, self.customers, self.products
        odate = sample_days_in_month(rng, w, i, n)
        eligible = np.flatnonzero(customers.created < w.month_start(i))
        size = customers.size[eligible]
        cust = eligible[rng.choice(len(eligible), n, p=size / size.sum())]

        online = rng.random(n) < np.where(customers.ctype[cust] == 1, ECOMMERCE_SHARE[1], ECOMMERCE_SHARE[0])
        channel = np.where(self.abroad[cust], 3, np.where(online, 2, customers.ctype[cust]))
        n_lines = rng.choice(np.arange(1, 7), n, p=LINES_P)
        n_lines = np.where(channel == 2, np.minimum(n_lines, 2), n_lines)

        lead = np.round(2 + rng.gamma(2.0, 4.0, n) + 7 * (channel == 3)).astype("timedelta64[D]")
        accept = np.round(4 + rng.gamma(2.0, 5.0, n) + 20 * (channel == 3)).astype("timedelta64[D]")
        ship = odate + lead
        cancelled = rng.random(n) < CHANNEL_CANCEL[channel]
        end = w.end_day
        status = np.select(
            [cancelled, ship > end, ship + accept > end],
            [STATUS_CANCELLED, STATUS_PENDING, STATUS_SHIPPED],
            STATUS_DONE,
        )
        ship = np.where((status == STATUS_CANCELLED) | (status == STATUS_PENDING), np.datetime64("NaT"), ship)

        o = np.repeat(np.arange(n), n_lines)
        n_l = len(o)
        lc = cust[o]
        ind = customers.industry[lc]
        prod = np.empty(n_l, dtype=np.int64)
        for k in range(len(INDUSTRIES)):
            rows = np.flatnonzero(ind == k)
            prod[rows] = rng.choice(len(products), len(rows), p=self.probs[k, i])
        ch = channel[o]
        noise = np.exp(rng.normal(0, QTY_SIGMA, n_l))
        qty = np.maximum(
            1, np.round(self.med_q[prod] * noise * CHANNEL_QTY[ch] * self.cust_qmult[lc])
        ).astype(np.int32)
        level = CHANNEL_PRICE[ch] * customers.price_factor[lc] * np.exp(rng.normal(0, 0.01, n_l))
        price = np.round(products.list_price[prod] * level, 2)
        discount = DISCOUNTS[rng.choice(len(DISCOUNTS), n_l, p=DISCOUNT_P)]
        promo = (ch == 2) & (w.month_of_year[i] == 11) & (rng.random(n_l) < 0.5)  # 双十一 online promotion
        discount = np.where(ch == 2, np.where(promo, 0.10, np.where(discount >= 0.05, 0.05, 0.0)), discount)
        drift = (
            (1 - COST_DOWN_PER_YEAR) ** (i / 12) * self.cost_walk[prod, i] * np.exp(rng.normal(0, 0.01, n_l))
        )
        cost = np.round(qty * products.standard_cost[prod] * drift, 2)
        return _Month(odate, cust, channel, status, ship, n_lines, o, prod, qty, price, discount, cost)


def _take_until(rng: np.random.Generator, order_amount: np.ndarray, target: float) -> np.ndarray:
    """Keep a random subset of orders whose total is as close as possible to `target`.

    Orders are i.i.d. candidates, so a random prefix of a permutation is an unbiased sample;
    cutting it at the revenue target removes the sampling noise of heavy-tailed order values
    from the monthly totals (growth and seasonality stay as designed at any scale).
    """
    perm = rng.permutation(len(order_amount))
    cum = np.cumsum(order_amount[perm])
    k = int(np.searchsorted(cum, target))
    if k < len(cum) and (k == 0 or cum[k] - target < target - cum[k - 1]):
        k += 1
    keep = np.zeros(len(order_amount), dtype=bool)
    keep[perm[:k]] = True
    return keep


def generate(
    ctx: DemoContext,
    con: duckdb.DuckDBPyConnection,
    customers: Customers,
    products: Products,
    drop: SalesDrop,
    on_month: Callable[[int], None] | None = None,
) -> SalesSummary:
    """Create sales_orders and fill it month by month; returns the aggregates."""
    rng = ctx.rng("sales")
    w = ctx.window
    n_p = len(products)
    probs = product_probs(customers, products, w.n_months)
    gen = _Generator(ctx, customers, products, probs)
    lines = plan_lines(ctx, customers, products, probs)

    # Revenue per line in a large pilot month (own stream, independent of scale) calibrates the
    # analytic line amount; monthly revenue targets then follow the plan exactly.
    analytic = line_amounts(customers, products, probs)
    pilot_month = w.n_months // 2
    pilot = gen.month(ctx.rng("sales.pilot"), pilot_month, PILOT_ORDERS)
    per_line = pilot.live_amount().sum() / len(pilot.o)
    target = lines * analytic * (per_line / analytic[pilot_month])

    summary = SalesSummary(
        qty=np.zeros((len(WAREHOUSES), n_p, w.n_months)),
        revenue=np.zeros(w.n_months),
        cogs=np.zeros(w.n_months),
        province_revenue=np.zeros((len(PROVINCES) + 1, w.n_months)),
    )
    wh.create(con, "sales_orders")
    order_base = 0
    for i in range(w.n_months):
        cand = gen.month(rng, i, int(lines[i] / MEAN_LINES * CANDIDATE_SURPLUS) + 20)
        order_amount = np.bincount(cand.o, weights=cand.live_amount(), minlength=len(cand.odate))
        keep = _take_until(rng, order_amount, target[i])
        if i == drop.month:
            # Keep a random subset of the province's orders worth `keep` x its usual month (the
            # median of the previous 12 months, so a seasonal peak month drops just as clearly).
            theirs = np.flatnonzero(keep & (customers.province[cand.cust] == drop.province))
            usual = (
                float(np.median(summary.province_revenue[drop.province, max(0, i - 12) : i])) if i else 0.0
            )
            kept = _take_until(rng, order_amount[theirs], drop.keep * usual)
            keep[theirs[~kept]] = False
        m = cand.subset(keep)
        n_o = len(m.odate)
        _, first, inv = np.unique(m.odate, return_index=True, return_inverse=True)
        day_seq = np.arange(n_o) - first[inv] + 1
        if n_o and day_seq.max() > MAX_DAILY_ORDERS:  # pragma: no cover - scale is capped at 100
            raise ValueError("too many orders per day for the 5-digit order sequence")
        n_l = len(m.o)
        line_no = np.arange(n_l) - np.repeat(np.cumsum(m.n_lines) - m.n_lines, m.n_lines) + 1
        lc = m.cust[m.o]
        data = pa.table(
            {
                "order_seq": np.arange(order_base, order_base + n_o)[m.o],
                "line_no": line_no.astype(np.int32),
                "order_date": wh.dates(m.odate[m.o]),
                "day_seq": day_seq[m.o].astype(np.int32),
                "ship_date": wh.dates(m.ship[m.o]),
                "customer_id": customers.customer_id[lc],
                "product_id": products.product_id[m.prod],
                "sales_rep": wh.strings(customers.rep[lc], customers.rep_names.tolist()),
                "channel": wh.strings(m.channel[m.o], CHANNELS),
                "quantity": m.qty,
                "unit_price": m.price,
                "discount_rate": m.discount,
                "cost": m.cost,
                "status": wh.strings(m.status[m.o], ORDER_STATUSES),
            }
        )
        wh.insert(
            con,
            "sales_orders",
            data,
            order_by="order_seq, line_no",
            exprs={
                "order_id": wh.id_sql("SO", "order_date", "%Y%m%d", "day_seq", 5),
                "amount": "round(quantity * unit_price * (1 - discount_rate), 2)",
            },
        )
        order_base += n_o
        summary.rows += n_l

        live = m.status[m.o] != STATUS_CANCELLED
        cell = customers.warehouse[lc[live]] * n_p + m.prod[live]
        n_cells = len(WAREHOUSES) * n_p
        summary.qty[:, :, i] = np.bincount(cell, weights=m.qty[live], minlength=n_cells).reshape(
            len(WAREHOUSES), n_p
        )
        live_amount = m.live_amount()
        summary.revenue[i] = float(live_amount.sum())
        prov = np.where(customers.province[lc] < 0, len(PROVINCES), customers.province[lc])
        summary.province_revenue[:, i] = np.bincount(prov, weights=live_amount, minlength=len(PROVINCES) + 1)
        summary.cogs[i] = float(m.cost[live].sum())
        if on_month is not None:
            on_month(i)
    return summary
