"""Forecasts with prediction intervals, the model chosen per series by a rolling-origin backtest.

Candidates (statsforecast): AutoETS, AutoARIMA, AutoTheta, their mean ensemble, and the baselines
SeasonalNaive and Naive. Each candidate forecasts h_bt periods ahead from up to FOLDS origins at the
end of the history; the one with the lowest mean MASE (ties: sMAPE) is refitted on all data and
forecasts `horizon` periods with 80 % and 95 % intervals.

Two seasons of history (e.g. 24–32 months): the series is seasonally adjusted (classical
multiplicative index), and the non-seasonal candidates plus drift are not selected but combined,
weighted by 1 / backtest MASE ("Combination"): a backtest on ~18 adjusted points ranks models
poorly, and combining is the robust answer (benchmarks/forecast_accuracy.py --seeds shows it).

Invariants:
- Every result carries `notes` saying what was simplified (short series, no season, interpolated
  gaps, Spring Festival adjustment, models dropped for speed) in Chinese and English.
- Intervals are ordered: lower95 ≤ lower80 ≤ value ≤ upper80 ≤ upper95; a metric that was never
  negative gets no negative bounds.
- The ensemble's point and bounds are the means of its members' (a simple, robust combination);
  the Combination's are the weighted means of its members' (weights in the result's `weights`).
- Errors are fractions (MAPE 0.08 = 8 %); MASE is scaled by the in-sample (seasonal) naive error.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import time
import warnings
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from typing import Any

import numpy as np

from shuzhi.ai.insights import holidays
from shuzhi.ai.insights.series import (
    Source,
    check_deadline,
    check_size,
    fetch_series,
    note,
    period_label,
    remaining,
    shift,
    time_limit,
    timeout_error,
)
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

log = get_logger(__name__)

LEVELS = (80, 95)
FOLDS = 3
MAX_HORIZON = 120
FULL = ("AutoETS", "AutoARIMA", "AutoTheta", "Ensemble", "SeasonalNaive", "Naive")
# With two seasons of history the series is seasonally adjusted and the backtest (a few folds on
# 18-odd points) is too noisy to pick one model reliably: the candidates (plus drift, which carries
# a trend on the adjusted series) are combined, weighted by their inverse backtest MASE.
COMBINATION = "Combination"
ENSEMBLE_OF = ("AutoETS", "AutoARIMA", "AutoTheta")
# Splits with more series than this leave AutoARIMA out (it costs ~10x the others), and say so.
ARIMA_MAX_SERIES = 8
FAST_MAX_SERIES = 50
FAST = ("AutoTheta", "SeasonalNaive", "Naive")
FAST_FOLDS = 2  # backtest origins per series in splits of more than FAST_MAX_SERIES series
MIN_POINTS = 3

Band = dict[str, np.ndarray]  # mean, lo-80, hi-80, lo-95, hi-95
LEVEL_KEYS = ("mean", "lo-80", "hi-80", "lo-95", "hi-95")


def _model(name: str, season: int) -> Any:
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


def _fit(name: str, y: np.ndarray, h: int, season: int, intervals: bool = True) -> Band | None:
    """One model's forecast band (only its mean without `intervals`: backtests need no bands, and
    computing them is a quarter of a fit), or None when it cannot fit this series."""
    check_deadline()  # between fits: a request past its time limit stops here (not swallowed below)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = _model(name, season).forecast(y=y.astype(float), h=h, level=list(LEVELS) if intervals else None)
    except Exception:  # noqa: BLE001 - a model that cannot fit is just not a candidate
        return None
    band = {k: np.asarray(out[k], dtype=float) for k in (LEVEL_KEYS if intervals else ("mean",))}
    if not all(np.isfinite(v).all() for v in band.values()):
        return None
    return band


def _forecast_all(names: tuple[str, ...], y: np.ndarray, h: int, season: int, intervals: bool = True
                  ) -> dict[str, Band]:
    out: dict[str, Band] = {}
    for name in names:
        if name == "Ensemble":
            continue
        b = _fit(name, y, h, season, intervals)
        if b is not None:
            out[name] = b
    if "Ensemble" in names:
        members = [out[m] for m in ENSEMBLE_OF if m in out]
        if len(members) >= 2:
            out["Ensemble"] = {k: np.mean([b[k] for b in members], axis=0) for k in members[0]}
    return out


def _scale(train: np.ndarray, season: int) -> float:
    for m in (season, 1):
        if len(train) > m:
            s = float(np.mean(np.abs(train[m:] - train[:-m])))
            if s > 0:
                return s
    return math.nan


def _errors(actual: np.ndarray, pred: np.ndarray, scale: float) -> tuple[float, float, float]:
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
        for name, band in _forecast_all(names, y[:o], h, season, intervals=False).items():
            preds.setdefault(name, []).append(band["mean"])
    preds = {k: v for k, v in preds.items() if len(v) == len(origins)}
    truth = [(y[o:o + h], _scale(y[:o], season)) for o in origins]

    def score(ps: list[np.ndarray]) -> dict[str, float]:
        arr = np.array([_errors(test, p, sc) for (test, sc), p in zip(truth, ps, strict=True)])
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


def _rank_key(s: dict[str, float]) -> tuple[float, float]:
    mase, smape = s["mase"], s["smape"]
    return (mase if mase == mase else math.inf, smape if smape == smape else math.inf)


def _clean(values: np.ndarray) -> tuple[np.ndarray, int, list[dict[str, Any]]]:
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


def _holiday_adjust(y: np.ndarray, periods: list[dt.date], future: list[dt.date], grain: str
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
    return y - beta * d, effect, [note(
        "spring_festival", f"已按春节效应调整（窗口内每期平均影响 {beta:,.2f}）。",
        f"Adjusted for the Spring Festival effect (average effect in the window {beta:,.2f} per period).",
        effect=beta)]


def _h_bt(horizon: int, m: int, n: int) -> int:
    """Backtest horizon: the forecast horizon, at most one season and a quarter of the history."""
    return max(1, min(horizon, m if m > 1 else horizon, max(1, n // 4)))


def _seasonal_test(y: np.ndarray, m: int) -> bool:
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


def _seasonal_index(y: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal index by position t % m: the mean residual of a log-linear trend
    over every full season (two observations per position with two seasons, where a centred moving
    average would leave one), normalised to a geometric mean of 1. Requires y > 0."""
    n = len(y) - len(y) % m
    w = np.log(y[len(y) - n:])
    t = np.arange(len(y) - n, len(y))
    r = w - np.polyval(np.polyfit(t, w, 1), t)
    idx = np.array([r[(t % m) == j].mean() for j in range(m)])
    return np.exp(idx - idx.mean())


