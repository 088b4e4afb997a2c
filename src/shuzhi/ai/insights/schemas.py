"""The answers of forecast(), anomalies() and explain() as pydantic models (POST /forecast, /anomalies, /explain).

The functions build plain dicts; these models describe them (the OpenAPI contract the web client is
generated from). Numbers that cannot be computed (NaN, infinities) are null.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shuzhi.results.schema import Cell

Num = float | None


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Note(_Closed):
    """A plain-language remark attached to a result (fallbacks, dropped periods, ...) and its data."""

    code: str
    zh: str
    en: str
    season: int | None = None
    points: int | None = None
    weights: dict[str, float] | None = None
    members: list[Cell] | None = None
    effect: float | None = None
    period: str | None = None


# -- forecast ----------------------------------------------------------------------------------------
class HistoryPoint(_Closed):
    period: str
    label: str
    value: Num


class ForecastPoint(_Closed):
    period: str
    label: str
    value: float
    lower80: float
    upper80: float
    lower95: float
    upper95: float


class Scores(_Closed):
    mape: Num
    smape: Num
    mase: Num


class Backtest(Scores):
    horizon: int
    folds: int


class ForecastSeries(_Closed):
    key: str | None = Field(description="The member of `by`; null for the one series.")
    history: list[HistoryPoint]
    model: str | None = Field(description="The chosen model; null when the series could not be forecast.")
    season_length: int | None = None
    forecast: list[ForecastPoint]
    backtest: Backtest | None
    candidates: dict[str, Scores]
    weights: dict[str, float] | None = None
    notes: list[Note]


class ForecastOut(_Closed):
    metric: str
    label: str
    grain: str
    horizon: int
    by: str | None
    unit: str | None
    format: str | None
    levels: list[int]
    series: list[ForecastSeries]
    notes: list[Note]


# -- anomalies ---------------------------------------------------------------------------------------
class Anomaly(_Closed):
    series: str | None
    period: str
    label: str
    value: float
    expected: float
    lower: float
    upper: float
    z: float
    direction: Literal["up", "down"]
    change: float
    pop: Num
    yoy: Num
    severity: Literal["high", "medium", "low"]
    method: str
    description_zh: str
    description_en: str


class AnomalySeries(_Closed):
    key: str | None
    values: list[Num]
    expected: list[Num] | None = None
    lower: list[Num] | None = None
    upper: list[Num] | None = None


class AnomaliesOut(_Closed):
    metric: str
    label: str
    grain: str
    by: str | None
    unit: str | None
    format: str | None
    series_checked: int
    periods: list[str]
    labels: list[str]
    series: list[AnomalySeries]
    anomalies: list[Anomaly] = Field(description="Most severe first.")
    notes: list[Note]


# -- explain -----------------------------------------------------------------------------------------
class Period(_Closed):
    period: str
    start: str
    end: str
    value: float


class Member(_Closed):
    """One member's part of the change (additive metrics: its own change; ratios: mix and rate effects)."""

    member: Cell
    from_: Num = Field(alias="from")
    to: Num
    contribution: float
    share_of_change: Num
    surprise: float
    rank: int
    weight_from: float | None = None
    weight_to: float | None = None
    mix_effect: float | None = None
    rate_effect: float | None = None


class DimensionResult(_Closed):
    dimension: str
    label: str
    label_en: str
    score: float
    members: int
    top: list[Member]
    drags: list[Cell]
    lifts: list[Cell]
    unassigned: float
    mix_total: float | None = None
    rate_total: float | None = None
    from_recomputed: float | None = None
    to_recomputed: float | None = None


class Explanation(_Closed):
    metric: str
    label: str
    label_en: str
    kind: str = Field(description="additive or ratio.")
    format: str
    from_: Period = Field(alias="from")
    to: Period
    change: float
    change_pct: Num
    best_dimension: str | None
    summary_zh: str
    summary_en: str
    dimensions: list[DimensionResult] = Field(description="Best-scoring first.")
