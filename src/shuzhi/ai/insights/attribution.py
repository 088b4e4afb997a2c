"""Why did a metric change between two periods: per-member contributions, mix/rate, best dimension.

- Additive metrics (sum, count and their +/- combinations): a member's contribution is its own
  change, v_to − v_from; contributions sum to the total change (any rest — members with no value
  of the dimension, or a non-additive metric — is reported as `unassigned`).
- Ratio metrics R = N / D (derived metrics whose formula is a division: gross_margin, yield_rate,
  defect_rate, ...): with member weights w = d / D and rates r = n / d,
      ΔR = Σ mix_i + Σ rate_i,  mix_i = (w1_i − w0_i)(r̄_i − R̄),  rate_i = (r1_i − r0_i) w̄_i
  where bars are averages of the two periods (a symmetric, exact split; a member missing in one
  period takes its other period's rate, so it contributes pure mix).
- "Which dimension explains the change best": each member's *surprise* is how far its change is
  from the change it would have had if it had moved like the total (additive:
  v_to − v_from · T_to / T_from; ratio: its mix + rate effect minus w̄_i ΔR, what it would have
  contributed had its rate moved like the total's). A dimension's score is how far its
  most surprising member stands out from the other members (robust z: |s − median| / 1.4826 MAD);
  the dimension with the highest score explains the change best. Members are ranked by |surprise|
  (by |contribution| in two-member dimensions, whose surprises are equal and opposite);
  `drags` lists the most negative surprises first, `lifts` the most positive. Dimensions with fewer
  than 3 members score 0 (listed, not ranked).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np

from shuzhi.ai.insights.metric_kind import RATIO_DEN, RATIO_NUM, name_kind, ratio_index
from shuzhi.ai.insights.series import EMPTY_MEMBER, Source, shift
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.results.format import format_change, format_value

MAX_MEMBERS = 2000
MAX_CANDIDATE_MEMBERS = 200
# A two-member dimension cannot be scored against its members' spread; the summary still names its
# leading member when that member carries at least this share of the change.
CONCENTRATED = 0.75
_SKIP_SUFFIX = ("_id", "_no", "_code", "id")


def parse_period(text: str) -> tuple[dt.date, dt.date, str]:
    """'2025-06' (month), '2025-Q2' (quarter), '2025' (year) or '2025-06-15' (day) → (start, end, grain)."""
    t = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return d, d, "day"
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
            s = dt.date(int(m[1]), int(m[2]), 1)
            return s, shift(s, "month") - dt.timedelta(days=1), "month"
        if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", t):
            s = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return s, shift(s, "quarter") - dt.timedelta(days=1), "quarter"
        if m := re.fullmatch(r"(\d{4})", t):
            s = dt.date(int(m[1]), 1, 1)
            return s, dt.date(s.year, 12, 31), "year"
    except ValueError:
        pass
    raise ShuzhiError("bad_period", f"无法识别期间 {text}：请写成 2025-06（月）、2025-Q2（季）、2025（年）或 2025-06-15（日）。",
                      f"Cannot read the period {text}: write 2025-06 (month), 2025-Q2 (quarter), 2025 (year) "
                      "or 2025-06-15 (a day).")


def previous_period(text: str) -> str:
    start, _, grain = parse_period(text)
    p = shift(start, grain, -1)
    return {"day": p.isoformat(), "month": f"{p:%Y-%m}", "quarter": f"{p.year}-Q{(p.month - 1) // 3 + 1}",
            "year": str(p.year)}[grain]


def candidate_dimensions(idx: ModelIndex, metric: str) -> list[str]:
    """Text dimensions reachable from the metric's fact table without fan-out (ids and codes left out)."""
    m = idx.metric(metric)
    seen: set[str] = set()
    todo = [metric]
    fact = None
    while todo and fact is None:
        md = idx.metric(todo.pop(0))
        if md.dataset:
            fact = md.dataset
        elif md.name not in seen:
            seen.add(md.name)
            todo += list(name_kind(idx, md.name).refs)
    if fact is None:
        return []
    out = []
    for (ds, f), fd in idx.fields.items():
        if not fd.dimension or fd.is_time or getattr(fd, "type", "string") != "string":
            continue
        if f.lower().endswith(_SKIP_SUFFIX):
            continue
        path = idx.join_path(fact, ds)
        if path is None or any(s.fans_out for s in path):
            continue
        out.append(f"{ds}.{f}")
    del m
    return out


