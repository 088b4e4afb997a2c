"""White spaces, the technology map, the applicant comparison and the per-field signals.

    whitespace(mined)          # {"white_spaces": [{"subfield", "terms", "score", "evidence", ...}]}
    techmap(mined)             # tech_field × year × applicant counts and the applicant comparison
    field_signals(mined)       # per tech_field: industry growth, the company's share, white-space flag

What a white space is (plain words in docs/innovation-hotspots.md)
- A sub-field is a topic (ai.innovation.mining). It is a white space when the industry is active in
  it (at least max(5, 1 % of the recent window's patents) patents in the last twelve months), its
  applications grow (more in the last twelve months than in the twelve before: count_growth > 0),
  and the company is absent or thin: its share of the topic's patents is at most half its share of
  all patents.
- Order (most promising first): the sub-fields where the company has no patent at all come before
  those where it has a few ("absent" before "thin"); within each, by score = the industry's patents
  in the last two years × min(1 + count_growth, 2) × absence, where absence = 1 − the company's
  share in the topic / its overall share (1 when it has none). The size of the industry's activity
  counts most; growth adds up to a doubling, so a small new spike (a hot spot, listed there) does
  not outrank a large, growing sub-field. Every entry carries the numbers behind its place.

Invariants: pure; fractions not percents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from shuzhi.ai.innovation.mining import Mined, share_ratio
from shuzhi.ai.innovation.trends import View, all_stats

THIN = 0.5
MAX_GROWTH = 2.0


def _is_white(r: dict[str, Any], v: View) -> bool:
    active = r["recent"] >= max(5, 0.01 * v.n_recent)
    rel = r["company"]["relative"]
    thin = r["company"]["patents"] == 0 or (rel is not None and rel <= THIN)
    return active and r["count_growth"] > 0 and thin


def _score(r: dict[str, Any]) -> float:
    rel = r["company"]["relative"]
    absence = 1.0 if not r["company"]["patents"] else max(0.0, 1 - (rel or 0.0))
    return (r["recent"] + r["previous"]) * min(1 + r["count_growth"], MAX_GROWTH) * absence


def _reason(r: dict[str, Any], company: str) -> dict[str, str]:
    g = r["count_growth"]
    cp = r["company"]["patents"]
    zh = (f"近12个月行业申请 {r['recent']} 件（此前12个月 {r['previous']} 件），申请量增长 {g:+.0%}；"
          + (f"{company}没有相关专利" if cp == 0 else f"{company}仅 {cp} 件，占该方向 {r['company']['share']:.1%}"))
    en = (f"{r['recent']} industry applications in the last 12 months ({r['previous']} in the 12 before), "
          f"applications {g:+.0%}; " + (f"{company} has none" if cp == 0 else
                                        f"{company} has only {cp} ({r['company']['share']:.1%} of the sub-field)"))
    return {"zh": zh, "en": en}


def whitespace(mined: Mined, *, field: str | None = None, years: int | None = None) -> dict[str, Any]:
    """The white spaces of the view, most promising first (see the module docstring)."""
    v, rows = all_stats(mined, field, years)
    found = []
    for r in rows:
        if not _is_white(r, v):
            continue
        found.append({
            "subfield": r["topic"], "terms": r["terms"], "id": r["id"], "kind": r["kind"],
            "tech_field": r["tech_field"], "score": round(_score(r), 2),
            "presence": "absent" if r["company"]["patents"] == 0 else "thin",
            "recent": r["recent"], "previous": r["previous"], "growth": r["count_growth"],
            "share_ratio": r["share_ratio"], "periods": r["periods"], "applicants": r["applicants"],
            "company": r["company"], "examples": r["examples"],
            "evidence": _reason(r, mined.corpus.company),
        })
    found.sort(key=lambda r: (r["company"]["patents"] > 0, -r["score"], r["id"]))
    found = _fold(mined, v, found)
    for rank, r in enumerate(found, 1):
        r["rank"] = rank
    return {"white_spaces": found, "company": mined.corpus.company, "field": field, "years": years,
            "periods": v.periods, "window": {"recent_patents": v.n_recent, "previous_patents": v.n_previous,
                                              "end": mined.corpus.end.isoformat()}}


def _fold(mined: Mined, v: View, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops a white space whose patents lie (80 % or more) inside one ranked above it: the same
    sub-field seen twice (a cluster inside a phrase topic); the one above names it in `includes`."""
    kept: list[tuple[dict[str, Any], set[int]]] = []
    for r in found:
        t = mined.topic(r["id"])
        docs = set(v.docs(t).tolist()) if t is not None else set()
        host = next((k for k, d in kept if docs and len(docs & d) >= 0.8 * len(docs)), None)
        if host is not None:
            host.setdefault("includes", []).append(r["subfield"])
            continue
        kept.append((r, docs))
    return [r for r, _ in kept]


