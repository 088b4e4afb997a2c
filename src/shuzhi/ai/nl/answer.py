"""The answer to a question (POST /api/v1/ask), as a pydantic model: the OpenAPI contract of the ask box.

Runtime.ask builds it as a dict (ParseResult.to_dict() + conversation id + result); this module only
describes that shape, so the web client's AskAnswer is generated from it. Interpretation chips and
unknown words are open-ended in their details (a chip's `value` is the spec part it stands for).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shuzhi.model.charts import ChartConfig
from shuzhi.results.schema import ResultBody
from shuzhi.spec.query_spec import QuerySpec


class Chip(BaseModel):
    """How one part of the question was understood (时间 / 维度 / 指标 / 计算 / 筛选 / 排序 / 前 N 条 / source)."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description="time, dimension, metric, compute, filter, sort, limit or source.")
    text: str
    text_en: str | None = None
    value: Any = Field(default=None, description="The spec part this chip stands for.")


class Unknown(BaseModel):
    """Words the parser did not understand, why, and what the model has that looks like them."""

    model_config = ConfigDict(extra="forbid")
    text: str
    reason: str | None = None
    message: str | None = None
    suggestions: list[str] = []


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    text_en: str | None = None
    spec: QuerySpec


class Clarify(BaseModel):
    """What the parser asks back when a word that changes the meaning is unknown or two readings are close."""

    model_config = ConfigDict(extra="forbid")
    text: str
    text_en: str | None = None
    choices: list[Choice]


class YesNo(BaseModel):
    """A yes/no question answered: the number, the threshold, the comparison and the period."""

    model_config = ConfigDict(extra="forbid")
    answer: bool
    value: float | None
    threshold: float
    op: str = Field(description=">=, >, <=, < or =")
    metric: str
    period: str | None = None


class InnovationColumn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    label: str
    label_en: str
    format: str = Field(description="text, currency, percent, integer, number or bool.")


class InnovationCard(BaseModel):
    """An innovation question answered by its analysis: a few rows of it and the page with all of it."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description="hotspots, whitespace, allocate or assess.")
    link: str = Field(description="The analysis's page with the arguments read, e.g. /innovation/allocate?budget=30000000.")
    args: dict[str, Any] = Field(description="The arguments read from the question (field, years, direction, budget, "
                                 "headcount, year, level).")
    columns: list[InnovationColumn]
    rows: list[list[Any]]
    total: int = Field(description="How many rows the analysis has (the table shows the first ones).")


class AskAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: str = Field(description="Send it back with a follow-up question to refine this answer.")
    question: str
    spec: QuerySpec | None = Field(description="The question as a QuerySpec; null when not understood.")
    chart: ChartConfig | None
    interpretation: list[Chip]
    unknown: list[Unknown]
    alternatives: list[QuerySpec] = Field(description="The same question read with another field for an ambiguous word.")
    confidence: float
    result: ResultBody | None
    intent: str = Field(default="query", description="query, why (explain a change), forecast, yesno, or an innovation "
                        "analysis: hotspots, whitespace, allocate, assess (docs/ask-innovation.md).")
    clarify: Clarify | None = Field(default=None, description="A question back instead of a guess: pick a choice "
                                    "(send `choice` with the same question); `spec` and `result` are null.")
    summary: str | None = Field(default=None, description="A short text answer in the question's language.")
    yesno: YesNo | None = None
    explanation: dict[str, Any] | None = Field(default=None, description="For intent why: the change explained "
                                               "(the attribution of POST /insights/explain).")
    forecast: dict[str, Any] | None = Field(default=None, description="For intent forecast: the forecast series.")
    innovation: InnovationCard | None = Field(default=None, description="For the innovation intents: the analysis's "
                                              "small table and the link to its page.")
