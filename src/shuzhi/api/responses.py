"""Response models of the API's own envelopes (what a route wraps around the data of the layers below).

The data themselves are described next to where they are made: results/schema.py (query results),
ai/nl/answer.py (answers to questions), ai/insights/schemas.py (forecasts, anomalies, explanations),
model/charts.py (chart configs), model/schema.py (metrics and models).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from shuzhi.model.charts import ChartConfig
from shuzhi.model.schema import Aggregation, DatasetDef, MetricDef, SemanticModel
from shuzhi.results.schema import Cell, DataPeriod, Freshness, ResultBody
from shuzhi.spec.query_spec import QuerySpec


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- metrics and models -------------------------------------------------------------------------------
class LineageTable(_Closed):
    dataset: str
    table: str | None
    sql: bool = Field(description="The dataset is a SQL query (its text is not shown here).")


class LineageDashboard(_Closed):
    """A dashboard the caller may see whose components use the metric (or a metric built on it)."""

    name: str
    title: str
    title_en: str | None = None
    components: list[str] = Field(description="Ids of the components that use it.")
    via: list[str] = Field(description="The metrics those components ask for that need this one (itself, or "
                           "derived metrics built on it).")


class MetricLineage(_Closed):
    metric: str
    depends_on: list[str]
    fields: list[str]
    datasets: list[str]
    tables: list[LineageTable]
    used_by_metrics: list[str]
    dashboards: list[LineageDashboard] = Field(description="Dashboards of the default model that the caller "
                                               "may see and that use the metric; empty for other models.")


class MetricDetail(MetricDef):
    """GET /metrics/{name}: every field of the metric's definition, its kind, model and lineage."""

    model: str
    model_version: int
    kind: Literal["aggregate", "filtered", "semi_additive", "derived"]
    lineage: MetricLineage


class Problem(_Closed):
    """One problem of a definition: where (a path such as metric.expr), what, in both languages."""

    path: str
    message_zh: str
    message_en: str
    suggestion: str | None = None

    @model_serializer(mode="wrap")
    def _no_null_suggestion(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A problem without a suggestion has none (as model.index.Problem.as_dict writes it)."""
        return {k: v for k, v in handler(self).items() if k != "suggestion" or v is not None}


class Bilingual(_Closed):
    zh: str
    en: str


class PreviewFailed(_Closed):
    error: Bilingual


class MetricCheckOut(_Closed):
    """POST /metrics/validate: valid or the problems; when valid, the metric by month over 12 months."""

    valid: bool
    problems: list[Problem] = []
    preview: ResultBody | PreviewFailed | None = None


class MetricSaved(_Closed):
    name: str
    model: str | None = None
    model_version: int


class FieldAggregationsOut(_Closed):
    """The aggregations a field allows as an ad-hoc metric (model/aggregations.py), in menu order."""

    allowed: list[Aggregation]
    default: Aggregation


class ModelOut(_Closed):
    """GET /models/{name}: the definition (for readers without content:edit: without rules, dataset SQL
    and whatever the column rules deny to their role) and its version."""

    version: int
    definition: SemanticModel
    aggregations: dict[str, FieldAggregationsOut] = Field(
        default={}, description='Per "dataset.field" of the definition: the aggregations the analysis page may '
        "offer for it (QuerySpec metric items {field, aggregate}) and the one it starts with.")


class ModelSaved(_Closed):
    name: str
    version: int


# -- dashboards ---------------------------------------------------------------------------------------
class DrillInfo(_Closed):
    hierarchy: str
    levels: list[str]
    level: int
    start: int
    path: list[Cell]
    can_drill: bool


class ComponentError(_Closed):
    code: str
    message: str


class KpiWindow(_Closed):
    """What a KPI's change compares: [start, end] against [base_start, base_end]; scope month = the
    period's latest month (环比 of a period longer than a month)."""

    start: str
    end: str
    base_start: str
    base_end: str
    scope: Literal["period", "month"]


class PeriodState(_Closed):
    """A date filter's period in this answer (service.freshness.anchor_defaults)."""

    relative: str | None
    start: str | None
    end: str | None
    first_date: str
    last_date: str
    empty: bool = Field(description="No chart or KPI in the filter's scope has data in the period.")
    anchored: bool = Field(description="The default period had no data: the latest period of its kind with "
                           "data is shown instead.")
    latest: DataPeriod | None
    asked: DataPeriod | None = Field(default=None, description="When anchored: the default period that had no data.")


class ComponentData(_Closed):
    id: str
    kind: Literal["chart", "kpi"]
    result: ResultBody | None
    spark: ResultBody | None
    chart: ChartConfig | None
    spec: QuerySpec
    ignored_filters: list[str]
    drill: DrillInfo | None
    error: ComponentError | None
    freshness: Freshness | None = None
    windows: dict[str, KpiWindow] | None = Field(default=None, description="A KPI's 同比 (yoy) / 环比 (pop): "
                                                 "the periods compared.")


class DashboardRef(_Closed):
    id: int
    name: str
    version: int


class DashboardData(_Closed):
    """POST /dashboards/{key}/data: every component's result, keyed by component id."""

    components: dict[str, ComponentData]
    queries: int = Field(description="Queries run (KPIs of one spec share one).")
    timings_ms: dict[str, float]
    dashboard: DashboardRef
    periods: dict[str, PeriodState] = Field(default={}, description="Date filter id → its period and whether "
                                            "it has data.")
    last_date: str | None = Field(default=None, description="The latest day the dashboard's metrics have data.")


# -- datasets -----------------------------------------------------------------------------------------
class LineageNode(_Closed):
    kind: Literal["table", "dataset"]
    name: str
    mode: str | None = None
    upstream: list[LineageNode] | None = None


class ModelUse(_Closed):
    model: str
    dataset: str | None


class DatasetLineage(_Closed):
    dataset: str
    mode: str
    table: str | None
    upstream: list[LineageNode]
    tables: list[str]
    downstream: list[str]
    models: list[ModelUse]


class MetricName(_Closed):
    name: str
    label: str


class AddedToModel(_Closed):
    model: str
    model_version: int
    dataset: DatasetDef
    metrics: list[MetricName] = Field(description="The metrics generated for the dataset (row count, sums).")
