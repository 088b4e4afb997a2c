"""R&D efficiency: the funnel spend → patents → commercialised patents → new-product revenue, per
technology field and year, and how long each stage lags the spend.

Pure: the caller (service/rd_efficiency.py) reads every number through QuerySpecs as the user and
hands them here as plain rows; nothing here runs SQL. docs/innovation-efficiency.md explains the method.

Invariants:
- Periods are quarters (the first day, as the QuerySpec returns them). Only quarters fully inside the
  data (from the first expense month to the last day with data) are used to fit lags, so a partial
  first or last quarter does not look like a drop.
- New-product revenue is recorded per product line, not per field. It is attributed to fields by the
  R&D spend of the industrialised projects that serve each line (rd_projects.product_line); a line with
  no industrialised project uses all its projects; a line no project serves stays unattributed
  (reported, never spread). The attribution is a bookkeeping split, not a measured cause.
- A lag is the number of quarters k for which spend in quarter q best lines up with the stage in
  quarter q + k: the correlation over field × quarter cells after removing each field's own level and
  each quarter's level common to all fields (a trend every field shares is not a link). Fewer than
  MIN_PAIRS field-quarter pairs: no lag is claimed (lag_quarters None, the text says why); a best
  correlation below WEAK: the lag is reported but not `reliable`, and the text says no lag can be read.
- With one field chosen the service still fits lags over all fields (one field has too few quarters).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_LAG_QUARTERS = 6
MIN_PAIRS = 8
WEAK = 0.3  # below this correlation no lag is claimed
STAGES = ("patent_applications", "patents_granted", "new_product_revenue")
STAGE_WORDS = {
    "patent_applications": ("专利申请", "patent applications"),
    "patents_granted": ("专利授权", "patent grants"),
    "new_product_revenue": ("新产品销售额", "new-product revenue"),
}

Series = dict[tuple[str, dt.date], float]  # (tech_field, quarter start) -> value


@dataclass
class FunnelInputs:
    """Everything the funnel needs, as read by the service (quarter starts as dates)."""

    spend: Series
    applications: Series
    granted: Series
    commercialized: Series  # granted and commercialised, dated by grant_date
    invention_granted: Series
    line_revenue: dict[tuple[str, dt.date], float]  # (product_line, quarter) -> new-product revenue
    line_spend_industrialized: dict[tuple[str, str], float]  # (product_line, tech_field) -> spend
    line_spend_all: dict[tuple[str, str], float]
    data_start: dt.date  # first day with data (first expense month)
    as_of: dt.date  # last day with data
    fields: list[str] = field(default_factory=list)


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def next_quarter(q: dt.date) -> dt.date:
    return dt.date(q.year + (q.month == 10), (q.month + 2) % 12 + 1, 1)


def full_quarters(start: dt.date, end: dt.date) -> list[dt.date]:
    """The quarters lying wholly within [start, end]."""
    q = quarter_start(start)
    if q < start:
        q = next_quarter(q)
    out = []
    while next_quarter(q) - dt.timedelta(days=1) <= end:
        out.append(q)
        q = next_quarter(q)
    return out


# ── new-product revenue → fields ─────────────────────────────────────────────────────────────


def line_shares(industrialized: dict[tuple[str, str], float], every: dict[tuple[str, str], float],
                lines: Iterable[str]) -> list[dict[str, Any]]:
    """Per product line: the share of each field and which projects the split is based on."""
    out = []
    for line in sorted(set(lines)):
        for basis, weights in (("industrialized", industrialized), ("all_projects", every)):
            mine = {f: v for (ln, f), v in weights.items() if ln == line and v > 0}
            total = sum(mine.values())
            if total > 0:
                out.append({"product_line": line, "basis": basis,
                            "shares": {f: mine[f] / total for f in sorted(mine)}})
                break
        else:
            out.append({"product_line": line, "basis": None, "shares": {}})
    return out


def attribute_revenue(line_revenue: dict[tuple[str, dt.date], float], shares: list[dict[str, Any]]
                      ) -> tuple[Series, float]:
    """New-product revenue per (field, quarter), and the revenue no field could take."""
    by_line = {s["product_line"]: s["shares"] for s in shares}
    out: Series = defaultdict(float)
    unattributed = 0.0
    for (line, q), value in line_revenue.items():
        split = by_line.get(line) or {}
        if not split:
            unattributed += value
        for f, share in split.items():
            out[(f, q)] += value * share
    return dict(out), unattributed


# ── the yearly funnel ────────────────────────────────────────────────────────────────────────


def _by_year(series: Series, tech_field: str) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for (f, q), v in series.items():
        if f == tech_field:
            out[q.year] += v
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def yearly_funnel(inp: FunnelInputs, revenue: Series, tech_field: str) -> dict[str, Any]:
    """One field's funnel, year by year (each stage dated by its own date), and its totals."""
    stages = {"rd_spend": inp.spend, "patent_applications": inp.applications, "patents_granted": inp.granted,
              "commercialized_patents": inp.commercialized, "granted_invention_patents": inp.invention_granted,
              "new_product_revenue": revenue}
    per = {k: _by_year(s, tech_field) for k, s in stages.items()}
    years = sorted({y for d in per.values() for y in d})
    rows = []
    for y in years:
        row: dict[str, Any] = {"year": y}
        for k, d in per.items():
            v = d.get(y, 0.0)
            row[k] = round(v, 2) if k in ("rd_spend", "new_product_revenue") else int(round(v))
        row["cost_per_invention_patent"] = _ratio(row["rd_spend"], row["granted_invention_patents"])
        rows.append(row)
    totals: dict[str, Any] = {k: (round(sum(d.values()), 2) if k in ("rd_spend", "new_product_revenue")
                                  else int(round(sum(d.values())))) for k, d in per.items()}
    totals["cost_per_invention_patent"] = _ratio(totals["rd_spend"], totals["granted_invention_patents"])
    totals["commercialization_rate"] = _ratio(totals["commercialized_patents"], totals["patents_granted"])
    totals["applications_per_million"] = _ratio(totals["patent_applications"] * 1e6, totals["rd_spend"])
    totals["revenue_per_yuan"] = _ratio(totals["new_product_revenue"], totals["rd_spend"])
    return {"tech_field": tech_field, "years": rows, "totals": totals}


