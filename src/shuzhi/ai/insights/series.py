"""QuerySpec → tidy time series, one per member of an optional split dimension.

Invariants:
- Metrics are fetched only through the Source's runner of QuerySpecs (the compiler: row and column
  rules apply to insights too); no formula is parsed or evaluated here (metric_kind).
- Periods are the first day of each period at the grain (as the QuerySpec returns them); every
  series covers the same contiguous range of periods. Missing periods are 0 for additive metrics
  (no orders = no revenue) and NaN otherwise (a rate without inspections is unknown).
- The period that contains `today` (or later) is incomplete and dropped, and a note says so.
- Values are rounded to DIGITS significant digits: one metric summed by DuckDB, PostgreSQL or MySQL
  (a direct-mode model) differs only in its last bits (doubles added in another order), and the
  models (AutoARIMA's order search above all) then see the same series and forecast the same.
- Work is bounded (issue 12): a request whose series × periods (a forecast adds its horizon) pass
  its `Limits` is refused before any model runs, and model fitting stops at the time limit.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from shuzhi.ai.insights.metric_kind import MetricKind, name_kind
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex

GRAINS = ("day", "week", "month", "quarter", "year")
DIGITS = 12
SEASON = {"day": 7, "week": 52, "month": 12, "quarter": 4, "year": 1}
PERIOD_COL = "period"
MAX_SERIES = 500
EMPTY_MEMBER = "（空）"


def note(code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    """A plain-language remark attached to a result (fallbacks, dropped periods, ...)."""
    return {"code": code, "zh": zh, "en": en, **extra}


def check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise ShuzhiError("bad_grain", f"时间粒度只能是 {'、'.join(GRAINS)}，不能是 {grain}。",
                          f"The grain must be one of {', '.join(GRAINS)}, not {grain}.")
    return grain


def period_start(d: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return d
    if grain == "week":
        return d - dt.timedelta(days=d.weekday())
    if grain == "month":
        return d.replace(day=1)
    if grain == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return dt.date(d.year, 1, 1)


def shift(d: dt.date, grain: str, n: int = 1) -> dt.date:
    """The period start n periods after (n < 0: before) the period starting at d."""
    if grain == "day":
        return d + dt.timedelta(days=n)
    if grain == "week":
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * n
    m = d.year * 12 + d.month - 1 + months
    return dt.date(m // 12, m % 12 + 1, 1)


def period_label(d: dt.date, grain: str) -> str:
    if grain == "month":
        return f"{d:%Y-%m}"
    if grain == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if grain == "year":
        return str(d.year)
    if grain == "week":
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return d.isoformat()


# -- fetching --------------------------------------------------------------------------------------

@dataclass
class Series:
    key: str | None
    values: np.ndarray  # float, aligned with SeriesSet.periods


@dataclass
class SeriesSet:
    metric: str
    label: str
    grain: str
    season: int
    by: str | None
    kind: MetricKind
    periods: list[dt.date]
    series: list[Series]
    notes: list[dict[str, Any]] = field(default_factory=list)
    unit: str | None = None
    format: str | None = None
    label_en: str | None = None


# Default work limits; the API takes them from settings (SHUZHI_INSIGHT_*).
FORECAST_MAX_POINTS = 30_000  # e.g. 24 daily series of three years with a 120-day horizon
ANOMALY_MAX_POINTS = 300_000  # detection is plain numpy: ten times the forecast budget
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Limits:
    """Bounds of one insight request: points = series × periods (a forecast adds its horizon)."""

    forecast_max_points: int = FORECAST_MAX_POINTS
    anomaly_max_points: int = ANOMALY_MAX_POINTS
    timeout_s: float = TIMEOUT_S


class Runner(Protocol):
    """Answers a QuerySpec (as one user, row and column rules applied) with its rows as dicts;
    `index`, when given, is a variant of the source's model index (metric_kind.ratio_index)."""

    def __call__(self, spec: dict[str, Any], index: ModelIndex | None = None) -> list[dict[str, Any]]: ...


@dataclass
class Source:
    """Where data comes from: the model, 'today', the runner of QuerySpecs (bound to a user by the
    caller: service.insights) and the limits."""

    index: ModelIndex
    today: dt.date
    run: Runner
    limits: Limits = field(default_factory=Limits)

    def query(self, spec: dict[str, Any], index: ModelIndex | None = None) -> list[dict[str, Any]]:
        return self.run(spec, index)


GRAIN_ZH = {"day": "天", "week": "周", "month": "月", "quarter": "季度", "year": "年"}


