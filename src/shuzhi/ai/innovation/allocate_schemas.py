"""The answer of service.rd_allocate.allocate() as pydantic models (POST /api/v1/rd/allocate).

The service builds a plain dict; these models describe it (the OpenAPI contract the web client is
generated from). Money is in 元, probabilities and shares are fractions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScorePart(_Closed):
    name: Literal["strategic_fit", "expected_value", "risk", "field_signal"]
    label: str
    label_en: str
    value: float | str | None = Field(description="The input: the 1–5 rating, the expected value (元), 低/中/高, "
                                      "or the field's signal (null: no industry data for the field).")
    normalized: float = Field(description="The part on 0–1.")
    weight: float
    points: float = Field(description="100 × weight × normalized: what the part adds to the score.")
    expected_annual_revenue: float | None = None
    success_probability: float | None = None


class Counts(_Closed):
    probability: float
    successes: int
    finished: int


class SuccessEstimate(_Closed):
    rd_layer: str
    tech_field: str
    probability: float = Field(description="The shrunk success probability of the layer and field.")
    successes: int = Field(description="Finished projects of this layer and field that succeeded.")
    finished: int = Field(description="Finished projects (已完成 or 已终止) of this layer and field.")
    layer: Counts
    overall: Counts


class Candidate(_Closed):
    id: str
    name: str
    kind: Literal["proposal", "running"]
    tech_field: str
    rd_layer: str
    score: float
    cost: float = Field(description="元: the requested budget, or a running project's remaining budget.")
    headcount: float
    chosen: bool
    must: bool
    excluded: bool
    rank: int
    parts: list[ScorePart]
    success: SuccessEstimate
    estimated: list[str] = Field(description="Inputs that are estimates (running projects), see `facts`.")
    facts: dict[str, Any]


class Totals(_Closed):
    chosen: int
    candidates: int
    score: float
    cost: float
    headcount: float
    proposals_chosen: int
    running_chosen: int


class Marginal(_Closed):
    step: float
    score_gain: float = Field(description="How much the best total score rises with one more step.")
    added: list[str]
    dropped: list[str]


class Capacity(_Closed):
    plan_year: int
    budget: float
    headcount: float


class RunningNeed(_Closed):
    projects: int
    cost: float = Field(description="元 the running projects still need (their remaining budgets), all together.")
    headcount: float


class Solver(_Closed):
    method: str
    optimal: bool
    seconds: float


class AllocateOut(_Closed):
    candidates: list[Candidate]
    budget: float
    headcount: float
    capacity: Capacity | None
    running_need: RunningNeed
    totals: Totals
    unspent_budget: float
    unused_headcount: float
    marginal: dict[Literal["budget_100wan", "one_engineer"], Marginal]
    must: list[str]
    exclude: list[str]
    keep_running: bool
    weights: dict[str, float]
    prior_strength: float
    success_rates: list[SuccessEstimate]
    field_signals: dict[str, dict[str, Any]]
    assumptions: dict[str, Any]
    solver: Solver
