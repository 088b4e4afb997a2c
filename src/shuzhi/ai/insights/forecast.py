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

Modules: backtest.py (candidates, fits, the backtest), adjust.py (gaps, Spring Festival, seasonal index),
forecast_one.py (one series), forecast_batch.py (splits, the worker pool); this module is the use case.
"""

from __future__ import annotations

from typing import Any

from shuzhi.ai.insights.backtest import FULL, LEVELS
from shuzhi.ai.insights.forecast_batch import candidates_for, forecast_many
from shuzhi.ai.insights.forecast_one import forecast_series, json_number
from shuzhi.ai.insights.series import Source, check_size, fetch_series, period_label, time_limit
from shuzhi.errors import ShuzhiError

MAX_HORIZON = 120


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
        hist = [{"period": p.isoformat(), "label": period_label(p, grain), "value": json_number(v)}
                for p, v in zip(ss.periods, s.values, strict=True)]
        out.append({"key": s.key, "history": hist, **fc})
    return {"metric": ss.metric, "label": ss.label, "grain": grain, "horizon": horizon, "by": ss.by,
            "unit": ss.unit, "format": ss.format, "levels": list(LEVELS), "series": out, "notes": notes}
