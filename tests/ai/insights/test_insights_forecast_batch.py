"""Forecasts of short seasonal series (seasonal adjustment) and of large splits (fast candidates)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from shuzhi.ai.insights.backtest import FULL
from shuzhi.ai.insights.forecast_batch import (
    ARIMA_MAX_SERIES,
    FAST,
    FAST_MAX_SERIES,
    candidates_for,
    forecast_many,
)
from shuzhi.ai.insights.forecast_one import forecast_series
from shuzhi.ai.insights.series import shift


def _periods(n: int) -> list[dt.date]:
    return [shift(dt.date(2021, 1, 1), "month", i) for i in range(n)]


def _seasonal(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (100 + 1.2 * t) * (1 + 0.35 * np.cos(2 * np.pi * t / 12)) * rng.normal(1, 0.02, n)


def test_two_seasons_are_seasonally_adjusted_and_beat_no_season() -> None:
    wins = 0
    for seed in range(4):
        y = _seasonal(seed, 36)
        fc = forecast_series(y[:24], _periods(24), "month", 12, 12)
        assert "seasonally_adjusted" in [n["code"] for n in fc["notes"]]
        pred = np.array([r["value"] for r in fc["forecast"]])
        flat = np.full(12, y[12:24].mean())
        wins += np.mean(np.abs(pred - y[24:])) < np.mean(np.abs(flat - y[24:]))
        # the re-seasonalized forecast keeps the peak in January and the trough in July
        assert pred[0] > pred[6]
        for r in fc["forecast"]:
            assert r["lower95"] <= r["lower80"] <= r["value"] <= r["upper80"] <= r["upper95"]
    assert wins == 4


def test_candidates_shrink_with_the_number_of_series() -> None:
    assert candidates_for(1)[0] == FULL
    names, notes = candidates_for(ARIMA_MAX_SERIES + 1)
    assert "AutoARIMA" not in names and notes[0]["code"] == "arima_skipped"
    names, notes = candidates_for(FAST_MAX_SERIES + 1)
    assert names == FAST and notes[0]["code"] == "fast_models"
    assert candidates_for(500, ("Naive",))[0] == ("Naive",)


def test_forecast_many_reports_short_series_instead_of_failing() -> None:
    ys = [_seasonal(1, 36), np.r_[np.full(34, np.nan), 5.0, 6.0]]
    out = forecast_many(ys, _periods(36), "month", 12, 3)
    assert out[0]["model"] in FULL and len(out[0]["forecast"]) == 3
    assert out[1]["model"] is None and out[1]["notes"][0]["code"] == "series_too_short"


def test_two_seasons_combine_the_candidates_and_follow_growth() -> None:
    """With two seasons the candidates are combined by inverse backtest MASE; a year that keeps
    growing is forecast better than by repeating last year (SeasonalNaive)."""
    wins = 0
    for seed in range(4):
        y = _seasonal(seed, 36) * np.exp(0.012 * np.arange(36))  # ~15 % a year on top of the trend
        fc = forecast_series(y[:24], _periods(24), "month", 12, 12)
        assert fc["model"] == "Combination"
        weights = fc["weights"]
        assert "Drift" in weights and abs(sum(weights.values()) - 1) < 1e-3
        assert all(w > 0 for w in weights.values())
        combined = next(n for n in fc["notes"] if n["code"] == "combined")
        assert "Drift" in combined["en"] and "Drift" in combined["zh"]
        assert abs(fc["backtest"]["mase"] - fc["candidates"]["Combination"]["mase"]) < 1e-5
        pred = np.array([r["value"] for r in fc["forecast"]])
        wins += np.mean(np.abs(pred - y[24:])) < np.mean(np.abs(y[12:24] - y[24:]))
    assert wins == 4


def test_long_series_still_pick_one_model() -> None:
    y = _seasonal(3, 60)
    fc = forecast_series(y, _periods(60), "month", 12, 6)
    assert fc["model"] in FULL and fc["weights"] is None
    assert "combined" not in [n["code"] for n in fc["notes"]]


def test_large_splits_use_the_worker_pool_with_the_same_answers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """100+ series go to worker processes in chunks; the answers (and their order) are those of the serial path,
    and SHUZHI_FORECAST_WORKERS=1 keeps everything in this process."""
    from shuzhi.ai.insights import forecast_batch as fc_mod

    ys = [_seasonal(seed, 36) * (1 + seed / 50) for seed in range(fc_mod.POOL_MIN_SERIES + 4)]
    ys[7] = np.r_[np.full(34, np.nan), 5.0, 6.0]  # one too short: reported in its place, not failing the batch
    monkeypatch.setenv("SHUZHI_FORECAST_WORKERS", "2")
    pooled = forecast_many(ys, _periods(36), "month", 12, 3)
    assert fc_mod._pool is not None
    monkeypatch.setenv("SHUZHI_FORECAST_WORKERS", "1")
    serial = forecast_many(ys, _periods(36), "month", 12, 3)
    assert len(pooled) == len(serial) == len(ys)
    assert pooled[7]["model"] is None and pooled[7]["notes"][0]["code"] == "series_too_short"
    for a, b in zip(pooled, serial, strict=True):
        assert a["model"] == b["model"]
        assert [r["value"] for r in a["forecast"]] == [r["value"] for r in b["forecast"]]
