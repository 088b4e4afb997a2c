"""Insights: forecasts, anomaly detection and attribution over QuerySpec series (see README.md)."""

from shuzhi.ai.insights.anomalies import anomalies, detect_series
from shuzhi.ai.insights.attribution import explain, parse_period
from shuzhi.ai.insights.forecast import forecast
from shuzhi.ai.insights.forecast_one import forecast_series
from shuzhi.ai.insights.series import Source, fetch_series

__all__ = ["Source", "anomalies", "detect_series", "explain", "fetch_series", "forecast", "forecast_series",
           "parse_period"]