def _fetch(src: Source, metrics: list[str], dim: str | None, start: dt.date, end: dt.date,
           where: list[dict[str, Any]] | None, index: ModelIndex | None = None) -> dict[str, dict[str, float]]:
    spec: dict[str, Any] = {"metrics": metrics, "time_range": {"field": "time", "start": start.isoformat(),
                                                                "end": end.isoformat()}}
    if dim:
        spec["dimensions"] = [{"field": dim, "name": "member"}]
    if where:
        spec["where"] = where
    out: dict[str, dict[str, float]] = {}
    for r in src.query(spec, index):
        key = (EMPTY_MEMBER if r.get("member") is None else str(r["member"])) if dim else "__total__"
        out[key] = {m: (math.nan if r[m] is None else float(r[m])) for m in metrics}
    if len(out) > MAX_MEMBERS:
        raise ShuzhiError("too_many_members", f"{dim} 的成员超过 {MAX_MEMBERS} 个，无法归因；请换一个维度或加筛选。",
                          f"{dim} has more than {MAX_MEMBERS} members; pick another dimension or add a filter.")
    return out


def _num(v: float) -> float | None:
    return None if v is None or v != v or math.isinf(v) else float(v)


def _additive(metric: str, t0: float, t1: float, a: dict, b: dict) -> dict[str, Any]:
    keys = sorted(set(a) | set(b))
    v0 = np.array([np.nan_to_num(a.get(k, {}).get(metric, 0.0)) for k in keys])
    v1 = np.array([np.nan_to_num(b.get(k, {}).get(metric, 0.0)) for k in keys])
    delta = v1 - v0
    growth = t1 / t0 if t0 else 1.0
    surprise = v1 - v0 * growth
    rows = [{"member": k, "from": float(v0[i]), "to": float(v1[i]), "contribution": float(delta[i]),
             "share_of_change": _num(delta[i] / (t1 - t0)) if t1 != t0 else None,
             "surprise": float(surprise[i])} for i, k in enumerate(keys)]
    return {"rows": rows, "unassigned": (t1 - t0) - float(delta.sum()), "surprise": surprise}


