"""Which chart type a query's shape gets: the ordered rule table, first match wins.

One table for the server and the web app: ai/nl/chart.py reads it to choose the chart type of an answer
(tests/model/test_chart_rules.py checks the two agree over every shape), and the analysis page reads it
from frontend/src/charts/rules.generated.ts, written from this table by scripts/export_chart_rules.py.

A rule reads a summary of the query's shape:
  dims        all dimensions; time_dims with a grain, other_dims without
  metrics     plain metrics (no compute);  units: their distinct formats (currency, percent, …)
  province    the first non-time dimension is a province
  percent_of_total  some metric is a share of the total
  rows        the number of rows (or the spec's limit); None when unknown, which no comparison matches
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

SUMMARY_FIELDS = ("dims", "time_dims", "other_dims", "metrics", "units", "province", "percent_of_total", "rows")
Op = Literal["==", ">=", "<="]
Condition = tuple[str, Op, int | bool]


@dataclass(frozen=True)
class ChartRule:
    type: str
    when: tuple[Condition, ...]
    why: str  # in words, for people reading the table


RULES: tuple[ChartRule, ...] = (
    ChartRule("kpi", (("dims", "==", 0),), "no dimension: a single number"),
    ChartRule("combo", (("time_dims", ">=", 1), ("metrics", ">=", 2), ("units", ">=", 2)),
              "two metrics of different units over time"),
    ChartRule("line", (("time_dims", ">=", 1),), "a time series"),
    ChartRule("map", (("province", "==", True), ("other_dims", "==", 1)), "by province"),
    ChartRule("pie", (("percent_of_total", "==", True), ("other_dims", "==", 1), ("rows", "<=", 6)),
              "the share of a few categories"),
    ChartRule("combo", (("metrics", ">=", 2), ("units", ">=", 2), ("other_dims", "==", 1)),
              "two metrics of different units over one dimension"),
    ChartRule("table", (("other_dims", ">=", 3),), "many dimensions"),
    ChartRule("bar", (), "comparing categories"),
)


def _holds(value: int | bool | None, op: Op, want: int | bool) -> bool:
    if value is None:
        return False
    if op == "==":
        return value == want
    return value >= want if op == ">=" else value <= want


def chart_rule(summary: Mapping[str, int | bool | None]) -> ChartRule:
    """The first rule whose conditions all hold for `summary` (the last rule always does)."""
    for rule in RULES:
        if all(_holds(summary.get(f), op, v) for f, op, v in rule.when):
            return rule
    return RULES[-1]
