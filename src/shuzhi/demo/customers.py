"""Customers (about 2,000, not scaled) and the sales reps who own them.

Invariants:
- Every one of the 31 mainland provinces has at least one customer created before the window
  starts, so every province shows up in sales. 海外 customers have province/city NULL and a
  foreign country; all others have country 中国.
- customer_id is 10001.. in order of created_date (as an ERP numbers accounts).
- Each customer has one owning sales rep from its region; that rep is the sales_rep of its
  orders and the owner of its opportunities.
- size (relative purchasing volume) is heavy-tailed: a few key accounts, many small ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import names
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import activity, sample_days
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import CHINA, CUSTOMER_TYPES, INDUSTRIES, OVERSEAS, REGIONS
from shuzhi.demo.geo import OVERSEAS_COUNTRIES, OVERSEAS_SHARE, PROVINCES, REGION_WAREHOUSE

N_CUSTOMERS = 2000
INDUSTRY_SHARE = np.array([0.18, 0.20, 0.10, 0.08, 0.10, 0.13, 0.15, 0.06])
DISTRIBUTOR_SHARE = 0.18
EXISTING_SHARE = 0.7  # customers acquired before the window starts
REPS_PER_REGION = {"华东": 12, "华南": 6, "华北": 5, "华中": 4, "西南": 3, "西北": 2, "东北": 2, "海外": 3}
MAX_AGE_YEARS = 16


@dataclass(frozen=True)
class Customers:
    customer_id: np.ndarray  # int32
    name: np.ndarray  # object
    industry: np.ndarray
    ctype: np.ndarray
    region: np.ndarray
    province: np.ndarray  # index into geo.PROVINCES, -1 abroad
    city: np.ndarray  # object, None abroad
    country: np.ndarray  # object
    created: np.ndarray  # datetime64[D]
    size: np.ndarray  # relative purchasing volume
    price_factor: np.ndarray  # customer-specific price level (negotiated)
    rep: np.ndarray  # index into rep_names
    rep_names: np.ndarray  # object
    warehouse: np.ndarray  # serving warehouse (index into contract.WAREHOUSES)

    def __len__(self) -> int:
        return len(self.customer_id)

    def to_arrow(self) -> pa.Table:
        prov_names = [p[0] for p in PROVINCES]
        return pa.table(
            {
                "customer_id": self.customer_id,
                "customer_name": self.name.tolist(),
                "industry": wh.strings(self.industry, INDUSTRIES),
                "customer_type": wh.strings(self.ctype, CUSTOMER_TYPES),
                "region": wh.strings(self.region, REGIONS),
                "province": pa.array([prov_names[i] if i >= 0 else None for i in self.province.tolist()]),
                "city": pa.array(self.city.tolist(), type=pa.string()),
                "country": self.country.tolist(),
                "created_date": wh.dates(self.created),
            }
        )


def generate(ctx: DemoContext) -> Customers:
    rng = ctx.rng("customers")
    w = ctx.window
    n = N_CUSTOMERS
    n_abroad = round(n * OVERSEAS_SHARE)
    n_dom = n - n_abroad

    # Domestic: one anchor customer per province, the rest by province weight.
    pw = np.array([p[2] for p in PROVINCES])
    province = np.concatenate(
        [np.arange(len(PROVINCES)), rng.choice(len(PROVINCES), n_dom - len(PROVINCES), p=pw / pw.sum())]
    )
    region = np.array([REGIONS.index(PROVINCES[i][1]) for i in province])
    city = np.empty(n_dom, dtype=object)
    for k, (_, _, _, cities) in enumerate(PROVINCES):
        rows = np.flatnonzero(province == k)
        cw = np.array([c[1] for c in cities], dtype=float)
        city[rows] = np.array([c[0] for c in cities], dtype=object)[
            rng.choice(len(cities), len(rows), p=cw / cw.sum())
        ]

    # Abroad.
    cw = np.array([c[1] for c in OVERSEAS_COUNTRIES])
    country_idx = rng.choice(len(OVERSEAS_COUNTRIES), n_abroad, p=cw / cw.sum())
    country_abroad = np.array([OVERSEAS_COUNTRIES[i][0] for i in country_idx], dtype=object)

    industry = rng.choice(len(INDUSTRIES), n, p=INDUSTRY_SHARE / INDUSTRY_SHARE.sum())
    ctype = (rng.random(n) < DISTRIBUTOR_SHARE).astype(np.int64)

    dom_words = [
        names.DISTRIBUTOR_WORDS_ZH if t else names.INDUSTRY_WORDS_ZH[i]
        for i, t in zip(industry[:n_dom], ctype[:n_dom], strict=True)
    ]
    dom_names = names.chinese_company_names(rng, city, dom_words)
    abroad_words = [
        names.DISTRIBUTOR_WORDS_EN if t else names.INDUSTRY_WORDS_EN[i]
        for i, t in zip(industry[n_dom:], ctype[n_dom:], strict=True)
    ]
    abroad_names = names.latin_company_names(
        rng, country_abroad, abroad_words, [OVERSEAS_COUNTRIES[i][2] for i in country_idx]
    )

    # Acquisition dates: most before the window (more recent ones likelier), the rest inside
    # it following business activity. Province anchors are always existing customers.
    existing = rng.random(n) < EXISTING_SHARE
    existing[: len(PROVINCES)] = True
    age = (30 + rng.exponential(4 * 365, n) % (MAX_AGE_YEARS * 365)).astype("timedelta64[D]")
    created = w.start - age
    act = activity(w)
    month = rng.choice(w.n_months, n, p=act / act.sum())
    inside = ~existing
    created[inside] = sample_days(rng, w, month[inside])

    size = np.exp(rng.normal(0, 1.1, n)) * np.where(ctype == 1, 2.0, 1.0)
    # Province anchors are established accounts that buy regularly (every province has sales).
    size[: len(PROVINCES)] = np.maximum(size[: len(PROVINCES)], 2.0 * np.median(size))
    price_factor = np.exp(rng.normal(0, 0.03, n))

    rep_region = np.concatenate([np.full(k, REGIONS.index(r)) for r, k in REPS_PER_REGION.items()])
    rep_names = names.person_names(rng, len(rep_region))
    full_region = np.concatenate([region, np.full(n_abroad, REGIONS.index(OVERSEAS))])
    rep = np.empty(n, dtype=np.int64)
    for r in range(len(REGIONS)):
        rows = np.flatnonzero(full_region == r)
        rep[rows] = rng.choice(np.flatnonzero(rep_region == r), len(rows))

    order = np.argsort(created, kind="stable")
    nones = np.full(n_abroad, None, dtype=object)
    cols = {
        "name": np.concatenate([dom_names, abroad_names]),
        "industry": industry,
        "ctype": ctype,
        "region": full_region,
        "province": np.concatenate([province, np.full(n_abroad, -1)]),
        "city": np.concatenate([city, nones]),
        "country": np.concatenate([np.full(n_dom, CHINA, dtype=object), country_abroad]),
        "created": created,
        "size": size,
        "price_factor": price_factor,
        "rep": rep,
    }
    cols = {k: v[order] for k, v in cols.items()}
    return Customers(
        customer_id=np.arange(10001, 10001 + n, dtype=np.int32),
        rep_names=rep_names,
        warehouse=np.array([REGION_WAREHOUSE[REGIONS[r]] for r in cols["region"]]),
        **cols,
    )
