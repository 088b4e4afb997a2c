"""R&D: rd_projects (about 120, not scaled) and rd_expenses (monthly, by expense category).

Invariants:
- Projects overlap the window: each is still running at, or ends after, the window start and
  starts no later than a month before `end`. project_id = RD<start year>-<3-digit sequence>.
- status: 已完成 / 已终止 only if that happened on or before `end` (a completed project ended
  after its planned end plus a delay; a terminated one part-way); otherwise 进行中.
  industrialized is true only for 已完成 projects (most likely for 工程转化).
- rd_expenses has one row per (month, project, category) with a positive amount while the
  project runs inside the window; expense_month is the first day of the month; the partial last
  month is accrued pro rata. 委托研发 occurs only in some months.
- Budgets (and therefore spend) are calibrated so that R&D spend over the window is about
  RD_INTENSITY of revenue (研发投入强度 ~6 %, typical of a 专精特新 company), at any scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shuzhi.demo import rd_text
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import covered_share
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import EXPENSE_CATEGORIES, PRODUCT_LINES, PROJECT_STATUSES, RD_LAYERS, TECH_FIELDS
from shuzhi.demo.sales import SalesSummary

N_PROJECTS = 120
RD_INTENSITY = 0.06
LAYER_P = np.array([0.2, 0.5, 0.3])
FIELD_P = np.array([0.3, 0.2, 0.15, 0.2, 0.15])
DURATION_MONTHS = ((24, 37), (12, 25), (9, 19))  # [low, high) by layer
TERMINATE_P = np.array([0.25, 0.15, 0.10])
INDUSTRIALIZE_P = np.array([0.10, 0.45, 0.75])
BUDGET_MEDIAN = np.array([2.0e6, 4.0e6, 7.0e6])
# Expense category shares by layer (人员人工, 直接投入, 折旧摊销, 委托研发, 其他).
CATEGORY_SHARE = np.array(
    [[0.55, 0.15, 0.08, 0.15, 0.07], [0.50, 0.25, 0.10, 0.08, 0.07], [0.40, 0.35, 0.15, 0.04, 0.06]]
)
OUTSOURCE_MONTH_P = 0.35
OUTSOURCED = EXPENSE_CATEGORIES.index("委托研发")


@dataclass
class Projects:
    project_id: np.ndarray  # object
    layer: np.ndarray
    field: np.ndarray
    start: np.ndarray
    planned_end: np.ndarray
    stop: np.ndarray  # actual end (completion/termination); NaT while running
    status: np.ndarray
    budget: np.ndarray
    industrialized: np.ndarray

    def __len__(self) -> int:
        return len(self.project_id)


def generate_projects(ctx: DemoContext) -> tuple[Projects, np.ndarray]:
    """Projects (budgets not yet calibrated) and their names."""
    rng = ctx.rng("rd_projects")
    w = ctx.window
    n = N_PROJECTS
    layer = rng.choice(3, n, p=LAYER_P)
    field = rng.choice(len(TECH_FIELDS), n, p=FIELD_P)
    lo = np.array([d[0] for d in DURATION_MONTHS])[layer]
    hi = np.array([d[1] for d in DURATION_MONTHS])[layer]
    months = rng.integers(lo, hi)
    duration = np.round(months * 30.44).astype("timedelta64[D]")
    # Start between (window start - duration + 2 months) and (end - 1 month), more in later years.
    earliest = w.start - duration + np.timedelta64(60, "D")
    latest = w.end_day - np.timedelta64(30, "D")
    u = rng.random(n) ** 0.8
    start = earliest + (u * (latest - earliest).astype(np.int64)).astype("timedelta64[D]")
    planned_end = start + duration

    terminated = rng.random(n) < TERMINATE_P[layer]
    delay = rng.integers(0, 90, n).astype("timedelta64[D]")
    stop_term = start + (rng.uniform(0.3, 0.85, n) * duration.astype(np.int64)).astype("timedelta64[D]")
    stop = np.where(terminated, stop_term, planned_end + delay)
    over = stop <= w.end_day
    status = np.where(
        over, np.where(terminated, PROJECT_STATUSES.index("已终止"), PROJECT_STATUSES.index("已完成")), 0
    )
    stop = np.where(over, stop, np.datetime64("NaT"))
    industrialized = (status == PROJECT_STATUSES.index("已完成")) & (rng.random(n) < INDUSTRIALIZE_P[layer])
    budget = BUDGET_MEDIAN[layer] * np.exp(rng.normal(0, 0.4, n))

    order = np.lexsort((field, start))
    layer, field, start, planned_end, stop, status, budget, industrialized = (
        a[order] for a in (layer, field, start, planned_end, stop, status, budget, industrialized)
    )
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    seq = np.arange(n) - np.searchsorted(year, year) + 1
    pid = np.asarray(
        [f"RD{y}-{s:03d}" for y, s in zip(year.tolist(), seq.tolist(), strict=True)], dtype=object
    )
    names = rd_text.project_names(rng, field, layer)
    return Projects(pid, layer, field, start, planned_end, stop, status, budget, industrialized), names


def generate_expenses(ctx: DemoContext, projects: Projects, sales: SalesSummary) -> pa.Table:
    """Monthly expenses; calibrates projects.budget in place to the target R&D intensity."""
    rng = ctx.rng("rd_expenses")
    w = ctx.window
    n, n_m, n_c = len(projects), w.n_months, len(EXPENSE_CATEGORIES)
    m_start = w.months.astype("datetime64[D]")
    m_end = (w.months + 1).astype("datetime64[D]") - 1
    last = np.where(np.isnat(projects.stop), w.end_day, projects.stop)
    active = (projects.start[:, None] <= m_end[None, :]) & (
        last[:, None] >= m_start[None, :]
    )  # [project, month]
    life = (projects.planned_end - projects.start).astype(np.int64) / 30.44
    t = ((m_start[None, :] - projects.start[:, None]).astype(np.int64) / 30.44) / life[:, None]
    shape = (0.6 + 0.8 * np.sin(np.pi * np.clip(t, 0, 1))) / 1.109  # ramp up, peak, ramp down
    monthly = (projects.budget / life)[:, None] * shape * covered_share(w)[None, :] * active  # [p, m]

    share = CATEGORY_SHARE[projects.layer][:, None, :]  # [p, 1, c]
    noise = np.exp(rng.normal(0, 0.25, (n, n_m, n_c)))
    noise[:, :, EXPENSE_CATEGORIES.index("折旧摊销")] = 1.0  # depreciation is flat
    outsourced = rng.random((n, n_m)) < OUTSOURCE_MONTH_P
    noise[:, :, OUTSOURCED] *= outsourced / OUTSOURCE_MONTH_P
    raw = monthly[:, :, None] * share * noise  # [p, m, c]

    k = RD_INTENSITY * sales.revenue.sum() / max(raw.sum(), 1e-9)
    projects.budget = np.round(projects.budget * k, -3)
    amount = np.round(raw * k, 2)
    p_idx, m_idx, c_idx = np.nonzero(amount > 0)
    order = np.lexsort((c_idx, projects.project_id[p_idx].astype(str), m_idx))
    p_idx, m_idx, c_idx = p_idx[order], m_idx[order], c_idx[order]
    return pa.table(
        {
            "row_order": np.arange(len(p_idx), dtype=np.int64),
            "expense_month": wh.dates(m_start[m_idx]),
            "project_id": projects.project_id[p_idx].tolist(),
            "expense_category": wh.strings(c_idx, EXPENSE_CATEGORIES),
            "amount": amount[p_idx, m_idx, c_idx],
        }
    )


# Extension column (DEMO_SCHEMA.md allows adding columns): the product line a project serves, so
# R&D can be compared with sales per product line (rd_intensity by product line). Drawn from its
# own random stream, conditioned on the technical field, so every contract column stays unchanged.
_LINE_BY_FIELD = {  # tech_field -> probabilities over PRODUCT_LINES
    "精密传动": (0.45, 0.2, 0.3, 0.05, 0.0),
    "运动控制算法": (0.05, 0.05, 0.05, 0.8, 0.05),
    "新材料": (0.3, 0.25, 0.25, 0.15, 0.05),
    "传感与检测": (0.0, 0.05, 0.0, 0.15, 0.8),
    "智能制造": (0.2, 0.2, 0.2, 0.2, 0.2),
}


def project_product_lines(ctx: DemoContext, projects: Projects) -> list[str]:
    rng = ctx.rng("rd_projects.product_line")
    u = rng.random(len(projects))
    out = []
    for f, x in zip(projects.field.tolist(), u.tolist(), strict=True):
        cum = np.cumsum(_LINE_BY_FIELD[TECH_FIELDS[f]])
        out.append(PRODUCT_LINES[int(np.searchsorted(cum, x * cum[-1], side="right").clip(0, 4))])
    return out


def projects_table(projects: Projects, names: np.ndarray, product_lines: list[str]) -> pa.Table:
    return pa.table(
        {
            "project_id": projects.project_id.tolist(),
            "project_name": names.tolist(),
            "rd_layer": wh.strings(projects.layer, RD_LAYERS),
            "tech_field": wh.strings(projects.field, TECH_FIELDS),
            "start_date": wh.dates(projects.start),
            "planned_end_date": wh.dates(projects.planned_end),
            "status": wh.strings(projects.status, PROJECT_STATUSES),
            "budget": projects.budget,
            "industrialized": projects.industrialized,
            "product_line": product_lines,
        }
    )


ORDER_BY_PROJECTS = "project_id"
ORDER_BY_EXPENSES = "row_order"
