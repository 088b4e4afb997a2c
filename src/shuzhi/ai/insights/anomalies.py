"""Anomalies in metric series: points far from what the rest of the series predicts.

Method (per series; per member when split by a dimension):
1. Expected value of each point, predicted WITHOUT the point itself (leave-one-out backtest):
   a running median of its neighbours (± half a season, at least ± 3 periods) as the level, plus,
   when there are two or more full seasons and (for ratios) seasonality actually reduces the error, the median
   deviation of the same season position in the other years (shrunk by k/(k+1)).
   Very short series (< 7 points) use the median of the other points: a plain robust z-score.
2. Errors are scaled robustly (1.4826 × MAD of the leave-one-out errors): z = error / scale.
   Additive, positive metrics (amounts, counts) are analysed in logs, so a drop to a third counts
   the same in a big and a small member; ratios stay linear.
3. A point is an anomaly when |z| ≥ Z_FLAG and it is at least MIN_REL away from expectation in
   relative terms; the interval [lower, upper] is the expectation ± Z_FLAG × scale (back on the
   metric's scale). Severity: high |z| ≥ 5, medium ≥ 4, else low. yoy and pop changes are
   reported with every anomaly and in its description.
4. In a split, members with less than MIN_SHARE of an additive total are skipped (too noisy to be
   worth an alert) and a note says how many.
The answer carries every checked series with its expectation and band (`series`), so a chart can
draw the history, the expected range and the flagged points.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import numpy as np

from shuzhi.ai.insights.series import Source, check_size, fetch_series, note, period_label, timeout_error
from shuzhi.results.format import format_growth, format_value

Z_FLAG = 3.5
MIN_REL = 0.2
MIN_SHARE = 0.02
SEASONAL_GAIN = 0.9  # seasonality is used only when it shrinks the error scale below 90 %
MAD_K = 1.4826


def _robust_scale(r: np.ndarray) -> float:
    r = r[np.isfinite(r)]
    if r.size == 0:
        return math.nan
    s = MAD_K * float(np.median(np.abs(r - np.median(r))))
    if s <= 0:  # more than half the errors identical: fall back to the mean absolute error
        s = 1.2533 * float(np.mean(np.abs(r - np.median(r))))
    return s


def _loo_expected(pool: np.ndarray, y: np.ndarray, season: int, half: int) -> np.ndarray:
    """Expectation of y[i] from the other points of `pool` (y with excluded points set to NaN)."""
    n = len(y)
    level = np.full(n, np.nan)
    for i in range(n):
        nb = np.r_[pool[max(0, i - half):i], pool[i + 1:min(n, i + half + 1)]]
        nb = nb[np.isfinite(nb)]
        if nb.size:
            level[i] = np.median(nb)
    if season <= 1:
        return level
    dev = pool - level
    seas = np.zeros(n)
    for i in range(n):
        others = np.array([dev[j] for j in range(i % season, n, season) if j != i])
        others = others[np.isfinite(others)]
        if others.size:
            seas[i] = np.median(others) * others.size / (others.size + 1)
    return level + seas


def score_series(values: np.ndarray, season: int, *, log: bool) -> dict[str, np.ndarray | float | bool]:
    """Leave-one-out expectation, z-scores and the band, on the metric's own scale."""
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    n = int(ok.sum())
    shift = 0.0
    if log:
        pos = y[ok & (y > 0)]
        shift = 0.05 * float(np.median(pos)) if pos.size else 1.0
        w = np.where(ok, np.log(np.where(ok, y, 0) + shift), np.nan)
    else:
        w = y.copy()
    if n < 7:
        exp_w = np.array([np.nanmedian(np.r_[w[:i], w[i + 1:]]) if n > 1 else np.nan for i in range(len(w))])
        seasonal = False
        r = w - exp_w
        scale = _robust_scale(r)
        center = float(np.nanmedian(r)) if np.isfinite(r).any() else 0.0
    else:
        # Two passes: points flagged in the first are left out of every other point's expectation
        # in the second, so one anomaly cannot distort its neighbours or the same season next year.
        half = max(3, season // 2) if season > 1 else 3
        pool = w
        for _ in range(2):
            exp_w = _loo_expected(pool, w, 1, half)
            seasonal = False
            if season > 1 and n >= 2 * season:
                exp_s = _loo_expected(pool, w, season, half)
                if log or _robust_scale(w - exp_s) < SEASONAL_GAIN * _robust_scale(w - exp_w):
                    exp_w, seasonal = exp_s, True
            r = w - exp_w
            scale = _robust_scale(r)
            center = float(np.nanmedian(r))
            z = (r - center) / scale if scale and scale > 0 else np.zeros_like(r)
            pool = np.where(np.abs(z) >= Z_FLAG, np.nan, w)
    z = (r - center) / scale if scale and scale > 0 else np.zeros_like(r)
    lo_w, hi_w = exp_w + center - Z_FLAG * scale, exp_w + center + Z_FLAG * scale
    back = (lambda a: np.exp(a) - shift) if log else (lambda a: a)
    lower = back(lo_w)
    if np.nanmin(y) >= 0:
        lower = np.maximum(lower, 0.0)
    return {"expected": back(exp_w + center), "lower": lower, "upper": back(hi_w), "z": z,
            "seasonal": seasonal, "scale": scale}


def _severity(z: float) -> str:
    a = abs(z)
    return "high" if a >= 5 else "medium" if a >= 4 else "low"


def _pct(x: float | None) -> str:
    return format_growth(x, 0)


def _say(v: float, fmt: str | None, lang: str = "zh") -> str:
    return format_value(v, fmt, lang, style="sentence")


def _change(y: np.ndarray, i: int, lag: int) -> float | None:
    if i - lag < 0 or not np.isfinite(y[i - lag]) or y[i - lag] == 0:
        return None
    return float(y[i] / y[i - lag] - 1)


def detect_series(values: np.ndarray, periods: list[dt.date], grain: str, season: int, *, log: bool,
                  key: str | None = None, label: str = "", fmt: str | None = None, label_en: str | None = None,
                  z_flag: float = Z_FLAG, min_rel: float = MIN_REL,
                  scored: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The anomalies of one series (`scored`: its score_series result, when the caller has it)."""
    y = np.asarray(values, dtype=float)
    if int(np.isfinite(y).sum()) < 4:
        return []
    s = scored if scored is not None else score_series(y, season, log=log)
    z, expected = s["z"], s["expected"]
    out = []
    for i, p in enumerate(periods):
        if not np.isfinite(y[i]) or not np.isfinite(z[i]) or abs(z[i]) < z_flag:
            continue
        e = float(expected[i])
        rel = (y[i] - e) / abs(e) if e else math.inf
        if abs(rel) < min_rel:
            continue
        pop, yoy = _change(y, i, 1), _change(y, i, season) if season > 1 else None
        up = z[i] > 0
        who = f"，{key} 的" if key else "，"
        who_en = f" for {key}" if key else ""
        lbl = period_label(p, grain)
        zh = (f"{lbl}{who}{label}为 {_say(y[i], fmt)}，{'高于' if up else '低于'}预期 {_say(e, fmt)}"
              f"（{format_growth(rel, 0)}，预期区间 {_say(float(s['lower'][i]), fmt)}–{_say(float(s['upper'][i]), fmt)}）；"
              f"环比 {_pct(pop)}，同比 {_pct(yoy)}。")
        en = (f"In {lbl}, {label_en or label}{who_en} was {_say(y[i], fmt, 'en')}, {'above' if up else 'below'} the expected "
              f"{_say(e, fmt, 'en')} ({format_growth(rel, 0)}, expected range {_say(float(s['lower'][i]), fmt, 'en')}–"
              f"{_say(float(s['upper'][i]), fmt, 'en')}); vs previous period {_pct(pop)}, vs a year before {_pct(yoy)}.")
        out.append({"series": key, "period": p.isoformat(), "label": lbl, "value": float(y[i]),
                    "expected": e, "lower": float(s["lower"][i]), "upper": float(s["upper"][i]),
                    "z": round(float(z[i]), 2), "direction": "up" if up else "down", "change": round(rel, 4),
                    "pop": pop, "yoy": yoy, "severity": _severity(float(z[i])),
                    "method": "seasonal_loo" if s["seasonal"] else ("robust_z" if np.isfinite(y).sum() < 7
                                                                     else "level_loo"),
                    "description_zh": zh, "description_en": en})
    return out


def anomalies(src: Source, metric: str, grain: str, *, by: str | None = None,
              where: list[dict[str, Any]] | None = None, min_share: float = MIN_SHARE,
              z_flag: float = Z_FLAG) -> dict[str, Any]:
    """Anomalies of a metric over time, per member of `by`, most severe first."""
    ss = fetch_series(src, metric, grain, by=by, where=where)
    check_size(ss, src.limits.anomaly_max_points)
    additive = ss.kind.kind == "additive"
    notes = list(ss.notes)
    total = sum(float(np.nansum(np.abs(s.values))) for s in ss.series) if additive else 0.0
    found, skipped, drawn = [], [], []
    end = time.monotonic() + src.limits.timeout_s
    for s in ss.series:
        if time.monotonic() > end:
            raise timeout_error(src.limits.timeout_s)
        if by and additive and total > 0 and float(np.nansum(np.abs(s.values))) / total < min_share:
            skipped.append(s.key)
            continue
        log = additive and bool(np.nanmin(s.values) >= 0)
        ok = int(np.isfinite(s.values).sum()) >= 4
        scored = score_series(s.values, ss.season, log=log) if ok else None
        found += detect_series(s.values, ss.periods, grain, ss.season, log=log, key=s.key, label=ss.label,
                               fmt=ss.format, z_flag=z_flag, scored=scored, label_en=ss.label_en)
        drawn.append({"key": s.key, "values": _nums(s.values),
                      **({k: _nums(scored[k]) for k in ("expected", "lower", "upper")} if scored else {})})
    if skipped:
        notes.append(note("small_members_skipped",
                          f"{len(skipped)} 个成员占比不足 {min_share:.0%}，波动太大，未做异常检测。",
                          f"{len(skipped)} members with less than {min_share:.0%} of the total were not "
                          "checked (too noisy).", members=skipped))
    if len(ss.periods) < 2 * ss.season and ss.season > 1:
        notes.append(note("no_season", "历史不足两个完整周期，未考虑季节性。",
                          "Less than two full seasons of history: seasonality is not considered."))
    rank = {"high": 0, "medium": 1, "low": 2}
    found.sort(key=lambda a: (rank[a["severity"]], -abs(a["z"])))
    return {"metric": ss.metric, "label": ss.label, "grain": grain, "by": ss.by, "unit": ss.unit,
            "format": ss.format, "series_checked": len(ss.series) - len(skipped),
            "periods": [p.isoformat() for p in ss.periods],
            "labels": [period_label(p, grain) for p in ss.periods],
            "series": drawn, "anomalies": found, "notes": notes}


def _nums(a: Any) -> list[float | None]:
    """A series for JSON: NaN and infinities become null."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(a, dtype=float)]