# ── lags ─────────────────────────────────────────────────────────────────────────────────────


def _two_way(m: list[list[float]]) -> list[float]:
    """Deviations of a field × period table from its field means and period means (both removed)."""
    nf, nt = len(m), len(m[0])
    grand = sum(map(sum, m)) / (nf * nt)
    fm = [sum(row) / nt for row in m]
    tm = [sum(m[i][j] for i in range(nf)) / nf for j in range(nt)]
    return [m[i][j] - fm[i] - tm[j] + grand for i in range(nf) for j in range(nt)]


def lag_fit(x: Series, y: Series, fields: list[str], quarters: list[dt.date],
            max_lag: int = MAX_LAG_QUARTERS) -> list[dict[str, Any]]:
    """For k = 0..max_lag: the correlation of x[f, q] and y[f, q + k] after removing each field's own level
    and each quarter's common level (so a trend all fields share is not read as a link), with its pair count."""
    out = []
    for k in range(max_lag + 1):
        nt = len(quarters) - k
        if nt < 2 or len(fields) < 2:
            out.append({"lag_quarters": k, "r": None, "pairs": 0})
            continue
        xs = _two_way([[x.get((f, quarters[i]), 0.0) for i in range(nt)] for f in fields])
        ys = _two_way([[y.get((f, quarters[i + k]), 0.0) for i in range(nt)] for f in fields])
        sxx, syy = sum(v * v for v in xs), sum(v * v for v in ys)
        r = sum(a * b for a, b in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None
        out.append({"lag_quarters": k, "r": None if r is None else round(r, 4), "pairs": len(xs)})
    return out


def strength(r: float) -> tuple[str, str]:
    a = abs(r)
    if a >= 0.6:
        return "强", "strong"
    if a >= WEAK:
        return "中等", "moderate"
    return "弱", "weak"


def best_lag(stage: str, fits: list[dict[str, Any]]) -> dict[str, Any]:
    """The lag with the highest positive correlation, in plain words."""
    zh_stage, en_stage = STAGE_WORDS[stage]
    usable = [f for f in fits if f["r"] is not None and f["pairs"] >= MIN_PAIRS]
    best = max(usable, key=lambda f: f["r"], default=None)
    out: dict[str, Any] = {"stage": stage, "by_lag": fits}
    if best is None:
        out.update(lag_quarters=None, r=None, pairs=0, reliable=False,
                   text={"zh": f"数据太少，无法判断{zh_stage}滞后研发投入多久（每个滞后至少需要 {MIN_PAIRS} 对季度数据）。",
                         "en": f"Too little data to tell how long {en_stage} lag R&D spend "
                               f"(each lag needs at least {MIN_PAIRS} pairs of quarters)."})
        return out
    k, r, n = best["lag_quarters"], best["r"], best["pairs"]
    out.update(lag_quarters=k, r=r, pairs=n)
    if r <= 0:
        out["reliable"] = False
        out["text"] = {"zh": f"{zh_stage}与此前的研发投入没有同向变化（各滞后的相关系数都不为正，共 {n} 对季度数据），看不出滞后。",
                       "en": f"{en_stage[0].upper() + en_stage[1:]} and earlier R&D spend do not move together (no lag "
                             f"gives a positive correlation; {n} pairs of quarters), so no lag can be read."}
        return out
    zs, es = strength(r)
    out["reliable"] = r >= WEAK
    stage_en = en_stage[0].upper() + en_stage[1:]
    be = "is" if stage == "new_product_revenue" else "are"
    when_zh = "同一季度" if k == 0 else f"{k} 个季度之后"
    when_en = "in the same quarter" if k == 0 else f"{k} quarter{'s' if k > 1 else ''} later"
    if r < WEAK:
        out["text"] = {"zh": f"{zh_stage}与此前研发投入的关系很弱：最对得上的是{' ' if k else ''}{when_zh}，但相关性只有 r = {r:.2f}"
                             f"（{n} 对季度数据），看不出可靠的滞后。",
                       "en": f"{stage_en} and earlier R&D spend hardly move together: the best match is {when_en}, but "
                             f"the correlation is only r = {r:.2f} ({n} pairs of quarters), so no reliable lag can be read."}
        return out
    if k == 0:
        zh = f"{zh_stage}与同一季度的研发投入同步变化：某领域投入高于平常的季度，{zh_stage}当季也较高"
        en = (f"{stage_en} and R&D spend move together in the same quarter: when a field spends more than usual, "
              f"its {en_stage} {be} higher in that quarter")
    else:
        zh = (f"{zh_stage}大约滞后研发投入 {k} 个季度（{k * 3} 个月）：某领域投入高于平常的季度，"
              f"{k * 3} 个月后{zh_stage}也较高")
        en = (f"{stage_en} lag R&D spend by about {k} quarter{'s' if k > 1 else ''} ({k * 3} months): when a field "
              f"spends more than usual, its {en_stage} {be} higher {k * 3} months later")
    out["text"] = {"zh": f"{zh}，相关性{zs}（r = {r:.2f}，{n} 对季度数据）。",
                   "en": f"{en}; the link is {es} (r = {r:.2f}, {n} pairs of quarters)."}
    return out


# ── the whole funnel ─────────────────────────────────────────────────────────────────────────


def funnel(inp: FunnelInputs) -> dict[str, Any]:
    """Per-field yearly funnels, the lags of each stage behind spend, and how revenue was linked."""
    fields = inp.fields or sorted({f for f, _ in inp.spend} | {f for f, _ in inp.applications})
    shares = line_shares(inp.line_spend_industrialized, inp.line_spend_all, [ln for ln, _ in inp.line_revenue])
    revenue, unattributed = attribute_revenue(inp.line_revenue, shares)
    quarters = full_quarters(inp.data_start, inp.as_of)
    stage_series = {"patent_applications": inp.applications, "patents_granted": inp.granted,
                    "new_product_revenue": revenue}
    lags = [best_lag(s, lag_fit(inp.spend, stage_series[s], fields, quarters)) for s in STAGES]
    return {
        "fields": [yearly_funnel(inp, revenue, f) for f in fields],
        "lags": lags,
        "quarters_used": [q.isoformat() for q in quarters],
        "revenue_link": {"lines": shares, "unattributed_revenue": round(unattributed, 2)},
    }
