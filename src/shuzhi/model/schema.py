"""The semantic model's shape (pydantic). Pure data: no I/O, no SQL strings built here.

A model has datasets (a warehouse table or a SQL query) with typed fields and declared joins,
metrics (the 指标中心: aggregate, filtered, semi-additive and derived), hierarchies, and security
rules. Names are snake_case identifiers; labels are Chinese (label) and English (label_en).
Cross-references (join targets, fields in formulas, metric dependencies) are checked by
shuzhi.model.index.ModelIndex, which also answers every lookup the compiler needs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Name = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]
FieldType = Literal["string", "integer", "number", "boolean", "date", "timestamp"]
Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
Aggregation = Literal["sum", "count", "count_distinct", "avg", "min", "max", "median"]
Relationship = Literal["many_to_one", "one_to_many", "one_to_one"]
Role = Literal["admin", "editor", "viewer"]
MetricFormat = Literal["number", "integer", "currency", "percent", "wan", "yi"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class FieldDef(_Strict):
    """A column of a dataset, or a calculated field (expr) over the dataset's other fields."""

    name: Name
    type: FieldType
    column: str | None = Field(default=None, description="Physical column; defaults to name.")
    expr: str | None = Field(default=None, description="Formula over this dataset's fields.")
    label: str | None = None
    label_en: str | None = None
    synonyms: list[str] = []
    description: str | None = None
    dimension: bool = Field(default=True, description="False: used inside metrics only, not to group by.")
    long_labels: bool | None = Field(
        default=None,
        description="Its values are long labels (charts lay their bars horizontally). Unset: true for names "
        "(…_name, 客户名称), people (销售代表, 商机负责人) and the finest level of a hierarchy.")
    aggregations: list[Aggregation] | None = Field(
        default=None,
        description="The aggregations people may apply to this field as an ad-hoc metric (a QuerySpec metric "
        "item {field, aggregate}; the analysis page's 指标 pill menu). Unset: numeric measures allow all; ids, "
        "codes and other numeric dimensions, text and booleans allow count and count_distinct; dates count, "
        "count_distinct, min and max. [] allows none.")
    default_aggregation: Aggregation | None = Field(
        default=None,
        description="The aggregation such a metric starts with. Unset: the aggregation of the model's metric "
        "over exactly this field, when there is one; else sum for a numeric measure, max for a date, count_distinct "
        "otherwise. "
        "Set avg for values that do not add up across rows (days, rates, prices).")

    @model_validator(mode="after")
    def _column_or_expr(self) -> FieldDef:
        if self.column and self.expr:
            raise ValueError("a field has either a column or an expr, not both")
        return self

    @property
    def is_time(self) -> bool:
        return self.type in ("date", "timestamp")


class JoinDef(_Strict):
    to: Name
    on: dict[Name, Name] = Field(description="{this dataset's field: the other dataset's field}")
    relationship: Relationship = "many_to_one"


class DatasetDef(_Strict):
    name: Name
    label: str | None = None
    label_en: str | None = None
    description: str | None = None
    table: str | None = Field(default=None, description="Warehouse table, optionally schema.table.")
    sql: str | None = Field(default=None, description="A read-only SELECT defining the dataset.")
    primary_key: list[Name] = []
    fields: list[FieldDef]
    joins: list[JoinDef] = []

    @model_validator(mode="after")
    def _table_or_sql(self) -> DatasetDef:
        if bool(self.table) == bool(self.sql):
            raise ValueError("a dataset needs exactly one of table or sql")
        return self


