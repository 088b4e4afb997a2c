"""Forecasting many aligned series (a split by a dimension): the candidates for its size, and a worker
pool for large splits."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

import numpy as np

from shuzhi.ai.insights.backtest import FOLDS, FULL
from shuzhi.ai.insights.forecast_one import forecast_series
from shuzhi.ai.insights.series import note, remaining, timeout_error
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

log = get_logger(__name__)

# Splits with more series than this leave AutoARIMA out (it costs ~10x the others), and say so.
ARIMA_MAX_SERIES = 8
FAST_MAX_SERIES = 50
FAST = ("AutoTheta", "SeasonalNaive", "Naive")
FAST_FOLDS = 2  # backtest origins per series in splits of more than FAST_MAX_SERIES series


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


def forecast_chunk(values: list[np.ndarray], periods: list[dt.date], grain: str, season: int, horizon: int,
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
            ctx.set_forkserver_preload(["shuzhi.ai.insights.forecast_batch", "statsforecast.models"])
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
            futures = [_get_pool(n).submit(forecast_chunk, c, periods, grain, season, horizon, names, folds)
                       for c in chunks]
            try:
                return [fc for f in futures for fc in f.result(None if end is None else max(0.0, end - time.monotonic()))]
            except FuturesTimeout:
                _kill_pool()  # the workers are busy with this request's chunks: stop them now
                raise timeout_error(left or 0.0) from None
        except (OSError, RuntimeError, EOFError) as exc:  # BrokenProcessPool is a RuntimeError
            log.warning("forecast_pool_failed", error=repr(exc))
            _reset_pool()
    return forecast_chunk(values, periods, grain, season, horizon, names, folds)