def techmap(mined: Mined, *, field: str | None = None, years: int | None = None, top: int = 12) -> dict[str, Any]:
    """Counts by tech_field × year (the heat map), by tech_field × year × applicant (the cells) and a
    comparison of the `top` applicants (plus the company) by field, recent activity and growth."""
    v = View(mined, field, years)
    c = v.corpus
    idx = np.flatnonzero(v.mask)
    cells: Counter[tuple[str, int, str]] = Counter((c.fields[i], c.dates[i].year, c.applicants[i]) for i in idx)
    grid: Counter[tuple[str, int]] = Counter((c.fields[i], c.dates[i].year) for i in idx)
    fields = sorted({f for f, _ in grid})
    years_ = sorted({y for _, y in grid})
    total = Counter(c.applicants[i] for i in idx)
    keep = [a for a, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    if c.company in total and c.company not in keep:
        keep.append(c.company)
    by_field: dict[str, Counter[str]] = defaultdict(Counter)
    for i in idx:
        by_field[c.applicants[i]][c.fields[i]] += 1
    kind = {c.applicants[i]: (c.applicant_types[i], c.countries[i]) for i in idx}
    comparison = []
    for a in keep:
        mine_ = np.array([x == a for x in c.applicants])
        r, p = int((mine_ & v.recent).sum()), int((mine_ & v.previous).sum())
        comparison.append({"applicant": a, "is_company": a == c.company, "applicant_type": kind[a][0] or None,
                           "country": kind[a][1] or None, "patents": total[a], "recent": r, "previous": p,
                           "growth": round(r / p - 1, 4) if p else None,
                           "by_field": {f: by_field[a].get(f, 0) for f in fields}})
    return {"fields": fields, "years": years_,
            "grid": [{"tech_field": f, "year": y, "count": grid.get((f, y), 0)} for f in fields for y in years_],
            "cells": [{"tech_field": f, "year": y, "applicant": a, "count": n}
                      for (f, y, a), n in sorted(cells.items())],
            "applicants": comparison, "company": c.company}


def field_signals(mined: Mined) -> dict[str, dict[str, Any]]:
    """Per tech_field: the industry's growth (recent vs previous twelve months, applications), the
    company's share of the field's recent applications, and whether a white space lies in it
    (white_space, with the best white-space score of the field and its sub-field)."""
    v = View(mined)
    c = v.corpus
    spaces = whitespace(mined)["white_spaces"]
    out: dict[str, dict[str, Any]] = {}
    for f in sorted(set(c.fields)):
        in_f = np.array([x == f for x in c.fields])
        r, p = int((in_f & v.recent).sum()), int((in_f & v.previous).sum())
        cr = int((in_f & v.recent & v.company).sum())
        ws = [s for s in spaces if s["tech_field"] == f]
        out[f] = {"industry_recent": r, "industry_previous": p,
                  "industry_growth": round(r / p - 1, 4) if p else None,
                  "share_ratio": round(share_ratio(r, v.n_recent, p, v.n_previous), 3),
                  "company_recent": cr, "company_share": round(cr / r, 4) if r else 0.0,
                  "white_space": bool(ws), "white_space_score": ws[0]["score"] if ws else 0.0,
                  "white_space_subfield": ws[0]["subfield"] if ws else None}
    return out
