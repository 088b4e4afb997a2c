"""The product catalog: ~66 precision motion-control parts in the contract's five lines.

Invariants:
- Codes and names are fixed (e.g. RV-40E / RV-40E 精密摆线减速机); list prices, costs and launch
  dates are drawn from the seed. product_id is 1..N in catalog order.
- New products (is_new_product) are launched inside the history window, at least 6 months
  before its end; established products were launched before the window started.
- availability()[p, m] is 0 up to and including the launch month and ramps up afterwards
  (1 - exp(-k/4) in the k-th month after launch), so no sale precedes launch_date.
- standard_cost is set so that the line's gross margin lands near its target after the usual
  channel prices and discounts (~30 % guide rails ... ~45 % sensors), with a product jitter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import Window
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import PRODUCT_LINES

# Production families: routing to plant/line and the key purchased material (see production.py).
FAMILIES = ("RV", "HD", "PL", "LG", "BS", "MO", "EL", "SE")

# (code, name, product line index, list price 元, relative demand, family, new product)
CATALOG: tuple[tuple[str, str, int, float, float, str, bool], ...] = (
    ("RV-20E", "RV-20E 精密摆线减速机", 0, 9800, 3.0, "RV", False),
    ("RV-40E", "RV-40E 精密摆线减速机", 0, 12800, 4.0, "RV", False),
    ("RV-80E", "RV-80E 精密摆线减速机", 0, 16800, 3.0, "RV", False),
    ("RV-110E", "RV-110E 精密摆线减速机", 0, 19800, 2.0, "RV", False),
    ("RV-160E", "RV-160E 精密摆线减速机", 0, 23800, 1.6, "RV", False),
    ("RV-320E", "RV-320E 精密摆线减速机", 0, 36800, 0.8, "RV", False),
    ("RV-450E", "RV-450E 重载摆线减速机", 0, 45800, 0.6, "RV", True),
    ("RV-40C", "RV-40C 中空摆线减速机", 0, 14800, 1.5, "RV", False),
    ("RV-100C", "RV-100C 中空摆线减速机", 0, 22800, 1.0, "RV", True),
    ("HD-14", "HD-14 谐波减速机", 0, 2680, 3.0, "HD", False),
    ("HD-17", "HD-17 谐波减速机", 0, 3180, 4.0, "HD", False),
    ("HD-20", "HD-20 谐波减速机", 0, 3680, 4.0, "HD", False),
    ("HD-25", "HD-25 谐波减速机", 0, 4580, 3.0, "HD", False),
    ("HD-32", "HD-32 谐波减速机", 0, 5980, 2.0, "HD", False),
    ("HD-40", "HD-40 大扭矩谐波减速机", 0, 7980, 1.2, "HD", True),
    ("PL060", "PL060 精密行星减速机", 0, 1580, 3.0, "PL", False),
    ("PL090", "PL090 精密行星减速机", 0, 2180, 3.0, "PL", False),
    ("PL120", "PL120 精密行星减速机", 0, 3280, 2.0, "PL", False),
    ("PL160", "PL160 精密行星减速机", 0, 4880, 1.0, "PL", False),
    ("LGB15CA", "LGB15CA 滚珠直线导轨", 1, 420, 4.0, "LG", False),
    ("LGB20CA", "LGB20CA 滚珠直线导轨", 1, 560, 5.0, "LG", False),
    ("LGB25CA", "LGB25CA 滚珠直线导轨", 1, 720, 5.0, "LG", False),
    ("LGB30CA", "LGB30CA 滚珠直线导轨", 1, 980, 3.0, "LG", False),
    ("LGB35CA", "LGB35CA 滚珠直线导轨", 1, 1380, 2.0, "LG", False),
    ("LGF25CC", "LGF25CC 法兰型直线导轨", 1, 860, 3.0, "LG", False),
    ("LGF30CC", "LGF30CC 法兰型直线导轨", 1, 1160, 2.0, "LG", False),
    ("LGR25CA", "LGR25CA 滚柱直线导轨", 1, 1280, 2.0, "LG", False),
    ("LGR35CA", "LGR35CA 滚柱直线导轨", 1, 1880, 1.5, "LG", False),
    ("LGR45CA", "LGR45CA 重载滚柱直线导轨", 1, 2680, 1.0, "LG", True),
    ("LGM09C", "LGM09C 微型直线导轨", 1, 180, 3.0, "LG", False),
    ("LGM12H", "LGM12H 微型直线导轨", 1, 220, 4.0, "LG", False),
    ("LGM15H", "LGM15H 微型直线导轨", 1, 280, 3.0, "LG", False),
    ("SFU1605", "SFU1605 研磨级滚珠丝杠", 2, 680, 5.0, "BS", False),
    ("SFU2005", "SFU2005 研磨级滚珠丝杠", 2, 860, 4.0, "BS", False),
    ("SFU2510", "SFU2510 研磨级滚珠丝杠", 2, 1180, 3.0, "BS", False),
    ("SFU3210", "SFU3210 研磨级滚珠丝杠", 2, 1580, 2.0, "BS", False),
    ("SFU4010", "SFU4010 研磨级滚珠丝杠", 2, 2380, 1.0, "BS", False),
    ("DFU2005", "DFU2005 双螺母滚珠丝杠", 2, 1280, 2.0, "BS", False),
    ("SFS2525", "SFS2525 高速滚珠丝杠", 2, 1880, 1.2, "BS", True),
    ("SFY3232", "SFY3232 大导程滚珠丝杠", 2, 2280, 1.0, "BS", False),
    ("PRS-20", "PRS-20 行星滚柱丝杠", 2, 6800, 0.6, "BS", True),
    ("PRS-30", "PRS-30 行星滚柱丝杠", 2, 9800, 0.4, "BS", True),
    ("SM-200W", "SM-200W 交流伺服电机", 3, 980, 4.0, "MO", False),
    ("SM-400W", "SM-400W 交流伺服电机", 3, 1280, 5.0, "MO", False),
    ("SM-750W", "SM-750W 交流伺服电机", 3, 1680, 5.0, "MO", False),
    ("SM-1.0kW", "SM-1.0kW 交流伺服电机", 3, 2280, 3.0, "MO", False),
    ("SM-1.5kW", "SM-1.5kW 交流伺服电机", 3, 2880, 3.0, "MO", False),
    ("SM-2.0kW", "SM-2.0kW 交流伺服电机", 3, 3580, 2.0, "MO", False),
    ("SM-3.0kW", "SM-3.0kW 交流伺服电机", 3, 4680, 1.5, "MO", False),
    ("SM-5.5kW", "SM-5.5kW 大功率伺服电机", 3, 7880, 0.8, "MO", True),
    ("SD-750", "SD-750 交流伺服驱动器", 3, 1180, 4.0, "EL", False),
    ("SD-2000", "SD-2000 交流伺服驱动器", 3, 2180, 2.0, "EL", False),
    ("DDR-130", "DDR-130 直驱力矩电机", 3, 8600, 1.0, "MO", False),
    ("DDR-175", "DDR-175 直驱力矩电机", 3, 12800, 0.7, "MO", False),
    ("FM-60", "FM-60 无框力矩电机", 3, 3880, 1.0, "MO", True),
    ("JM-25", "JM-25 机器人一体化关节模组", 3, 12800, 0.8, "MO", True),
    ("ABS-17", "ABS-17 17位绝对值编码器", 4, 680, 4.0, "EL", False),
    ("ABS-23", "ABS-23 23位绝对值编码器", 4, 1280, 3.0, "EL", False),
    ("INC-2500", "INC-2500 增量式光电编码器", 4, 380, 4.0, "EL", False),
    ("LS-100", "LS-100 光栅尺", 4, 2800, 2.0, "SE", False),
    ("LS-500", "LS-500 高精度光栅尺", 4, 5600, 1.0, "SE", False),
    ("MS-1", "MS-1 磁栅尺", 4, 1880, 1.0, "SE", False),
    ("PT-100", "PT-100 温度传感器", 4, 260, 2.0, "SE", False),
    ("FT-6D", "FT-6D 六维力传感器", 4, 28000, 0.5, "SE", True),
    ("TQ-50", "TQ-50 动态扭矩传感器", 4, 6800, 1.0, "SE", True),
    ("VB-3", "VB-3 MEMS振动传感器", 4, 1480, 1.5, "SE", True),
)

# Target gross margin per product line (contract order) and the average realised share of list
# price after channel pricing and discounts (see sales.py); cost = list x realised x (1 - margin).
LINE_MARGIN = np.array([0.42, 0.31, 0.34, 0.33, 0.45])
REALISED_PRICE_SHARE = 0.92
NEW_PRODUCT_MARGIN_BONUS = 0.04
RAMP_MONTHS = 4.0


@dataclass(frozen=True)
class Products:
    product_id: np.ndarray  # int32
    code: list[str]
    name: list[str]
    line: np.ndarray  # index into PRODUCT_LINES
    family: np.ndarray  # index into FAMILIES
    launch: np.ndarray  # datetime64[D]
    launch_month: np.ndarray  # month index of launch (negative = before the window)
    is_new: np.ndarray  # bool
    list_price: np.ndarray
    standard_cost: np.ndarray
    demand: np.ndarray  # relative demand weight among products of the same line

    def __len__(self) -> int:
        return len(self.product_id)

    def availability(self, n_months: int) -> np.ndarray:
        """[product, month] sales multiplier: 0 until launch month, then ramping to 1."""
        k = np.arange(n_months)[None, :] - self.launch_month[:, None]
        return np.where(k <= 0, 0.0, 1.0 - np.exp(-np.maximum(k, 0) / RAMP_MONTHS))

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "product_id": self.product_id,
                "product_code": self.code,
                "product_name": self.name,
                "product_line": wh.strings(self.line, PRODUCT_LINES),
                "launch_date": wh.dates(self.launch),
                "is_new_product": self.is_new,
                "standard_cost": self.standard_cost,
                "list_price": self.list_price,
            }
        )


def generate(ctx: DemoContext) -> Products:
    rng = ctx.rng("products")
    w: Window = ctx.window
    n = len(CATALOG)
    line = np.array([c[2] for c in CATALOG])
    is_new = np.array([c[6] for c in CATALOG])
    list_price = np.round(np.array([c[3] for c in CATALOG]) * np.exp(rng.normal(0, 0.04, n)), -1)
    margin = LINE_MARGIN[line] + rng.normal(0, 0.025, n) + NEW_PRODUCT_MARGIN_BONUS * is_new
    standard_cost = np.round(list_price * REALISED_PRICE_SHARE * (1 - margin), 2)

    # Established products: launched 1-12 years before the window. New products: spread over
    # the window so that each has at least 6 months of ramp-up before `end`.
    start = w.start
    launch = start - rng.integers(30, 12 * 365, n).astype("timedelta64[D]")
    first, last = 2, max(3, w.n_months - 7)
    n_new = int(is_new.sum())
    new_months = np.sort(rng.choice(np.arange(first, last), size=n_new, replace=n_new > last - first))
    new_months = rng.permutation(new_months)
    offsets = rng.random(n_new)
    new_launch = []
    for m, f in zip(new_months.tolist(), offsets.tolist(), strict=True):
        days = w.month_days(m)
        new_launch.append(days[int(f * (len(days) - 1))])
    launch[is_new] = np.array(new_launch, dtype="datetime64[D]")
    launch_month = (launch.astype("datetime64[M]") - w.months[0]).astype(np.int64)

    demand = np.array([c[4] for c in CATALOG]) * np.exp(rng.normal(0, 0.15, n))
    return Products(
        product_id=np.arange(1, n + 1, dtype=np.int32),
        code=[c[0] for c in CATALOG],
        name=[c[1] for c in CATALOG],
        line=line,
        family=np.array([FAMILIES.index(c[5]) for c in CATALOG]),
        launch=launch,
        launch_month=launch_month,
        is_new=is_new,
        list_price=list_price,
        standard_cost=standard_cost,
        demand=demand,
    )
