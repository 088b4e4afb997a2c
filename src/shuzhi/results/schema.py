"""The JSON shape of a query result (POST /query, the answers of /ask and dashboards, metric previews).

QueryResult.to_json_obj() (results/result.py) produces it; the API declares it as the response model,
so the web client's QueryResult type is generated from here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from shuzhi.spec.query_spec import QuerySpec

Cell = str | int | float | bool | None


class ResultColumn(BaseModel):
    """A result column: its output name and engine-neutral type, and for semantic queries its role and format."""

    model_config = ConfigDict(extra="forbid")
    name: str
    type: str = Field(description="boolean, integer, number, date, timestamp, time, string, binary, list, struct.")
    label: str | None = None
    role: Literal["dimension", "metric"] | None = None
    format: str | None = None
    unit: str | None = None
    metric: str | None = Field(default=None, description="The metric a computed column is based on.")
    compute: str | None = Field(default=None, description="yoy, pop, percent_of_total, cumulative, rank.")

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Absent, not null, as QueryResult.to_json_obj() writes them (a column without a role has none)."""
        return {k: v for k, v in handler(self).items() if v is not None}


class DataPeriod(BaseModel):
    """A period on the time axis (inclusive ISO dates; either end may be open) and the preset it came from."""

    model_config = ConfigDict(extra="forbid")
    start: str | None = None
    end: str | None = None
    relative: str | None = None


class Freshness(BaseModel):
    """How fresh the answer's data is (数据截至): the first and last day the query's metrics have data,
    as the caller's row rules let them see it (service/freshness.py)."""

    model_config = ConfigDict(extra="forbid")
    first_date: str
    last_date: str = Field(description="The latest day any metric of the answer has data (数据截至).")
    metrics: dict[str, str] = Field(default={}, description="Metric → its own last day with data.")
    period: DataPeriod | None = Field(default=None, description="The query's period on the time axis, resolved.")
    empty: bool = Field(default=False, description="The period has no data for any metric of the answer.")
    latest: DataPeriod | None = Field(default=None, description="When empty: the latest period of the same kind "
                                  "that has data (查看最近有数据的期间).")


class ResultBody(BaseModel):
    """Columns and rows (cells: strings for dates and times, numbers, booleans or null) with how they were made."""

    model_config = ConfigDict(extra="forbid")
    columns: list[ResultColumn]
    rows: list[list[Cell]]
    sql: str | None = Field(default=None, description="The generated SQL; only for callers with data:raw.")
    truncated: bool = False
    cached: bool = False
    timings_ms: dict[str, float] = {}
    freshness: Freshness | None = None


class QueryAnswer(ResultBody):
    """POST /query's JSON answer: the result and the spec it answers (as validated)."""

    spec: QuerySpec | None = None