class MetricDef(_Strict):
    """A metric of the 指标中心.

    Aggregate: dataset + agg (+ expr, filter, time, time_aggregation).
    Derived: formula over other metrics' names (division is always safe).
    """

    name: Name
    label: str
    label_en: str | None = None
    synonyms: list[str] = []
    everyday_words: list[str] = Field(
        default=[],
        description="Looser everyday words and verb forms for the metric (销售, 卖了多少钱, 出了多少货, sold): the "
        "question parser reads them, with lower confidence, only where no name, label, synonym or value "
        "matched; unlike synonyms they are not names of the metric.")
    description: str | None = Field(default=None, description="The 口径: how it is defined, in words.")
    owner: str | None = None
    unit: str | None = None
    format: MetricFormat = "number"
    tags: list[str] = []
    status: Literal["draft", "certified"] = "draft"
    hidden: bool = Field(default=False, description="A building block not listed in the metric center.")

    dataset: Name | None = None
    agg: Aggregation | None = None
    expr: str | None = None
    filter: str | None = None
    time: Name | None = Field(default=None, description="The dataset's date field this metric is dated by.")
    time_aggregation: Literal["last", "average"] | None = Field(
        default=None,
        description="Semi-additive over time: the value at the last date of each period (last), or the "
        "average over the period's dates of the per-date totals (average).",
    )

    formula: str | None = None

    @model_validator(mode="after")
    def _kind(self) -> MetricDef:
        aggregate = self.dataset is not None or self.agg is not None
        if aggregate and self.formula:
            raise ValueError("a metric is either an aggregate (dataset, agg) or derived (formula), not both")
        if not aggregate and not self.formula:
            raise ValueError("a metric needs dataset and agg, or a formula")
        if aggregate and (self.dataset is None or self.agg is None):
            raise ValueError("an aggregate metric needs both dataset and agg")
        if self.agg and self.agg != "count" and not self.expr:
            raise ValueError(f"agg {self.agg} needs an expr")
        if self.time_aggregation and not self.time:
            raise ValueError("time_aggregation needs time")
        return self

    @property
    def is_derived(self) -> bool:
        return self.formula is not None


class HierarchyDef(_Strict):
    name: Name
    label: str | None = None
    label_en: str | None = None
    levels: list[str] = Field(min_length=2, description="Field references, coarse to fine.")


class SharedDimensionDef(_Strict):
    """A conformed dimension: one business attribute that several datasets carry (products.product_line,
    opportunities.product_line, rd_projects.product_line). Grouping or filtering by it uses, for each
    metric, the member field its fact table reaches, so metrics of different facts share the axis."""

    name: Name
    label: str | None = None
    label_en: str | None = None
    synonyms: list[str] = []
    fields: list[str] = Field(min_length=2, description="dataset.field members, preferred first.")


class RowRuleDef(_Strict):
    """Rows of `dataset` (and of every fact that reaches it) a role may see.

    filter is a formula over the dataset's fields with {{ user.ATTR }} placeholders, replaced by the
    user's attribute as a literal (a list value turns = into IN). A user without one of the
    attributes (absent, null, "" or []) sees nothing when missing_attribute is "deny" (the default);
    with "skip", a user who lacks the attribute entirely (absent or null) is not filtered by this
    rule, while an empty value ("" or []) still sees nothing. Admins are exempt unless listed in roles.
    """

    name: Name
    dataset: Name
    filter: str
    roles: list[Role] = ["editor", "viewer"]
    missing_attribute: Literal["deny", "skip"] = Field(
        default="deny",
        description="A user without the rule's attribute: deny → sees no rows; skip → the rule does not "
        "apply when the attribute is absent (an empty value still sees nothing).")
    description: str | None = None


class ColumnRuleDef(_Strict):
    """Fields or metrics that the listed roles may not query at all."""

    name: Name
    fields: list[str] = Field(min_length=1)
    deny_roles: list[Role] = Field(min_length=1)
    description: str | None = None


class SemanticModel(_Strict):
    name: Name
    label: str | None = None
    label_en: str | None = None
    description: str | None = None
    connection: Name | None = Field(
        default=None,
        description="Direct query: the database connection (shuzhi connection list) whose tables the "
        "datasets name; queries compile to its dialect and run there live. None: the DuckDB warehouse.",
    )
    datasets: list[DatasetDef]
    metrics: list[MetricDef] = []
    hierarchies: list[HierarchyDef] = []
    shared_dimensions: list[SharedDimensionDef] = []
    row_rules: list[RowRuleDef] = []
    column_rules: list[ColumnRuleDef] = []

    def denied_for(self, role: str) -> set[str]:
        """Fields and metrics the column rules deny to `role`."""
        return {f for r in self.column_rules if role in r.deny_roles for f in r.fields}
