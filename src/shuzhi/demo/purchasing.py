"""SRM: suppliers (60, not scaled) and purchase_orders (~15,000 per unit of scale).

Invariants:
- Each supplier sells one material_category; is_domestic is exactly (country = 中国). Bearings,
  chips and lubricants are partly imported (日本/德国/瑞典/瑞士/美国/韩国), steel mostly and
  rare-earth magnets and castings entirely domestic.
- Within a category, suppliers have fixed volume shares (a few main suppliers, a tail of small
  ones); production.py draws the supplier of a work order's material with the same shares.
- Monthly purchase amount = MATERIAL_SHARE of the cost of goods of this and next month (buy
  ahead of use), split by category shares and supplier shares; every PO belongs to one
  supplier and carries that supplier's category. Amounts are exact sums of rounded values.
- po_id = PO + yyyymm + '-' + 6-digit sequence within the month, in date order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import names
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import covered_share, sample_days
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import CHINA, MATERIAL_CATEGORIES
from shuzhi.demo.sales import SalesSummary

# Per category (contract order): supplier count, import share, cities, foreign countries, words.
CATEGORY_SUPPLIERS = np.array([10, 12, 14, 8, 6, 10])
CATEGORY_IMPORT = np.array([0.1, 0.5, 0.4, 0.0, 0.34, 0.0])
CATEGORY_SPEND = np.array([0.22, 0.20, 0.22, 0.14, 0.04, 0.18])
CITIES = (
    ("江阴市", "常州市", "无锡市", "马鞍山市", "本溪市", "大冶市"),
    ("洛阳市", "瓦房店市", "襄阳市", "慈溪市", "温州市", "哈尔滨市"),
    ("深圳市", "苏州市", "无锡市", "上海市", "成都市", "合肥市"),
    ("宁波市", "包头市", "赣州市", "太原市", "烟台市"),
    ("上海市", "天津市", "重庆市", "淄博市"),
    ("常州市", "泊头市", "台州市", "宁波市", "佛山市", "芜湖市"),
)
WORDS_ZH = (
    ("特钢", "特殊钢", "轴承钢材"),
    ("精密轴承", "轴承", "轴承制造"),
    ("微电子", "半导体", "电子元器件"),
    ("稀土磁材", "磁业", "永磁科技"),
    ("润滑科技", "特种油品", "润滑材料"),
    ("精密铸造", "锻造", "铸锻"),
)
FOREIGN = (
    ("日本", "瑞典"),
    ("日本", "德国", "瑞典", "瑞士"),
    ("美国", "日本", "德国", "韩国"),
    (),
    ("德国", "美国", "日本"),
    (),
)
WORDS_EN = (
    ("Special Steel", "Bearing Steel"),
    ("Precision Bearings", "Bearing Technology"),
    ("Microelectronics", "Semiconductor", "Electronic Components"),
    (),
    ("Lubricants", "Tribology"),
    (),
)
LEGAL_FORM = {
    "日本": ("Co., Ltd.",),
    "德国": ("GmbH",),
    "瑞典": ("AB",),
    "瑞士": ("AG",),
    "美国": ("Inc.",),
    "韩国": ("Co., Ltd.",),
}
MATERIAL_SHARE = 0.55  # purchased material as a share of cost of goods sold
POS_PER_UNIT_SCALE = 15_000


@dataclass(frozen=True)
class Suppliers:
    supplier_id: np.ndarray  # int32, 1..N
    name: np.ndarray
    country: np.ndarray
    category: np.ndarray
    share: np.ndarray  # volume share within its category

    def __len__(self) -> int:
        return len(self.supplier_id)

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "supplier_id": self.supplier_id,
                "supplier_name": self.name.tolist(),
                "country": self.country.tolist(),
                "is_domestic": self.country == CHINA,
                "material_category": wh.strings(self.category, MATERIAL_CATEGORIES),
            }
        )


def generate_suppliers(ctx: DemoContext) -> Suppliers:
    rng = ctx.rng("suppliers")
    category = np.repeat(np.arange(len(MATERIAL_CATEGORIES)), CATEGORY_SUPPLIERS)
    n = len(category)
    foreign = rng.random(n) < CATEGORY_IMPORT[category]
    country = np.full(n, CHINA, dtype=object)
    city = np.empty(n, dtype=object)
    for c in range(len(MATERIAL_CATEGORIES)):
        rows = np.flatnonzero(category == c)
        city[rows] = names.pick(rng, CITIES[c], len(rows))
        f = rows[foreign[rows]]
        country[f] = names.pick(rng, FOREIGN[c], len(f))
    name = np.empty(n, dtype=object)
    dom = np.flatnonzero(~foreign)
    name[dom] = names.chinese_company_names(
        rng, city[dom], [WORDS_ZH[c] for c in category[dom]], listed_share=0.3
    )
    fr = np.flatnonzero(foreign)
    name[fr] = names.latin_company_names(
        rng, country[fr], [WORDS_EN[c] for c in category[fr]], [LEGAL_FORM[k] for k in country[fr]]
    )
    share = np.empty(n)
    for c in range(len(MATERIAL_CATEGORIES)):
        rows = np.flatnonzero(category == c)
        share[rows] = rng.dirichlet(np.full(len(rows), 1.2))
    return Suppliers(np.arange(1, n + 1, dtype=np.int32), name, country, category, share)


def generate_orders(ctx: DemoContext, suppliers: Suppliers, sales: SalesSummary) -> pa.Table:
    rng = ctx.rng("purchase_orders")
    w = ctx.window
    cov = covered_share(w)
    run_rate = sales.cogs / cov  # full-month equivalent
    ahead = np.concatenate([run_rate[1:], run_rate[-1:]])
    spend = MATERIAL_SHARE * 0.5 * (run_rate + ahead) * cov * np.exp(rng.normal(0, 0.05, w.n_months))
    cell_spend = (
        spend[:, None] * (CATEGORY_SPEND[suppliers.category] * suppliers.share)[None, :]
    )  # [month, supplier]
    lam = POS_PER_UNIT_SCALE * ctx.scale * cell_spend / cell_spend.sum()
    count = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(count.size), count)
    month, sup = np.divmod(cell, len(suppliers))
    raw = np.exp(rng.normal(0, 0.6, len(cell)))
    raw_sum = np.bincount(cell, weights=raw, minlength=count.size)
    amount = np.round(raw * cell_spend.ravel()[cell] / raw_sum[cell], 2)
    po_date = sample_days(rng, w, month)
    order = np.lexsort((sup, po_date))  # by date, then supplier
    po_date, sup, amount, month = po_date[order], sup[order], amount[order], month[order]
    first = np.searchsorted(month, np.arange(w.n_months))
    return pa.table(
        {
            "po_seq": np.arange(len(cell), dtype=np.int64),
            "month_seq": (np.arange(len(cell)) - first[month] + 1).astype(np.int32),
            "po_date": wh.dates(po_date),
            "supplier_id": suppliers.supplier_id[sup],
            "material_category": wh.strings(suppliers.category[sup], MATERIAL_CATEGORIES),
            "amount": amount,
        }
    )


PO_ID_SQL = wh.id_sql("PO", "po_date", "%Y%m", "month_seq", 6)
ORDER_BY = "po_seq"
