"""Forecasting one series: clean and adjust it, backtest the candidates, refit the winner, put the
adjustments back, order the bands. Pure computation: no query (see forecast.py for the method)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from shuzhi.ai.insights.adjust import clean, holiday_adjust, seasonal_index, seasonal_test
from shuzhi.ai.insights.backtest import (
    COMBINATION,
    ENSEMBLE_OF,
    FOLDS,
    FULL,
    LEVEL_KEYS,
    Band,
    backtest,
    backtest_horizon,
    forecast_all,
    rank_key,
)
from shuzhi.ai.insights.series import note, period_label, shift
from shuzhi.errors import ShuzhiError

MIN_POINTS = 3


def forecast_series(values: np.ndarray, periods: list[dt.date], grain: str, season: int, horizon: int,
                    models: tuple[str, ...] = FULL, folds: int = FOLDS) -> dict[str, Any]:
    """Forecast one series (NaN = missing). Pure computation: no query."""
    y, first, notes = clean(np.asarray(values, dtype=float))
    if len(y) < MIN_POINTS:
        raise ShuzhiError("series_too_short", f"序列只有 {len(y)} 个有效期间，至少需要 {MIN_POINTS} 个才能预测。",
                          f"The series has {len(y)} valid periods; forecasting needs at least {MIN_POINTS}.")
    periods = periods[first:first + len(y)]
    n = len(y)
    future = [shift(periods[-1], grain, i) for i in range(1, horizon + 1)]
    y_fit, effect, hnotes = holiday_adjust(y, periods, future, grain)
    notes += hnotes
    # Seasonal models need two full seasons of training before each backtest origin.
    seasonal = season > 1 and n >= 2 * season + backtest_horizon(horizon, season, n)
    m = season if seasonal else 1
    names = models
    index = None
    if season > 1 and not seasonal and n >= 2 * season and bool((y_fit > 0).all()) and seasonal_test(y_fit, season):
        # Two seasons but too few to backtest seasonal models: remove a classical multiplicative
        # seasonal index, forecast the adjusted series without season, and put the index back.
        index = seasonal_index(y_fit, season)
        y_fit = y_fit / index[np.arange(n) % season]
        notes.append(note("seasonally_adjusted",
                          f"历史只有 {n} 期（季节长度 {season}），先用经典乘法分解去除季节性再建模，预测后还原。",
                          f"Only {n} periods (season length {season}): the series is seasonally adjusted by "
                          "classical multiplicative decomposition, forecast, and re-seasonalized.", season=season))
        # The ensemble's members are combined anyway; drift carries a trend on the adjusted series.
        names = tuple(x for x in models if x not in ("SeasonalNaive", "Ensemble")) + ("Drift",)
    elif season > 1 and not seasonal:
        notes.append(note("no_season", f"历史不足以拟合季节性（{n} 期，季节长度 {season}），不拟合季节性。",
                          f"Too little history to fit seasonality ({n} periods, season length {season}): "
                          "no seasonality is fitted.", season=season))
        names = tuple(x for x in models if x != "SeasonalNaive")
    if n < 8:
        names = ("Naive", "Drift")
        notes.append(note("short_series", f"序列很短（{n} 期），只用朴素法和漂移法，预测仅供参考。",
                          f"The series is very short ({n} periods): only Naive and drift are used; "
                          "treat the forecast as indicative.", points=n))
    h_bt = backtest_horizon(horizon, m, n)
    min_train = max(2 * m if m > 1 else 4, 3) if n >= 8 else max(2, n - 2)
    bt = backtest(y_fit, m, h_bt, names, min_train, folds, combine=index is not None)
    if bt.weights:
        chosen = COMBINATION
        notes.append(note("combined", "两个季节的回测不足以可靠地挑选单一模型：按回测误差（MASE）的倒数加权组合各候选模型（"
                          + "、".join(f"{k} {w:.0%}" for k, w in bt.weights.items()) + "）。",
                          "Two seasons are too few for the backtest to pick one model reliably: the candidates are "
                          "combined, weighted by their inverse backtest MASE ("
                          + ", ".join(f"{k} {w:.0%}" for k, w in bt.weights.items()) + ").",
                          weights={k: round(w, 4) for k, w in bt.weights.items()}))
    elif bt.scores:
        chosen = min(bt.scores, key=lambda k: rank_key(bt.scores[k]))
    else:
        chosen = "Naive"
        notes.append(note("no_backtest", "历史太短，无法回测，采用朴素法。",
                          "Too little history to backtest; the Naive method is used."))
    if chosen == COMBINATION:
        final = forecast_all(tuple(bt.weights), y_fit, horizon, m)
        got = {k: w for k, w in bt.weights.items() if k in final}
        band = ({k: sum(w * final[n][k] for n, w in got.items()) / sum(got.values()) for k in LEVEL_KEYS}
                if got else None)
    else:
        final = forecast_all((chosen,) if chosen != "Ensemble" else ENSEMBLE_OF + ("Ensemble",), y_fit,
                              horizon, m)
        band = final.get(chosen)
    if band is None:
        chosen = "Naive"
        band = forecast_all(("Naive",), y_fit, horizon, m)["Naive"]
        notes.append(note("model_failed", "所选模型无法在全部历史上拟合，改用朴素法。",
                          "The chosen model failed on the full history; Naive is used instead."))
    if index is not None:
        band = {k: v * index[np.arange(n, n + horizon) % season] for k, v in band.items()}
    band = {k: v + effect for k, v in band.items()}
    band = ordered_band(band, nonneg=bool((y >= 0).all()))
    rows = [{"period": p.isoformat(), "label": period_label(p, grain), "value": float(band["mean"][i]),
             "lower80": float(band["lo-80"][i]), "upper80": float(band["hi-80"][i]),
             "lower95": float(band["lo-95"][i]), "upper95": float(band["hi-95"][i])}
            for i, p in enumerate(future)]
    return {"model": chosen, "season_length": m, "forecast": rows,
            "backtest": {"horizon": bt.horizon, "folds": len(bt.origins), **(bt.scores.get(chosen) or
                         {"mape": None, "smape": None, "mase": None})},
            "candidates": {k: {kk: json_number(vv) for kk, vv in v.items()} for k, v in bt.scores.items()},
            "weights": {k: round(w, 4) for k, w in bt.weights.items()} if chosen == COMBINATION else None,
            "notes": notes}


def json_number(v: float) -> float | None:
    return None if v != v or math.isinf(v) else round(float(v), 6)


def ordered_band(b: Band, nonneg: bool) -> Band:
    stack = np.sort(np.vstack([b["lo-95"], b["lo-80"], b["mean"], b["hi-80"], b["hi-95"]]), axis=0)
    if nonneg:
        stack = np.maximum(stack, 0.0)
    return dict(zip(("lo-95", "lo-80", "mean", "hi-80", "hi-95"), stack, strict=True))
