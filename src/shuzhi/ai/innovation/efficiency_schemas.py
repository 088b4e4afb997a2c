"""The pydantic shape of the R&D efficiency answer (service/rd_efficiency.py), the response model of
GET /api/v1/rd/efficiency and the source of the web page's generated TypeScript types."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Out):
    zh: str
    en: str


class FunnelYear(_Out):
    year: int
    rd_spend: float = Field(description="元, dated by expense month.")
    patent_applications: int = Field(description="Dated by application date.")
    patents_granted: int = Field(description="Dated by grant date.")
    commercialized_patents: int = Field(description="Granted and commercialised, dated by grant date.")
    granted_invention_patents: int
    new_product_revenue: float = Field(description="元, the field's attributed share of new-product revenue.")
    cost_per_invention_patent: float | None


class FunnelTotals(_Out):
    rd_spend: float
    patent_applications: int
    patents_granted: int
    commercialized_patents: int
    granted_invention_patents: int
    new_product_revenue: float
    cost_per_invention_patent: float | None
    commercialization_rate: float | None = None
    applications_per_million: float | None = Field(default=None, description="Applications per 1,000,000 元 of spend.")
    revenue_per_yuan: float | None = Field(default=None, description="Attributed new-product revenue per 元 of spend.")


class FieldFunnel(_Out):
    tech_field: str
    years: list[FunnelYear]
    totals: FunnelTotals


class LagPoint(_Out):
    lag_quarters: int
    r: float | None
    pairs: int


class Lag(_Out):
    stage: str = Field(description="patent_applications, patents_granted or new_product_revenue.")
    lag_quarters: int | None = Field(description="The best-fitting lag behind spend; None when there is too little data.")
    r: float | None
    pairs: int
    reliable: bool = Field(description="The best correlation is at least 0.3.")
    text: Text
    by_lag: list[LagPoint]


class LineShare(_Out):
    product_line: str
    basis: str | None = Field(description="industrialized, all_projects, or None when no project serves the line.")
    shares: dict[str, float]


class RevenueLink(_Out):
    lines: list[LineShare]
    unattributed_revenue: float


class ProjectBudget(_Out):
    project_id: str
    project_name: str
    tech_field: str
    status: str
    start_date: str
    planned_end_date: str
    budget: float
    spend: float
    execution: float | None = Field(description="spend ÷ budget.")
    expected_to_date: float
    pace: float | None = Field(description="spend ÷ the planned spend within the data.")
    elapsed_share: float
    over_budget: bool
    ahead_of_plan: bool
    flagged: bool
    over_amount: float
    partial_history: bool = Field(description="Started before the first expense month in the data.")


class BudgetCheck(_Out):
    projects: list[ProjectBudget]
    over_budget_count: int
    ahead_of_plan_count: int
    over_amount: float
    tolerance: float


class GrantByType(_Out):
    patent_type: str
    avg_months: float | None
    granted: int


class GrantByField(_Out):
    tech_field: str
    avg_months: float | None
    granted: int


class GrantTime(_Out):
    avg_months: float | None
    granted: int
    by_type: list[GrantByType]
    by_field: list[GrantByField]


class IndustryField(_Out):
    tech_field: str
    industry_applications: int = Field(description="The industry's applications (the company's own included) filed in the period.")
    company_applications: int
    company_share: float | None


class Period(_Out):
    start: str
    end: str


class EfficiencyOut(_Out):
    field: str | None
    period: Period
    fields: list[str]
    totals: FunnelTotals
    funnel: list[FieldFunnel]
    lags: list[Lag]
    quarters_used: list[str]
    revenue_link: RevenueLink
    budget: BudgetCheck
    grant_time: GrantTime
    industry: list[IndustryField] = Field(default=[], description="Per field: the industry's applications against the "
                                          "company's in the same period; empty when the model has no industry patents.")
    notes: list[Text]
    summary: Text