def forecast_series(values: np.ndarray, periods: list[dt.date], grain: str, season: int, horizon: int,
                    models: tuple[str, ...] = FULL, folds: int = FOLDS) -> dict[str, Any]:
    """Forecast one series (NaN = missing). Pure computation: no query."""
    y, first, notes = _clean(np.asarray(values, dtype=float))
    if len(y) < MIN_POINTS:
        raise ShuzhiError("series_too_short", f"序列只有 {len(y)} 个有效期间，至少需要 {MIN_POINTS} 个才能预测。",
                          f"The series has {len(y)} valid periods; forecasting needs at least {MIN_POINTS}.")
    periods = periods[first:first + len(y)]
    n = len(y)
    future = [shift(periods[-1], grain, i) for i in range(1, horizon + 1)]
    y_fit, effect, hnotes = _holiday_adjust(y, periods, future, grain)
    notes += hnotes
    # Seasonal models need two full seasons of training before each backtest origin.
    seasonal = season > 1 and n >= 2 * season + _h_bt(horizon, season, n)
    m = season if seasonal else 1
    names = models
    index = None
    if season > 1 and not seasonal and n >= 2 * season and bool((y_fit > 0).all()) and _seasonal_test(y_fit, season):
        # Two seasons but too few to backtest seasonal models: remove a classical multiplicative
        # seasonal index, forecast the adjusted series without season, and put the index back.
        index = _seasonal_index(y_fit, season)
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
    h_bt = _h_bt(horizon, m, n)
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
        chosen = min(bt.scores, key=lambda k: _rank_key(bt.scores[k]))
    else:
        chosen = "Naive"
        notes.append(note("no_backtest", "历史太短，无法回测，采用朴素法。",
                          "Too little history to backtest; the Naive method is used."))
    if chosen == COMBINATION:
        final = _forecast_all(tuple(bt.weights), y_fit, horizon, m)
        got = {k: w for k, w in bt.weights.items() if k in final}
        band = ({k: sum(w * final[n][k] for n, w in got.items()) / sum(got.values()) for k in LEVEL_KEYS}
                if got else None)
    else:
        final = _forecast_all((chosen,) if chosen != "Ensemble" else ENSEMBLE_OF + ("Ensemble",), y_fit,
                              horizon, m)
        band = final.get(chosen)
    if band is None:
        chosen = "Naive"
        band = _forecast_all(("Naive",), y_fit, horizon, m)["Naive"]
        notes.append(note("model_failed", "所选模型无法在全部历史上拟合，改用朴素法。",
                          "The chosen model failed on the full history; Naive is used instead."))
    if index is not None:
        band = {k: v * index[np.arange(n, n + horizon) % season] for k, v in band.items()}
    band = {k: v + effect for k, v in band.items()}
    band = _order(band, nonneg=bool((y >= 0).all()))
    rows = [{"period": p.isoformat(), "label": period_label(p, grain), "value": float(band["mean"][i]),
             "lower80": float(band["lo-80"][i]), "upper80": float(band["hi-80"][i]),
             "lower95": float(band["lo-95"][i]), "upper95": float(band["hi-95"][i])}
            for i, p in enumerate(future)]
    return {"model": chosen, "season_length": m, "forecast": rows,
            "backtest": {"horizon": bt.horizon, "folds": len(bt.origins), **(bt.scores.get(chosen) or
                         {"mape": None, "smape": None, "mase": None})},
            "candidates": {k: {kk: _num(vv) for kk, vv in v.items()} for k, v in bt.scores.items()},
            "weights": {k: round(w, 4) for k, w in bt.weights.items()} if chosen == COMBINATION else None,
            "notes": notes}