def _ratio(r0: float, r1: float, a: dict, b: dict) -> dict[str, Any]:
    """a, b: member -> {RATIO_NUM: numerator, RATIO_DEN: denominator, ...} of the two periods."""
    keys = sorted(set(a) | set(b))

    def parts(d: dict, k: str) -> tuple[float, float]:
        vals = d.get(k)
        if vals is None:
            return 0.0, 0.0
        return float(np.nan_to_num(vals[RATIO_NUM])), float(np.nan_to_num(vals[RATIO_DEN]))

    n0, d0 = np.array([parts(a, k) for k in keys]).T.reshape(2, -1)
    n1, d1 = np.array([parts(b, k) for k in keys]).T.reshape(2, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q0, q1 = np.where(d0 > 0, n0 / d0, np.nan), np.where(d1 > 0, n1 / d1, np.nan)
    q0, q1 = np.where(np.isnan(q0), q1, q0), np.where(np.isnan(q1), q0, q1)
    q0, q1 = np.nan_to_num(q0), np.nan_to_num(q1)
    w0 = d0 / d0.sum() if d0.sum() else np.zeros_like(d0)
    w1 = d1 / d1.sum() if d1.sum() else np.zeros_like(d1)
    rr0 = float((w0 * q0).sum())
    rr1 = float((w1 * q1).sum())
    mix = (w1 - w0) * ((q0 + q1) / 2 - (rr0 + rr1) / 2)
    rate = (q1 - q0) * (w0 + w1) / 2
    # Surprise: the contribution beyond what the member would give had its rate moved like the total's
    # (mix 0, rate change = the total's): a big member that merely followed the total is no explanation.
    surprise = mix + rate - (rr1 - rr0) * (w0 + w1) / 2
    rows = [{"member": k, "from": _num(q0[i]) if d0[i] else None, "to": _num(q1[i]) if d1[i] else None,
             "weight_from": float(w0[i]), "weight_to": float(w1[i]), "mix_effect": float(mix[i]),
             "rate_effect": float(rate[i]), "contribution": float(mix[i] + rate[i]),
             "share_of_change": _num((mix[i] + rate[i]) / (r1 - r0)) if r1 != r0 else None,
             "surprise": float(surprise[i])} for i, k in enumerate(keys)]
    return {"rows": rows, "unassigned": (r1 - r0) - float((mix + rate).sum()), "surprise": surprise,
            "mix_total": float(mix.sum()), "rate_total": float(rate.sum()),
            "from_recomputed": rr0, "to_recomputed": rr1}


def explain(src: Source, metric: str, to: str, frm: str | None = None, *, by: list[str] | None = None,
            where: list[dict[str, Any]] | None = None, top: int = 10) -> dict[str, Any]:
    """Decompose the change of `metric` from period `frm` (default: the one before `to`) to `to`."""
    frm = frm or previous_period(to)
    s0, e0, _ = parse_period(frm)
    s1, e1, _ = parse_period(to)
    kind = name_kind(src.index, metric)
    dims = list(by) if by else candidate_dimensions(src.index, metric)
    if not dims:
        raise ShuzhiError("no_dimensions", f"指标 {metric} 没有可用于归因的维度。",
                          f"The metric {metric} has no dimension to break the change down by.")
    # A ratio's numerator and denominator are read as two helper metrics the compiler evaluates.
    ratio = kind.kind == "ratio"
    metrics = [metric, RATIO_NUM, RATIO_DEN] if ratio else [metric]
    vidx = ratio_index(src.index, metric) if ratio else None
    tot0 = _fetch(src, metrics, None, s0, e0, where, vidx).get("__total__", {})
    tot1 = _fetch(src, metrics, None, s1, e1, where, vidx).get("__total__", {})
    t0, t1 = float(np.nan_to_num(tot0.get(metric, 0.0))), float(np.nan_to_num(tot1.get(metric, 0.0)))
    results = []
    for dim in dims:
        a = _fetch(src, metrics, dim, s0, e0, where, vidx)
        b = _fetch(src, metrics, dim, s1, e1, where, vidx)
        if not by and len(set(a) | set(b)) > MAX_CANDIDATE_MEMBERS:
            continue
        part = _ratio(t0, t1, a, b) if ratio else _additive(metric, t0, t1, a, b)
        score = _outlyingness(part.pop("surprise"))
        rows = part.pop("rows")
        # two members have equal and opposite surprises: rank those by contribution
        rows.sort(key=lambda r: -abs(r["contribution"] if len(rows) <= 2 else r["surprise"]))
        for i, r in enumerate(rows):
            r["rank"] = i + 1
        results.append({"dimension": dim, "label": _label(src.index, dim), "label_en": _label(src.index, dim, "en"),
                        "score": round(score, 3),
                        "members": len(rows), "top": rows[:top],
                        "drags": [r["member"] for r in sorted(rows, key=lambda r: r["surprise"])[:top]
                                  if r["surprise"] < 0],
                        "lifts": [r["member"] for r in sorted(rows, key=lambda r: -r["surprise"])[:top]
                                  if r["surprise"] > 0], **part})
    results.sort(key=lambda r: -r["score"])
    best = results[0] if results else None
    mdef = src.index.metric(metric)
    return {"metric": metric, "label": mdef.label, "label_en": mdef.label_en or mdef.label, "kind": kind.kind,
            "format": mdef.format,
            "from": {"period": frm, "start": s0.isoformat(), "end": e0.isoformat(), "value": t0},
            "to": {"period": to, "start": s1.isoformat(), "end": e1.isoformat(), "value": t1},
            "change": t1 - t0, "change_pct": _num((t1 - t0) / abs(t0)) if t0 else None,
            "best_dimension": best["dimension"] if best else None,
            "summary_zh": _summary(metric, best, t0, t1, "zh", src, results),
            "summary_en": _summary(metric, best, t0, t1, "en", src, results),
            "dimensions": results}


def _outlyingness(surprise: np.ndarray) -> float:
    """How far the most surprising member stands out from the others: |s_top − median| / (1.4826 MAD).
    Fewer than 3 members cannot be scored this way (0)."""
    s = np.asarray(surprise, dtype=float)
    if s.size < 3:
        return 0.0
    med = float(np.median(s))
    mad = 1.4826 * float(np.median(np.abs(s - med)))
    top = float(np.max(np.abs(s - med)))
    if mad <= 0:
        mad = float(np.mean(np.abs(s - med))) or 1.0
    return top / mad


def _label(idx: ModelIndex, dim: str, lang: str = "zh") -> str:
    try:
        key = idx.resolve_field(dim)
    except ShuzhiError:
        return dim
    f = idx.fields[key]
    return (f.label_en if lang == "en" else None) or f.label or dim


def _summary(metric: str, best: dict | None, t0: float, t1: float, lang: str, src: Source,
             results: list[dict[str, Any]]) -> str:
    """The change, the best-explaining dimension and its leading member; then any dimension too small
    to score (2 members) whose leading member carries most of the change (CONCENTRATED)."""
    mdef = src.index.metric(metric)
    if best is None or not best["top"]:
        return ""
    m = best["top"][0]
    v0, v1 = (format_value(t, mdef.format, lang, style="sentence") for t in (t0, t1))
    c = format_change(m["contribution"], mdef.format, lang)
    also = [(d, d["top"][0]) for d in results if d is not best and 2 <= d["members"] < 3 and d["top"]
            and (d["top"][0].get("share_of_change") or 0) >= CONCENTRATED]
    if lang == "zh":
        return (f"{mdef.label}从 {v0} 变为 {v1}；最能解释变化的维度是 {best['label']}，"
                f"其中 {m['member']} 的贡献最突出（{c}）。"
                + "".join(f"另外，按{d['label']}看，{x['member']} 占变化的 {x['share_of_change']:.0%}。" for d, x in also))
    return (f"{mdef.label_en or mdef.label} went from {v0} to {v1}; the change is best explained by "
            f"{best['label_en']}, led by {m['member']} ({c})."
            + "".join(f" By {d['label_en']}, {x['member']} accounts for {x['share_of_change']:.0%} of the change."
                      for d, x in also))
