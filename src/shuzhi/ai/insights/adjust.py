"""Preparing a series for the models: gaps filled, the Spring Festival effect removed, a seasonal index."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from shuzhi.ai.insights import holidays
from shuzhi.ai.insights.series import note
from shuzhi.results.format import format_value


def clean(values: np.ndarray) -> tuple[np.ndarray, int, list[dict[str, Any]]]:
    """Trim leading/trailing gaps, interpolate inner ones. Returns (y, offset of y[0], notes)."""
    ok = np.isfinite(values)
    if not ok.any():
        return np.array([]), 0, []
    first, last = int(np.argmax(ok)), len(ok) - int(np.argmax(ok[::-1]))
    y = values[first:last].astype(float)
    notes = []
    gaps = ~np.isfinite(y)
    if gaps.any():
        idx = np.arange(len(y))
        y[gaps] = np.interp(idx[gaps], idx[~gaps], y[~gaps])
        notes.append(note("gaps_interpolated", f"{int(gaps.sum())} 个缺失期间按线性插值补齐。",
                          f"{int(gaps.sum())} missing periods were filled by linear interpolation."))
    return y, first, notes


def holiday_adjust(y: np.ndarray, periods: list[dt.date], future: list[dt.date], grain: str
                    ) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Remove the Spring Festival effect from y (additive, estimated against a rolling median);
    return (adjusted y, effect to add back to each future period, notes)."""
    zero = np.zeros(len(future))
    if grain not in ("day", "week") or not holidays.covered(periods + future):
        return y, zero, []
    d = holidays.dummy(periods, grain)
    if d.sum() == 0:
        return y, zero, []
    w = 61 if grain == "day" else 13
    pad = np.pad(y, w // 2, mode="edge")
    base = np.array([np.median(pad[i:i + w]) for i in range(len(y))])
    beta = float(np.sum(d * (y - base)) / np.sum(d * d))
    effect = beta * holidays.dummy(future, grain)
    zh, en = (format_value(beta, None, lang, style="sentence") for lang in ("zh", "en"))
    return y - beta * d, effect, [note(
        "spring_festival", f"已按春节效应调整（窗口内每期平均影响 {zh}）。",
        f"Adjusted for the Spring Festival effect (average effect in the window {en} per period).",
        effect=beta)]


def seasonal_test(y: np.ndarray, m: int) -> bool:
    """Does the last season repeat the one before? After removing a linear trend (in logs), the
    correlation of the two seasons' m pairs must be positive and significant (one-sided 5 %).
    (The M4 autocorrelation test cannot pass on only two seasons: its limit exceeds any lag-m acf.)"""
    from scipy import stats

    if m < 4 or len(y) < 2 * m or (y <= 0).any():
        return False
    w = np.log(y[-2 * m:])
    t = np.arange(2 * m)
    r = w - np.polyval(np.polyfit(t, w, 1), t)
    a, b = r[:m], r[m:]
    if a.std() == 0 or b.std() == 0:
        return False
    corr = float(np.corrcoef(a, b)[0, 1])
    q = float(stats.t.ppf(0.95, m - 2))
    return corr > q / math.sqrt(m - 2 + q * q)


def seasonal_index(y: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal index by position t % m: the mean residual of a log-linear trend
    over every full season (two observations per position with two seasons, where a centred moving
    average would leave one), normalised to a geometric mean of 1. Requires y > 0."""
    n = len(y) - len(y) % m
    w = np.log(y[len(y) - n:])
    t = np.arange(len(y) - n, len(y))
    r = w - np.polyval(np.polyfit(t, w, 1), t)
    idx = np.array([r[(t % m) == j].mean() for j in range(m)])
    return np.exp(idx - idx.mean())
