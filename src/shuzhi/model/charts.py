"""How a result is drawn: the one chart-config schema of the analysis page, dashboards and the question answerer.

The analysis page builds a ChartConfig from its shelves and controls, 保存到仪表板 stores it in a
dashboard component (model/dashboards.py), and the question answerer (ai/nl/chart.py) recommends one
for an answer (ai/nl/answer.py); the web client's type is generated from this model (frontend/openapi.json).

Invariants:
- column references (x, y, series, value, bar, line, region, size, color, tooltip, rows, columns,
  cond[].column) are result column names (dimension/metric output names), or model field names in
  stored dashboards, which the page maps to output names;
- every field but `type` is optional and absent when unset (never null in an answer), and the shape is closed (extra="forbid"): a field the page sends
  and this model does not know is refused when a dashboard is saved, so the two cannot drift apart
  silently (tests/api/test_chart_config.py round-trips every variant the page produces).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

ChartType = Literal["bar", "line", "area", "combo", "pie", "scatter", "kpi", "table", "pivot", "map", "funnel",
                    "gauge", "heatmap", "treemap", "radar", "waterfall"]
CHART_TYPES: tuple[str, ...] = ChartType.__args__  # type: ignore[attr-defined]
StackMode = Literal["none", "stacked", "percent"]
NumberFormat = Literal["auto", "currency", "wan", "yi", "percent", "integer", "number"]


class _Closed(BaseModel):
    """Closed shapes whose unset options are absent, not null, in every answer (as the page sends them)."""

    model_config = ConfigDict(extra="forbid")

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class RefLine(_Closed):
    """目标线 (target) or 警戒线 (warning) drawn across value axes."""

    kind: Literal["target", "warning"]
    value: float
    label: str | None = Field(default=None, max_length=100)


class CondRule(_Closed):
    """Table conditional formatting: a data bar, a colour scale, or highlighting above / below a value."""

    column: str = Field(max_length=200, description='A result column name, or "*" for every metric column.')
    mode: Literal["databar", "scale", "above", "below"]
    value: float | None = Field(default=None, description="For above / below.")


class ChartConfig(_Closed):
    """A chart: its type, which columns it draws where, and its display options."""

    type: ChartType
    # what is drawn where (also what the question answerer recommends)
    x: str | None = Field(default=None, max_length=200)
    y: list[str] | None = Field(default=None, max_length=50)
    series: str | None = Field(default=None, max_length=200)
    horizontal: bool | None = None
    sorted: Literal["asc", "desc"] | None = None
    value: str | None = Field(default=None, max_length=200, description="kpi, pie, gauge: the value column.")
    compare: str | None = Field(default=None, max_length=200, description="kpi: the comparison column (yoy/pop).")
    bar: str | None = Field(default=None, max_length=200, description="combo: the bar column.")
    line: list[str] | None = Field(default=None, max_length=50, description="combo: the line columns (right axis).")
    line_y2: list[str] | None = Field(default=None, max_length=50, description="line: columns on a second axis.")
    region: str | None = Field(default=None, max_length=200, description="map: the province column.")
    map: Literal["china"] | None = None
    donut: bool | None = None
    reason: str | None = Field(default=None, max_length=500, description="Why this chart was recommended (zh).")
    reason_en: str | None = Field(default=None, max_length=500)
    # display options set on the analysis page
    stack: StackMode | None = Field(default=None, description="Grouped (none), stacked, or 100 % stacked.")
    labels: bool | None = None
    smooth: bool | None = None
    numberFormat: NumberFormat | None = None  # the web client's name (camelCase)
    refLines: list[RefLine] | None = Field(default=None, max_length=20)
    size: str | None = Field(default=None, max_length=200, description="scatter: the bubble size column.")
    color: str | None = Field(default=None, max_length=200, description="A dimension column grouping points/series.")
    tooltip: list[str] | None = Field(default=None, max_length=50, description="Metric columns shown in tooltips only.")
    rows: list[str] | None = Field(default=None, max_length=20, description="pivot: row dimension columns.")
    columns: list[str] | None = Field(default=None, max_length=20, description="pivot: column dimension columns.")
    subtotals: bool | None = None
    totals: bool | None = None
    pageSize: int | None = Field(default=None, ge=1, le=10_000)
    cond: list[CondRule] | None = Field(default=None, max_length=50)
    max: float | None = Field(default=None, description="gauge: the scale's maximum.")

    @field_validator("stack", mode="before")
    @classmethod
    def _legacy_stack(cls, v: object) -> object:
        """Definitions saved before the stack modes were named used true / false."""
        if v is True:
            return "stacked"
        if v is False:
            return "none"
        return v
