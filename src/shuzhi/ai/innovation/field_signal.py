"""A simple per-field hot-spot / white-space signal from industry patent application counts.

For each tech_field, from the industry's patent applications (industry_patents) by quarter:
- growth: applications by others than the company in the last four whole quarters against the four
  before them, (recent - previous) / previous;
- share: the company's own applications as a share of all applications over those eight quarters.
A field is attractive when the industry's activity grows (a hot spot) and the company is thin in it
(room to claim: a white space). Both are put on 0–1 across the fields (growth: lowest 0, highest 1;
gap: 1 - share / the highest share), and the signal is 0.6 · growth part + 0.4 · gap part.

`from_hotspots` makes the same signal from the hot-spot analysis' evidence (service.rd_hotspots.field_signals),
which service/rd_allocate_read.field_signals prefers when that module is installed; the counts here are
the fallback. That function is the one place that chooses.
Pure: the counts come in as rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

GROWTH_WEIGHT = 0.6
GAP_WEIGHT = 0.4


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _shift(q: dt.date, quarters: int) -> dt.date:
    m = q.year * 12 + q.month - 1 + 3 * quarters
    return dt.date(m // 12, m % 12 + 1, 1)


def window(last_day: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(start of the previous four quarters, start of the recent four, end exclusive): the recent window
    ends with the last whole quarter up to last_day (a quarter cut short by the data's end is left out)."""
    q = quarter_start(last_day)
    end = _shift(q, 1) if _shift(q, 1) - dt.timedelta(days=1) == last_day else q
    return _shift(end, -8), _shift(end, -4), end


def field_signals(rows: list[dict[str, Any]], last_day: dt.date, company: str) -> dict[str, dict[str, Any]]:
    """rows: {"tech_field", "applicant", "quarter" (date: the quarter's first day), "n"} counts.

    → {field: {"signal", "growth", "share", "recent", "previous", "company", "parts": {...}}}"""
    prev_start, recent_start, end = window(last_day)
    recent: dict[str, float] = defaultdict(float)
    previous: dict[str, float] = defaultdict(float)
    own: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    fields: set[str] = set()
    for r in rows:
        f, q, n = r["tech_field"], r["quarter"], float(r["n"] or 0)
        if f is None or q is None:
            continue
        fields.add(f)
        if isinstance(q, dt.datetime):
            q = q.date()
        if not prev_start <= q < end:
            continue
        total[f] += n
        if r["applicant"] == company:
            own[f] += n
            continue
        (recent if q >= recent_start else previous)[f] += n
    growth = {f: (recent[f] - previous[f]) / previous[f] if previous[f] else (1.0 if recent[f] else 0.0)
              for f in fields}
    share = {f: own[f] / total[f] if total[f] else 0.0 for f in fields}
    lo, hi = (min(growth.values()), max(growth.values())) if growth else (0.0, 0.0)
    top_share = max(share.values(), default=0.0)
    out: dict[str, dict[str, Any]] = {}
    for f in sorted(fields):
        g_part = (growth[f] - lo) / (hi - lo) if hi > lo else 0.5
        gap_part = 1.0 - share[f] / top_share if top_share > 0 else 1.0
        out[f] = {
            "signal": GROWTH_WEIGHT * g_part + GAP_WEIGHT * gap_part,
            "growth": growth[f], "share": share[f],
            "recent": int(recent[f]), "previous": int(previous[f]), "company": int(own[f]),
            "parts": {"growth": g_part, "gap": gap_part},
            "window": {"previous_start": prev_start.isoformat(), "recent_start": recent_start.isoformat(),
                       "end": (end - dt.timedelta(days=1)).isoformat()},
            "source": "industry_patents",
        }
    return out


def from_hotspots(fields: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same 0–1 signal from the hot-spot analysis' per-field evidence (service.rd_hotspots.field_signals:
    industry_growth, company_share, white_space): growth on 0–1 across the fields, the gap 1 - share / the
    highest share, and 1 for a field holding a white space the analysis found. Their keys are kept."""
    growth = {f: float(d["industry_growth"]) if d.get("industry_growth") is not None
              else (1.0 if d.get("industry_recent") else 0.0) for f, d in fields.items()}
    share = {f: float(d.get("company_share") or 0.0) for f, d in fields.items()}
    lo, hi = (min(growth.values()), max(growth.values())) if growth else (0.0, 0.0)
    top_share = max(share.values(), default=0.0)
    out: dict[str, dict[str, Any]] = {}
    for f, d in sorted(fields.items()):
        g_part = (growth[f] - lo) / (hi - lo) if hi > lo else 0.5
        gap_part = 1.0 if d.get("white_space") else (1.0 - share[f] / top_share if top_share > 0 else 1.0)
        out[f] = {**d, "signal": GROWTH_WEIGHT * g_part + GAP_WEIGHT * gap_part, "growth": growth[f],
                  "share": share[f], "parts": {"growth": g_part, "gap": gap_part}, "source": "rd_hotspots"}
    return out
