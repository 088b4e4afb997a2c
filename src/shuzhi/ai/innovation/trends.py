"""Hot spots: each topic's counts per quarter, its growth, who drives it, the company's share, and
whether it is rising, falling or steady — cheap, computed per request over the mined topics.

    out = hotspots(mined, field="精密传动", years=3)   # {"rising": [...], "falling": [...], "steady": [...], ...}

How rising is measured (docs/innovation-hotspots.md in plain words)
- A topic's share = its patents / all patents, in the last twelve months (recent) and in the twelve
  before (previous); `share_ratio` compares the two with half a patent added to each count, so a
  topic going from 0 to 3 patents is not "infinitely" rising. `growth` = share_ratio − 1 (a fraction).
- Rising: share_ratio ≥ 1.3 and the rise is unlikely to be chance (two-proportion z ≥ 2); falling:
  share_ratio ≤ 1/1.3 and z ≤ −2; steady otherwise. Topics with fewer than five recent patents never
  count as rising. Rising is ordered by share_ratio (most rising first), falling by the steepest fall.
- `years` keeps the patents of the last N years (windows of six months when N = 1); `field`
  keeps one tech_field (topics are those with patents in it; shares are within the field).

Invariants: pure; fractions not percents; only ShuzhiError for bad input.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from shuzhi.ai.innovation.corpus import Corpus, months_before, period_list
from shuzhi.ai.innovation.mining import Mined, Topic, share_ratio, z_score
from shuzhi.errors import ShuzhiError

RISE = 1.3
Z = 2.0
MIN_RECENT = 5
EXAMPLES = 3


class View:
    """The patents a request looks at (field and years applied) and their windows."""

    def __init__(self, mined: Mined, field: str | None = None, years: int | None = None) -> None:
        c = mined.corpus
        self.mined, self.corpus = mined, c
        if years is not None and (years < 1 or years > 50):
            raise ShuzhiError("bad_years", "--years 应在 1 到 50 之间。", "--years must be between 1 and 50.")
        fields = sorted(set(c.fields))
        if field is not None and field not in fields:
            raise ShuzhiError("unknown_tech_field", f"没有技术领域「{field}」（可选：{'、'.join(fields)}）。",
                              f"No tech field '{field}' (one of: {', '.join(fields)}).", 404)
        mask = np.ones(len(c), dtype=bool)
        if field is not None:
            mask &= np.array([f == field for f in c.fields])
        if years is not None:
            start = months_before(c.end, 12 * years).toordinal()
            mask &= np.array([d.toordinal() > start for d in c.dates])
        self.mask, self.field, self.years = mask, field, years
        recent, previous = c.windows(12 if years is None or years >= 2 else 6)
        self.recent, self.previous = recent & mask, previous & mask
        self.n_recent, self.n_previous = int(self.recent.sum()), int(self.previous.sum())
        self.quarters = np.array(c.quarters())
        self.periods = period_list(sorted(set(self.quarters[mask].tolist())))
        self.per_period = Counter(self.quarters[mask].tolist())
        self.company = c.is_company()
        n = int(mask.sum())
        self.company_share = float((self.company & mask).sum() / n) if n else 0.0

    def docs(self, t: Topic) -> np.ndarray:
        return t.docs[self.mask[t.docs]]


def _examples(v: View, t: Topic, docs: np.ndarray, n: int = EXAMPLES) -> list[dict[str, Any]]:
    c = v.corpus
    weight = dict(zip(t.docs.tolist(), t.weights.tolist(), strict=True))
    # the patents most about the topic (weight to one decimal), newest first among equals
    order = sorted(docs.tolist(), key=lambda i: (-round(weight.get(i, 0), 1), -c.dates[i].toordinal(), c.ids[i]))
    return [patent_row(c, i) for i in order[:n]]


def patent_row(c: Corpus, i: int) -> dict[str, Any]:
    return {"patent_id": c.ids[i], "title": c.titles[i], "applicant": c.applicants[i],
            "tech_field": c.fields[i], "application_date": c.dates[i].isoformat()}


def topic_stats(v: View, t: Topic) -> dict[str, Any]:
    """Everything the hot-spot and white-space lists say about one topic, within the view."""
    c = v.corpus
    docs = v.docs(t)
    c_r, c_p = int(v.recent[docs].sum()), int(v.previous[docs].sum())
    ratio = share_ratio(c_r, v.n_recent, c_p, v.n_previous)
    z = z_score(c_r, v.n_recent, c_p, v.n_previous)
    if c_r >= MIN_RECENT and ratio >= RISE and z >= Z:
        trend = "rising"
    elif ratio <= 1 / RISE and z <= -Z:
        trend = "falling"
    else:
        trend = "steady"
    per = Counter(v.quarters[docs].tolist())
    periods = [{"period": p, "count": per.get(p, 0),
                "share": round(per.get(p, 0) / v.per_period[p], 4) if v.per_period.get(p) else 0.0}
               for p in v.periods]
    apps_r = Counter(c.applicants[i] for i in docs if v.recent[i])
    apps_p = Counter(c.applicants[i] for i in docs if v.previous[i])
    apps_all = Counter(c.applicants[i] for i in docs)
    applicants = [{"applicant": a, "patents": apps_all[a], "recent": apps_r.get(a, 0), "previous": apps_p.get(a, 0),
                   "change": apps_r.get(a, 0) - apps_p.get(a, 0)}
                  for a in sorted(apps_all, key=lambda a: (-(apps_r.get(a, 0) - apps_p.get(a, 0)), -apps_all[a], a))][:5]
    fields = Counter(c.fields[i] for i in docs)
    company = int(v.company[docs].sum())
    company_recent = int((v.company[docs] & v.recent[docs]).sum())
    share = company / len(docs) if len(docs) else 0.0
    return {
        "id": t.id, "topic": t.label, "terms": t.terms, "kind": t.kind,
        "tech_field": fields.most_common(1)[0][0] if fields else None,
        "patents": int(len(docs)), "recent": c_r, "previous": c_p,
        "share_recent": round(c_r / v.n_recent, 4) if v.n_recent else 0.0,
        "share_previous": round(c_p / v.n_previous, 4) if v.n_previous else 0.0,
        "share_ratio": round(ratio, 3), "growth": round(ratio - 1, 4),
        "count_growth": round((c_r + 0.5) / (c_p + 0.5) - 1, 4), "z": round(z, 2), "trend": trend,
        "periods": periods, "applicants": applicants,
        "company": {"patents": company, "recent": company_recent, "share": round(share, 4),
                    "overall_share": round(v.company_share, 4),
                    "relative": round(share / v.company_share, 3) if v.company_share else None},
        "examples": _examples(v, t, docs),
    }


def all_stats(mined: Mined, field: str | None = None, years: int | None = None) -> tuple[View, list[dict[str, Any]]]:
    v = View(mined, field, years)
    rows = [topic_stats(v, t) for t in mined.topics]
    return v, [r for r in rows if r["patents"] >= 3]


def hotspots(mined: Mined, *, field: str | None = None, years: int | None = None) -> dict[str, Any]:
    """Rising (most rising first), falling (steepest first) and steady (largest first) topics."""
    v, rows = all_stats(mined, field, years)
    rising = sorted((r for r in rows if r["trend"] == "rising"), key=lambda r: (-r["share_ratio"], -r["recent"], r["id"]))
    falling = sorted((r for r in rows if r["trend"] == "falling"), key=lambda r: (r["share_ratio"], -r["previous"], r["id"]))
    steady = sorted((r for r in rows if r["trend"] == "steady"), key=lambda r: (-r["recent"], r["id"]))
    c = v.corpus
    return {
        "rising": rising, "falling": falling, "steady": steady,
        "company": c.company, "field": field, "years": years,
        "fields": sorted(set(c.fields)),  # every tech field (the filter's choices)
        "periods": v.periods,
        "window": {"recent_patents": v.n_recent, "previous_patents": v.n_previous,
                   "end": c.end.isoformat(), "months": 12 if years is None or years >= 2 else 6},
        "patents": int(v.mask.sum()),
        "method": {"topics": mined.method, "scores": mined.scores, "seconds": mined.seconds,
                   "phrases": [p for p, _ in mined.phrases[:30]]},
    }


def drill(mined: Mined, topic_id: str, *, field: str | None = None, years: int | None = None,
          offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """The patents of one topic (newest first), paged."""
    t = mined.topic(topic_id)
    if t is None:
        raise ShuzhiError("unknown_topic", f"没有主题 {topic_id}（主题随数据更新而重算，请重新打开热点列表）。",
                          f"No topic {topic_id} (topics are recomputed when the data changes; reopen the list).", 404)
    if offset < 0 or not 1 <= limit <= 500:
        raise ShuzhiError("bad_page", "offset 不能为负，limit 应在 1 到 500 之间。",
                          "offset must not be negative and limit must be between 1 and 500.")
    v = View(mined, field, years)
    docs = v.docs(t)
    c = v.corpus
    order = sorted(docs.tolist(), key=lambda i: (-c.dates[i].toordinal(), c.ids[i]))
    rows = [dict(patent_row(c, i), abstract=c.abstracts[i]) for i in order[offset:offset + limit]]
    return {"id": t.id, "topic": t.label, "terms": t.terms, "total": len(order), "offset": offset, "limit": limit,
            "patents": rows}
