"""Forecasts: model choice by backtest, interval coverage, fallbacks, the demo (seed 42)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from insights_env import make_source

from shuzhi.ai.insights import holidays
from shuzhi.ai.insights.forecast import forecast
from shuzhi.ai.insights.forecast_one import forecast_series
from shuzhi.ai.insights.series import shift
from shuzhi.errors import ShuzhiError

FAST = ("AutoETS", "AutoTheta", "SeasonalNaive", "Naive")


def _periods(n: int, start: dt.date = dt.date(2020, 1, 1), grain: str = "month") -> list[dt.date]:
    return [shift(start, grain, i) for i in range(n)]


def _synthetic(seed: int, n: int = 48) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 1.5 * t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n)


def test_chosen_model_beats_naive_and_intervals_cover() -> None:
    t0 = time.perf_counter()
    forecast_series(_synthetic(0), _periods(48), "month", 12, 12, FAST)  # warm-up (numba)
    print(f"first forecast incl. warm-up: {time.perf_counter() - t0:.2f}s")
    hits80 = hits95 = total = 0
    for seed in range(6):
        y = _synthetic(seed, 60)
        fc = forecast_series(y[:48], _periods(48), "month", 12, 12, FAST)
        assert fc["model"] != "Naive"
        cand = fc["candidates"]
        assert cand[fc["model"]]["mase"] < cand["Naive"]["mase"], cand
        truth = y[48:]
        lo80 = np.array([r["lower80"] for r in fc["forecast"]])
        hi80 = np.array([r["upper80"] for r in fc["forecast"]])
        lo95 = np.array([r["lower95"] for r in fc["forecast"]])
        hi95 = np.array([r["upper95"] for r in fc["forecast"]])
        hits80 += int(((truth >= lo80) & (truth <= hi80)).sum())
        hits95 += int(((truth >= lo95) & (truth <= hi95)).sum())
        total += len(truth)
    print(f"coverage 80%: {hits80 / total:.2f}  95%: {hits95 / total:.2f}")
    assert 0.6 <= hits80 / total <= 1.0
    assert 0.8 <= hits95 / total <= 1.0


def test_short_series_falls_back_and_says_so() -> None:
    fc = forecast_series(np.array([10.0, 12, 11, 13, 12]), _periods(5), "month", 12, 3)
    assert fc["model"] in ("Naive", "Drift")
    codes = {n["code"] for n in fc["notes"]}
    assert {"short_series", "no_season"} <= codes
    assert len(fc["forecast"]) == 3
    with pytest.raises(ShuzhiError) as err:
        forecast_series(np.array([1.0, 2.0]), _periods(2), "month", 12, 3)
    assert err.value.code == "series_too_short"


def test_spring_festival_dates_and_adjustment() -> None:
    assert holidays.SPRING_FESTIVAL[2026] == dt.date(2026, 2, 17)
    assert len(holidays.SPRING_FESTIVAL) == 21
    periods = _periods(160, dt.date(2023, 1, 2), "week")
    d = holidays.dummy(periods, "week")
    y = 100 - 60 * d + np.random.default_rng(1).normal(0, 2, len(periods))
    fc = forecast_series(y, periods, "week", 52, 8, ("AutoETS", "Naive"))
    assert "spring_festival" in {n["code"] for n in fc["notes"]}


def test_demo_revenue_forecast(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, _ = make_source(tmp_path_factory.getbasetemp())
    t0 = time.perf_counter()
    out = forecast(src, "revenue", "month", 6)
    s = out["series"][0]
    print(f"demo revenue: model {s['model']} backtest {s['backtest']} ({time.perf_counter() - t0:.2f}s)")
    print({k: v["mase"] for k, v in s["candidates"].items()})
    assert len(s["forecast"]) == 6
    assert s["forecast"][0]["period"] == "2026-11-01"
    for r in s["forecast"]:
        assert r["lower95"] <= r["lower80"] <= r["value"] <= r["upper80"] <= r["upper95"]
    for k in ("mape", "smape", "mase"):
        assert s["backtest"][k] is not None
    assert s["backtest"]["mase"] < s["candidates"]["SeasonalNaive"]["mase"]


def test_bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, _ = make_source(tmp_path_factory.getbasetemp())
    for kwargs in ({"horizon": 0}, {"grain": "hour"}, {"models": ("Prophet",)}):
        args = {"horizon": 3, "grain": "month"} | kwargs
        with pytest.raises(ShuzhiError):
            forecast(src, "revenue", args.pop("grain"), args.pop("horizon"), **args)
