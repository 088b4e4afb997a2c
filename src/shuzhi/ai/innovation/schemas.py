"""The answers of the hot-spot analyses as pydantic models (GET /rd/hotspots, /rd/whitespace,
/rd/topics/{id}/patents, /rd/techmap): the OpenAPI contract the web client is generated from.

The functions (ai.innovation.trends, .whitespace) build plain dicts; these models describe them.
Fractions, not percents; counts are patents.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodCount(_Closed):
    period: str          # "2025Q3"
    count: int
    share: float         # of all patents of the view in that quarter


class ApplicantActivity(_Closed):
    applicant: str
    patents: int
    recent: int
    previous: int
    change: int


class CompanyPresence(_Closed):
    patents: int
    recent: int
    share: float               # the company's patents / the topic's patents
    overall_share: float       # the company's patents / all patents of the view
    relative: float | None     # share / overall_share


class PatentRow(_Closed):
    patent_id: str
    title: str
    applicant: str
    tech_field: str
    application_date: str
    abstract: str | None = None


class TopicOut(_Closed):
    id: str
    topic: str
    terms: list[str]
    kind: str                  # "cluster" (NMF/LDA) or "phrase" (a fast-rising phrase)
    tech_field: str | None
    patents: int
    recent: int
    previous: int
    share_recent: float
    share_previous: float
    share_ratio: float
    growth: float              # share_ratio - 1
    count_growth: float        # (recent + ½) / (previous + ½) - 1
    z: float
    trend: str                 # rising | falling | steady
    periods: list[PeriodCount]
    applicants: list[ApplicantActivity]
    company: CompanyPresence
    examples: list[PatentRow]


class Window(_Closed):
    recent_patents: int
    previous_patents: int
    end: str
    months: int | None = None


class MethodScore(_Closed):
    coherence: float
    seconds: float
    k: int


class MethodOut(_Closed):
    topics: str
    scores: dict[str, MethodScore]
    seconds: dict[str, float]
    phrases: list[str]


class HotspotsOut(_Closed):
    rising: list[TopicOut]
    falling: list[TopicOut]
    steady: list[TopicOut]
    company: str
    field: str | None
    years: int | None
    fields: list[str]
    periods: list[str]
    window: Window
    patents: int
    method: MethodOut


class Evidence(_Closed):
    zh: str
    en: str


class WhiteSpaceOut(_Closed):
    subfield: str
    terms: list[str]
    id: str
    kind: str
    tech_field: str | None
    score: float
    presence: str              # "absent" (no company patent) or "thin"
    rank: int
    recent: int
    previous: int
    growth: float              # the industry's applications, last 12 months against the 12 before
    share_ratio: float
    periods: list[PeriodCount]
    applicants: list[ApplicantActivity]
    company: CompanyPresence
    examples: list[PatentRow]
    evidence: Evidence
    includes: list[str] = []   # white spaces folded into this one (their patents lie inside it)


class WhitespaceOut(_Closed):
    white_spaces: list[WhiteSpaceOut]
    company: str
    field: str | None
    years: int | None
    periods: list[str]
    window: Window


class DrillOut(_Closed):
    id: str
    topic: str
    terms: list[str]
    total: int
    offset: int
    limit: int
    patents: list[PatentRow]


class GridCell(_Closed):
    tech_field: str
    year: int
    count: int


class MapCell(_Closed):
    tech_field: str
    year: int
    applicant: str
    count: int


class ApplicantCompare(_Closed):
    applicant: str
    is_company: bool
    applicant_type: str | None
    country: str | None
    patents: int
    recent: int
    previous: int
    growth: float | None
    by_field: dict[str, int]


class TechMapOut(_Closed):
    fields: list[str]
    years: list[int]
    grid: list[GridCell]
    cells: list[MapCell]
    applicants: list[ApplicantCompare]
    company: str