def _num(v: float) -> float | None:
    return None if v != v or math.isinf(v) else round(float(v), 6)


def _order(b: Band, nonneg: bool) -> Band:
    stack = np.sort(np.vstack([b["lo-95"], b["lo-80"], b["mean"], b["hi-80"], b["hi-95"]]), axis=0)
    if nonneg:
        stack = np.maximum(stack, 0.0)
    return dict(zip(("lo-95", "lo-80", "mean", "hi-80", "hi-95"), stack, strict=True))


def candidates_for(count: int, models: tuple[str, ...] | None = None
                   ) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The candidate models for a split of `count` series (explicit `models` win), and notes.

    More than ARIMA_MAX_SERIES series: no AutoARIMA (~10x the others). More than FAST_MAX_SERIES:
    only AutoTheta, SeasonalNaive and Naive, backtested from FAST_FOLDS origins (AutoETS costs
    ~30 ms a fit; 500 series must take seconds, not minutes — see benchmarks/forecast_accuracy.py)."""
    if models:
        return tuple(models), []
    if count > FAST_MAX_SERIES:
        return FAST, [note("fast_models", f"序列很多（{count} 条），为速度起见只用 AutoTheta、季节朴素法和朴素法。",
                           f"Many series ({count}): only AutoTheta, SeasonalNaive and Naive are used, for speed.")]
    if count > ARIMA_MAX_SERIES:
        return tuple(x for x in FULL if x != "AutoARIMA"), [note(
            "arima_skipped", f"序列较多（{count} 条），为速度起见未使用 AutoARIMA。",
            f"Many series ({count}): AutoARIMA was left out for speed.")]
    return FULL, []


def _forecast_chunk(values: list[np.ndarray], periods: list[dt.date], grain: str, season: int, horizon: int,
                    names: tuple[str, ...], folds: int) -> list[dict[str, Any]]:
    out = []
    for v in values:
        try:
            out.append(forecast_series(v, periods, grain, season, horizon, names, folds))
        except ShuzhiError as err:
            out.append({"model": None, "forecast": [], "backtest": None, "candidates": {},
                        "notes": [note(err.code, err.zh, err.en)]})
    return out


# Splits of at least POOL_MIN_SERIES series are forecast by worker processes, one per core (statsforecast's
# fits hold the GIL, so threads would not help). The pool is started once, from a forkserver (never a fork
# of the multi-threaded server), and reused; SHUZHI_FORECAST_WORKERS=1 turns it off.
POOL_MIN_SERIES = 100
_pool: Any = None
_pool_lock = threading.Lock()


def _workers() -> int:
    raw = os.environ.get("SHUZHI_FORECAST_WORKERS", "")
    return max(1, int(raw)) if raw.isdigit() else min(4, os.cpu_count() or 1)


def _get_pool(n: int) -> Any:
    global _pool
    with _pool_lock:
        if _pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["shuzhi.ai.insights.forecast", "statsforecast.models"])
            _pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
        return _pool


def _reset_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _kill_pool() -> None:
    """Terminate the workers (a timed-out request's fits cannot be interrupted otherwise); the next
    large split starts a fresh pool."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        procs = list(getattr(pool, "_processes", {}).values())  # no public API to stop running work
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.terminate()


def forecast_many(values: list[np.ndarray], periods: list[dt.date], grain: str, season: int, horizon: int,
                  models: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Forecast several aligned series; a series that cannot be forecast gets model None and a note.
    Large splits go to the worker pool in chunks (results in order); if the pool cannot run, serially."""
    names = models or candidates_for(len(values))[0]
    folds = FAST_FOLDS if len(values) > FAST_MAX_SERIES else FOLDS
    n = _workers()
    if n > 1 and len(values) >= POOL_MIN_SERIES:
        size = -(-len(values) // (4 * n))  # a few chunks per worker, so a slow chunk does not idle the others
        chunks = [values[i:i + size] for i in range(0, len(values), size)]
        left = remaining()
        end = None if left is None else time.monotonic() + left
        try:
            futures = [_get_pool(n).submit(_forecast_chunk, c, periods, grain, season, horizon, names, folds)
                       for c in chunks]
            try:
                return [fc for f in futures for fc in f.result(None if end is None else max(0.0, end - time.monotonic()))]
            except FuturesTimeout:
                _kill_pool()  # the workers are busy with this request's chunks: stop them now
                raise timeout_error(left or 0.0) from None
        except (OSError, RuntimeError, EOFError) as exc:  # BrokenProcessPool is a RuntimeError
            log.warning("forecast_pool_failed", error=repr(exc))
            _reset_pool()
    return _forecast_chunk(values, periods, grain, season, horizon, names, folds)


def forecast(src: Source, metric: str, grain: str, horizon: int, *, by: str | None = None,
             where: list[dict[str, Any]] | None = None, models: tuple[str, ...] | None = None
             ) -> dict[str, Any]:
    """Forecast a metric `horizon` periods ahead, one series per member of `by`."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ShuzhiError("bad_horizon", f"预测期数须在 1 到 {MAX_HORIZON} 之间，不能是 {horizon}。",
                          f"The horizon must be between 1 and {MAX_HORIZON}, not {horizon}.")
    unknown = [m for m in models or () if m not in FULL]
    if unknown:
        raise ShuzhiError("unknown_model", f"未知的预测模型：{'、'.join(unknown)}；可选 {'、'.join(FULL)}。",
                          f"Unknown forecasting model(s): {', '.join(unknown)}; choose from {', '.join(FULL)}.")
    ss = fetch_series(src, metric, grain, by=by, where=where)
    check_size(ss, src.limits.forecast_max_points, horizon=horizon)
    notes = list(ss.notes)
    names, more = candidates_for(len(ss.series), models)
    notes += more
    with time_limit(src.limits.timeout_s):
        if ss.by:
            fcs = forecast_many([s.values for s in ss.series], ss.periods, grain, ss.season, horizon, names)
        else:  # one series: its error is the answer
            fcs = [forecast_series(ss.series[0].values, ss.periods, grain, ss.season, horizon, names)]
    out = []
    for s, fc in zip(ss.series, fcs, strict=True):
        hist = [{"period": p.isoformat(), "label": period_label(p, grain), "value": _num(v)}
                for p, v in zip(ss.periods, s.values, strict=True)]
        out.append({"key": s.key, "history": hist, **fc})
    return {"metric": ss.metric, "label": ss.label, "grain": grain, "horizon": horizon, "by": ss.by,
            "unit": ss.unit, "format": ss.format, "levels": list(LEVELS), "series": out, "notes": notes}
