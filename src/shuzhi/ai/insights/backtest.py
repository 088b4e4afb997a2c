"""Candidate forecasting models, their fits, and the rolling-origin backtest that scores them.

Candidates (statsforecast, imported lazily): AutoETS, AutoARIMA, AutoTheta, their mean ensemble, and the
baselines SeasonalNaive, Naive (and Drift, for seasonally adjusted series). Scores are fractions (MAPE
0.08 = 8 %); MASE is scaled by the in-sample (seasonal) naive error. See forecast.py for how they are used.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from shuzhi.ai.insights.series import check_deadline

LEVELS = (80, 95)
FOLDS = 3
FULL = ("AutoETS", "AutoARIMA", "AutoTheta", "Ensemble", "SeasonalNaive", "Naive")
# With two seasons of history the series is seasonally adjusted and the backtest (a few folds on
# 18-odd points) is too noisy to pick one model reliably: the candidates (plus drift, which carries
# a trend on the adjusted series) are combined, weighted by their inverse backtest MASE.
COMBINATION = "Combination"
ENSEMBLE_OF = ("AutoETS", "AutoARIMA", "AutoTheta")

Band = dict[str, np.ndarray]  # mean, lo-80, hi-80, lo-95, hi-95
LEVEL_KEYS = ("mean", "lo-80", "hi-80", "lo-95", "hi-95")


def model(name: str, season: int) -> Any:
    from statsforecast import models as sm

    if name == "AutoETS":
        return sm.AutoETS(season_length=season)
    if name == "AutoARIMA":
        return sm.AutoARIMA(season_length=season)
    if name == "AutoTheta":
        return sm.AutoTheta(season_length=season)
    if name == "SeasonalNaive":
        return sm.SeasonalNaive(season_length=season)
    if name == "Naive":
        return sm.Naive()
    if name == "Drift":
        return sm.RandomWalkWithDrift()
    raise ValueError(name)


def fit(name: str, y: np.ndarray, h: int, season: int, intervals: bool = True) -> Band | None:
    """One model's forecast band (only its mean without `intervals`: backtests need no bands, and
    computing them is a quarter of a fit), or None when it cannot fit this series."""
    check_deadline()  # between fits: a request past its time limit stops here (not swallowed below)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = model(name, season).forecast(y=y.astype(float), h=h, level=list(LEVELS) if intervals else None)
    except Exception:  # noqa: BLE001 - a model that cannot fit is just not a candidate
        return None
    band = {k: np.asarray(out[k], dtype=float) for k in (LEVEL_KEYS if intervals else ("mean",))}
    if not all(np.isfinite(v).all() for v in band.values()):
        return None
    return band


def forecast_all(names: tuple[str, ...], y: np.ndarray, h: int, season: int, intervals: bool = True
                  ) -> dict[str, Band]:
    out: dict[str, Band] = {}
    for name in names:
        if name == "Ensemble":
            continue
        b = fit(name, y, h, season, intervals)
        if b is not None:
            out[name] = b
    if "Ensemble" in names:
        members = [out[m] for m in ENSEMBLE_OF if m in out]
        if len(members) >= 2:
            out["Ensemble"] = {k: np.mean([b[k] for b in members], axis=0) for k in members[0]}
    return out


def mase_scale(train: np.ndarray, season: int) -> float:
    for m in (season, 1):
        if len(train) > m:
            s = float(np.mean(np.abs(train[m:] - train[:-m])))
            if s > 0:
                return s
    return math.nan


def forecast_errors(actual: np.ndarray, pred: np.ndarray, scale: float) -> tuple[float, float, float]:
    e = np.abs(actual - pred)
    nz = actual != 0
    mape = float(np.mean(e[nz] / np.abs(actual[nz]))) if nz.any() else math.nan
    den = np.abs(actual) + np.abs(pred)
    smape = float(np.mean(np.where(den == 0, 0.0, 2 * e / np.where(den == 0, 1, den))))
    mase = float(np.mean(e) / scale) if scale == scale and scale > 0 else math.nan
    return mape, smape, mase


@dataclass
class Backtest:
    horizon: int
    origins: list[int]
    scores: dict[str, dict[str, float]]
    weights: dict[str, float] | None = None  # set when the candidates are combined (see combine())


def backtest(y: np.ndarray, season: int, h: int, names: tuple[str, ...], min_train: int,
             folds: int = FOLDS, combine: bool = False) -> Backtest:
    """Rolling origin: forecast h ahead from up to `folds` origins (step max(1, h // 2)), score each.

    combine=True also scores COMBINATION: the candidates' forecasts weighted by their inverse mean
    MASE over these folds (the weights come from the same folds, so its score is a little optimistic)."""
    step = max(1, h // 2)
    origins = [len(y) - h - k * step for k in range(folds)]
    origins = [o for o in origins if o >= min_train]
    preds: dict[str, list[np.ndarray]] = {}
    for o in origins:
        for name, band in forecast_all(names, y[:o], h, season, intervals=False).items():
            preds.setdefault(name, []).append(band["mean"])
    preds = {k: v for k, v in preds.items() if len(v) == len(origins)}
    truth = [(y[o:o + h], mase_scale(y[:o], season)) for o in origins]

    def score(ps: list[np.ndarray]) -> dict[str, float]:
        arr = np.array([forecast_errors(test, p, sc) for (test, sc), p in zip(truth, ps, strict=True)])
        return {k: _nanmean(arr[:, i]) for i, k in enumerate(("mape", "smape", "mase"))}

    scores = {name: score(ps) for name, ps in preds.items()}
    weights = _inverse_error_weights(scores) if combine else None
    if weights and len(weights) > 1:
        scores[COMBINATION] = score([sum(w * preds[k][i] for k, w in weights.items())
                                     for i in range(len(origins))])
    return Backtest(h, origins, scores, weights if weights and len(weights) > 1 else None)


def _inverse_error_weights(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    """Weights proportional to 1 / mean backtest MASE, over the candidates with a finite, positive
    MASE (an exact fit, MASE 0, takes all the weight)."""
    mase = {k: s["mase"] for k, s in scores.items() if k != COMBINATION and math.isfinite(s["mase"])}
    exact = [k for k, v in mase.items() if v <= 0]
    if exact:
        return {exact[0]: 1.0}
    inv = {k: 1.0 / v for k, v in mase.items()}
    total = sum(inv.values())
    return {k: v / total for k, v in inv.items()} if total > 0 else {}


def _nanmean(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(a.mean()) if a.size else math.nan


def rank_key(s: dict[str, float]) -> tuple[float, float]:
    mase, smape = s["mase"], s["smape"]
    return (mase if mase == mase else math.inf, smape if smape == smape else math.inf)


def backtest_horizon(horizon: int, m: int, n: int) -> int:
    """Backtest horizon: the forecast horizon, at most one season and a quarter of the history."""
    return max(1, min(horizon, m if m > 1 else horizon, max(1, n // 4)))