def check_size(ss: SeriesSet, max_points: int, *, horizon: int = 0) -> None:
    """Refuse, before any model runs, a request of more than `max_points` series × periods."""
    n, periods = len(ss.series), len(ss.periods) + horizon
    if n * periods <= max_points:
        return
    split_zh = f"按 {ss.by} 拆成 {n} 条序列" if ss.by else "1 条序列"
    split_en = f"{n} series (split by {ss.by})" if ss.by else "1 series"
    raise ShuzhiError(
        "insight_too_large",
        f"分析量过大：{split_zh}，每条 {periods} 个{GRAIN_ZH[ss.grain]}，共 {n * periods:,} 个点，超过上限 "
        f"{max_points:,}。请改用更粗的时间粒度、减少拆分或加筛选。",
        f"Too much to analyse: {split_en} of {periods} {ss.grain}s each, {n * periods:,} points, over the limit "
        f"of {max_points:,}. Use a coarser grain, fewer splits or a filter.", 422)


_deadline: ContextVar[tuple[float, float] | None] = ContextVar("insight_deadline", default=None)


@contextmanager
def time_limit(seconds: float):  # type: ignore[no-untyped-def]
    """Within this block, check_deadline() raises once `seconds` have passed (for this thread's work)."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def timeout_error(seconds: float) -> ShuzhiError:
    return ShuzhiError("insight_timeout", f"分析超过 {seconds:g} 秒未完成，已停止。请改用更粗的时间粒度、减少拆分或加筛选。",
                       f"The analysis did not finish within {seconds:g} s and was stopped. Use a coarser grain, "
                       "fewer splits or a filter.", 504)


def remaining() -> float | None:
    """Seconds left before the current time limit (None: no limit)."""
    d = _deadline.get()
    return None if d is None else d[0] - time.monotonic()


def check_deadline() -> None:
    d = _deadline.get()
    if d is not None and time.monotonic() > d[0]:
        raise timeout_error(d[1])


def _as_date(v: Any) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def series_spec(metric: str, grain: str, *, by: str | None = None, where: list[dict[str, Any]] | None = None,
                time_range: dict[str, Any] | None = None) -> dict[str, Any]:
    """The QuerySpec that reads a metric's series (columns period, [member,] metric); alerts record it."""
    dims: list[Any] = [{"field": "time", "grain": grain, "name": PERIOD_COL}]
    if by:
        dims.append({"field": by, "name": "member"})
    spec: dict[str, Any] = {"metrics": [metric], "dimensions": dims}
    if where:
        spec["where"] = where
    if time_range:
        spec["time_range"] = time_range
    return spec


def fetch_series(src: Source, metric: str, grain: str, *, by: str | None = None,
                 where: list[dict[str, Any]] | None = None, time_range: dict[str, Any] | None = None,
                 drop_incomplete: bool = True) -> SeriesSet:
    check_grain(grain)
    mdef = src.index.metric(metric)
    kind = name_kind(src.index, metric)
    spec = series_spec(metric, grain, by=by, where=where, time_range=time_range)
    rows = [r for r in src.query(spec) if r[PERIOD_COL] is not None]
    notes: list[dict[str, Any]] = []
    if not rows:
        raise ShuzhiError("no_data", f"指标 {metric} 在所选范围内没有数据。",
                          f"The metric {metric} has no data in the selected range.", status=404)
    first = min(_as_date(r[PERIOD_COL]) for r in rows)
    last = max(_as_date(r[PERIOD_COL]) for r in rows)
    if drop_incomplete and shift(last, grain) > src.today:
        notes.append(note("incomplete_period_dropped",
                          f"{period_label(last, grain)} 尚未结束，未参与分析。",
                          f"{period_label(last, grain)} is not over yet and was left out.",
                          period=last.isoformat()))
        last = shift(last, grain, -1)
    periods = []
    p = first
    while p <= last:
        periods.append(p)
        p = shift(p, grain)
    pos = {p: i for i, p in enumerate(periods)}
    fill = 0.0 if kind.kind == "additive" or (mdef.agg == "count_distinct" and mdef.formula is None) else np.nan
    by_key: dict[Any, np.ndarray] = {}
    for r in rows:
        i = pos.get(_as_date(r[PERIOD_COL]))
        if i is None:
            continue
        key = (EMPTY_MEMBER if r.get("member") is None else r["member"]) if by else None
        arr = by_key.setdefault(key, np.full(len(periods), fill))
        v = r[metric]
        arr[i] = np.nan if v is None else float(f"{float(v):.{DIGITS}g}")
    if len(by_key) > MAX_SERIES:
        raise ShuzhiError("too_many_series", f"按 {by} 拆分得到 {len(by_key)} 条序列，超过上限 {MAX_SERIES}；请加筛选。",
                          f"Splitting by {by} gives {len(by_key)} series, over the limit of {MAX_SERIES}; "
                          "add a filter.")
    series = [Series(None if k is None else str(k), v) for k, v in by_key.items()]
    series.sort(key=lambda s: (s.key is None, s.key or ""))
    return SeriesSet(metric, mdef.label, grain, SEASON[grain], by, kind, periods, series, notes,
                     mdef.unit, mdef.format, mdef.label_en or mdef.label)
