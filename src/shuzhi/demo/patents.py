"""Patents (about 260, not scaled): applications filed inside the window, mostly from projects.

Invariants:
- application_date is in the window; about 75 % are linked to an R&D project that was running
  (application between its start + 2 months and its end + 3 months) and share its tech_field.
- Examination: a decision comes a type-specific time after application (发明 ~22 months,
  实用新型 ~8, 外观设计 ~5). Decided on or before `end`: 已授权 (some later 已失效) or
  已驳回; otherwise 审查中. grant_date is set exactly for 已授权 and 已失效, never after `end`.
- 新材料 patents are always 发明. commercialized only for granted patents (likelier when the project was industrialized).
- patent_id is a Chinese application number: CN + year + type digit (1 发明, 2 实用新型,
  3 外观设计) + 7-digit serial + '.' + check digit (mod-11, X for 10).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shuzhi.demo import rd_text
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import activity, sample_days
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import LEGAL_STATUSES, PATENT_TYPES, TECH_FIELDS
from shuzhi.demo.products import Products
from shuzhi.demo.rd import Projects

N_PATENTS = 260
TYPE_P = np.array([0.45, 0.45, 0.10])
LINKED_SHARE = 0.75
DECISION_MONTHS = np.array([22.0, 8.0, 5.0])
GRANT_P = np.array([0.62, 0.93, 0.95])
LAPSE_P = 0.07
CHECK_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])


def check_digits(numbers: np.ndarray) -> np.ndarray:
    """Mod-11 check character of 12-digit application numbers."""
    digits = (numbers[:, None] // 10 ** np.arange(11, -1, -1)[None, :]) % 10
    r = (digits * CHECK_WEIGHTS).sum(axis=1) % 11
    return np.where(r == 10, "X", r.astype(str)).astype(object)


def generate(ctx: DemoContext, projects: Projects, products: Products) -> pa.Table:
    rng = ctx.rng("patents")
    w = ctx.window
    n = N_PATENTS
    ptype = rng.choice(3, n, p=TYPE_P)

    # Linked patents: a project that ran inside the window, weighted by budget.
    stop = np.where(np.isnat(projects.stop), w.end_day, projects.stop)
    lo = np.maximum(projects.start + np.timedelta64(60, "D"), w.start)
    hi = np.minimum(stop + np.timedelta64(90, "D"), w.end_day)
    ok = np.flatnonzero(hi > lo)
    project = np.full(n, -1)
    linked = rng.random(n) < LINKED_SHARE
    project[linked] = ok[
        rng.choice(len(ok), int(linked.sum()), p=projects.budget[ok] / projects.budget[ok].sum())
    ]
    span = (hi - lo).astype(np.int64)
    app = np.empty(n, dtype="datetime64[D]")
    lp = project[linked]
    app[linked] = lo[lp] + (rng.random(len(lp)) * span[lp]).astype("timedelta64[D]")
    act = activity(w, growth=0.25)
    app[~linked] = sample_days(rng, w, rng.choice(w.n_months, int((~linked).sum()), p=act / act.sum()))
    field = np.where(project >= 0, projects.field[np.maximum(project, 0)], rng.choice(len(TECH_FIELDS), n))
    # Materials and their processes are protected by invention patents only (utility models and
    # designs cover shapes and structures).
    ptype = np.where(field == TECH_FIELDS.index("新材料"), 0, ptype)

    decision = app + np.round(DECISION_MONTHS[ptype] * 30.44 * np.exp(rng.normal(0, 0.25, n))).astype(
        "timedelta64[D]"
    )
    decided = decision <= w.end_day
    granted = decided & (rng.random(n) < GRANT_P[ptype])
    lapsed = granted & (rng.random(n) < LAPSE_P)
    status = np.select([~decided, lapsed, granted], [0, 3, 1], 2)  # 审查中, 已失效, 已授权, else 已驳回
    grant = np.where(granted, decision, np.datetime64("NaT"))
    industrial = np.where(project >= 0, projects.industrialized[np.maximum(project, 0)], False)
    commercialized = granted & (rng.random(n) < np.where(industrial, 0.65, 0.3))

    year = app.astype("datetime64[Y]").astype(np.int64) + 1970
    serial = rng.choice(10_000_000, n, replace=False)
    number = year * 10**8 + (ptype + 1) * 10**7 + serial
    patent_id = "CN" + number.astype(str).astype(object) + "." + check_digits(number)
    design_names = [
        f"{name.split(' ', 1)[1]}（{code}）" for code, name in zip(products.code, products.name, strict=True)
    ]
    titles, abstracts = rd_text.patent_texts(rng, field, ptype, design_names)
    return pa.table(
        {
            "patent_id": patent_id.tolist(),
            "title": titles.tolist(),
            "abstract": abstracts.tolist(),
            "patent_type": wh.strings(ptype, PATENT_TYPES),
            "tech_field": wh.strings(field, TECH_FIELDS),
            "application_date": wh.dates(app),
            "grant_date": wh.dates(grant),
            "legal_status": wh.strings(status, LEGAL_STATUSES),
            "project_id": pa.array(
                np.where(project >= 0, projects.project_id[np.maximum(project, 0)], None).tolist(),
                type=pa.string(),
            ),
            "commercialized": commercialized,
        }
    )


ORDER_BY = "application_date, patent_id"
