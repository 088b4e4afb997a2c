"""The QuerySpec: what every consumer (chart builder, NL, dashboards, alerts, API) asks for.

Metrics-first: metrics and dimensions by name, a time grain on a time dimension, a typed filter tree
(where on dimensions, having on metrics), first-class comparisons, order, limit, offset, time zone.
See docs/query-spec.md. This is a public contract: extend it, never break it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from shuzhi.model.schema import Aggregation

Grain = Literal["day", "week", "month", "quarter", "year"]
Op = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "contains", "starts_with",
             "is_null", "not_null"]
OPS: tuple[str, ...] = ("=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "contains",
                        "starts_with", "is_null", "not_null")
Compute = Literal["yoy", "yoy_value", "pop", "pop_value", "percent_of_total", "cumulative", "rank"]
COMPUTES: tuple[str, ...] = ("yoy", "yoy_value", "pop", "pop_value", "percent_of_total", "cumulative", "rank")
# The model's own Literal (one object: pydantic caches schemas of equal Literals whatever their order).
Aggregate = Aggregation
AGGREGATES: tuple[str, ...] = ("sum", "avg", "min", "max", "median", "count", "count_distinct")
Relative = Literal["today", "yesterday", "this_week", "last_week", "last_7_days", "last_30_days",
                   "last_90_days", "this_month", "last_month", "this_quarter", "last_quarter", "this_year",
                   "last_year", "ytd", "mtd", "qtd", "last_12_months"]
Scalar = Union[str, int, float, bool, None]  # noqa: UP007 - pydantic union order matters

# Size limits (issue 12). A spec is small: these bound the work and the error size of a hostile one.
# They are checked on the raw JSON before pydantic walks it, so a 300-deep tree costs microseconds
# and its error is one short line, not megabytes of nested union errors.
MAX_FILTER_DEPTH = 20  # and/or/not nesting of one filter tree
MAX_FILTER_NODES = 1_000  # conditions and and/or/not nodes in all of a spec's where and having
MAX_IN_VALUES = 10_000  # values of one in / not_in condition
MAX_METRICS = 50
MAX_DIMENSIONS = 20
_MAX_PROBLEMS = 10  # validation problems reported (the first ones)
_MAX_PATH = 120  # characters of a problem's path / message kept


def _tree_size(node: Any, limit_nodes: int) -> tuple[int, int]:
    """(depth, nodes) of a raw filter tree, stopping early once either passes its limit.
    Iterative, so a very deep input cannot exhaust the Python stack."""
    depth = nodes = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        cur, d = stack.pop()
        nodes += 1
        depth = max(depth, d)
        if depth > MAX_FILTER_DEPTH or nodes > limit_nodes:
            break
        if isinstance(cur, dict):
            for key in ("and", "or"):
                kids = cur.get(key)
                if isinstance(kids, list):
                    stack.extend((k, d + 1) for k in kids[: limit_nodes + 1])
            if "not" in cur:
                stack.append((cur["not"], d + 1))
    return depth, nodes


def check_filter_size(nodes: Any, limit_nodes: int = MAX_FILTER_NODES) -> int:
    """Refuse a filter node (or list of them) nested deeper than MAX_FILTER_DEPTH or with more than
    `limit_nodes` nodes; returns the node count. Raises ValueError (a validation error in pydantic)."""
    total = 0
    for node in nodes if isinstance(nodes, list) else [nodes]:
        depth, n = _tree_size(node, limit_nodes - total)
        if depth > MAX_FILTER_DEPTH:
            raise ValueError(f"filters may be nested at most {MAX_FILTER_DEPTH} levels deep")
        total += n
        if total > limit_nodes:
            raise ValueError(f"at most {limit_nodes} filter conditions and and/or/not nodes in all")
    return total


def _bounded_tree(v: Any) -> Any:
    check_filter_size(v)
    return v


InValues = Annotated[list[Scalar], Field(max_length=MAX_IN_VALUES)]


# Output names become quoted identifiers in generated SQL (sqlglot escapes them); we also refuse
# quotes, backticks, semicolons, backslashes and control characters outright.
Alias = Annotated[str, StringConstraints(pattern=r"^[^\"'`;\\\x00-\x1f]{1,128}$")]
Name = Annotated[str, StringConstraints(max_length=200)]  # a metric, field or model name (errors echo it)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricItem(_Spec):
    name: Alias = Field(description="Output column name; the metric's name when no compute and no field.")
    compute: dict[Compute, Name] | None = Field(
        default=None, description='One comparison over a metric, e.g. {"yoy": "revenue"}; the metric may also be '
        "the name of an ad-hoc item (field + aggregate) of the same spec.")
    field: Name | None = Field(
        default=None, description="An ad-hoc metric: the dataset field (dataset.field, or a unique field name) "
        "to aggregate with `aggregate`, if the model allows that aggregation for the field.")
    aggregate: Aggregate | None = Field(default=None, description="The ad-hoc metric's aggregation.")
    label: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_compute(self) -> MetricItem:
        if self.compute is not None and len(self.compute) != 1:
            raise ValueError("compute takes exactly one of " + ", ".join(COMPUTES))
        if self.compute is not None and (self.field is not None or self.aggregate is not None):
            raise ValueError("an item has either compute or field/aggregate, not both")
        if self.aggregate is not None and self.field is None:
            raise ValueError("aggregate needs a field")
        if self.field is not None and self.aggregate is None:
            raise ValueError("field needs an aggregate (" + ", ".join(AGGREGATES) + ")")
        return self


class DimensionItem(_Spec):
    field: str = Field(max_length=200, description="dataset.field, a unique field name, or 'time'.")
    name: Alias | None = Field(default=None, description="Output column name.")
    grain: Grain | None = None
    label: str | None = Field(default=None, max_length=200)


class Condition(_Spec):
    field: str = Field(max_length=200)
    op: Op
    value: Scalar | InValues = None
    values: InValues | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_value(cls, data: Any) -> Any:
        """A list given as `value` is the `values` list (so its size limit reads as such)."""
        if isinstance(data, dict) and isinstance(data.get("value"), list) and data.get("values") is None:
            data = {k: v for k, v in data.items() if k != "value"} | {"values": data["value"]}
        return data

    @model_validator(mode="after")
    def _operands(self) -> Condition:
        if self.op in ("in", "not_in"):
            if self.values is None and isinstance(self.value, list):
                self.values, self.value = self.value, None
            if not self.values:
                raise ValueError(f"op {self.op} needs a non-empty 'values' list")
        elif self.op == "between":
            vals = self.values if self.values is not None else self.value
            if not isinstance(vals, list) or len(vals) != 2:
                raise ValueError("op between needs 'values': [low, high]")
            self.values, self.value = list(vals), None
        elif self.op in ("is_null", "not_null"):
            pass
        else:
            if isinstance(self.value, list) or self.value is None:
                raise ValueError(f"op {self.op} needs a single 'value'")
        if self.op in ("contains", "starts_with") and not isinstance(self.value, str):
            raise ValueError(f"op {self.op} needs a text 'value'")
        return self


class AndNode(_Spec):
    and_: list[FilterNode] = Field(alias="and", min_length=1)


class OrNode(_Spec):
    or_: list[FilterNode] = Field(alias="or", min_length=1)


class NotNode(_Spec):
    not_: FilterNode = Field(alias="not")


FilterNode = Annotated[Union[Condition, AndNode, OrNode, NotNode], Field(union_mode="left_to_right"),  # noqa: UP007
                       BeforeValidator(_bounded_tree)]


class TimeRange(_Spec):
    field: str = Field(default="time", max_length=200)
    start: dt.date | None = None
    end: dt.date | None = None
    relative: Relative | None = None

    @model_validator(mode="after")
    def _shape(self) -> TimeRange:
        if self.relative is not None and (self.start or self.end):
            raise ValueError("use either relative or start/end")
        if self.relative is None and self.start is None and self.end is None:
            raise ValueError("time_range needs start and/or end, or relative")
        if self.start and self.end and self.start > self.end:
            raise ValueError("time_range start is after end")
        return self


class OrderItem(_Spec):
    field: str = Field(max_length=200)
    desc: bool = False


class QuerySpec(_Spec):
    model: Name | None = Field(default=None, description="Model name; the default model when omitted.")
    metrics: list[Name | MetricItem] = Field(default=[], max_length=MAX_METRICS)
    dimensions: list[Name | DimensionItem] = Field(default=[], max_length=MAX_DIMENSIONS)
    where: list[FilterNode] = Field(default=[], max_length=100)
    having: list[FilterNode] = Field(default=[], max_length=50)
    time_range: TimeRange | None = None
    order_by: list[OrderItem] = Field(default=[], max_length=20)
    limit: int | None = Field(default=None, ge=1, le=1_000_000)
    offset: int | None = Field(default=None, ge=0, le=10**12)  # bounded: OFFSET is a signed 64-bit integer
    timezone: str = Field(default="Asia/Shanghai", max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _bounded_filters(cls, data: Any) -> Any:
        if isinstance(data, dict):  # all trees together, before any of them is validated
            check_filter_size([*_as_list(data.get("where")), *_as_list(data.get("having"))])
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Asia/Shanghai)") from None
        return v

    @model_validator(mode="after")
    def _something(self) -> QuerySpec:
        if not self.metrics and not self.dimensions:
            raise ValueError("a query needs at least one metric or dimension")
        return self


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


for _m in (AndNode, OrNode, NotNode, QuerySpec):
    _m.model_rebuild()


_NODE_NAMES = {"Condition", "AndNode", "OrNode", "NotNode", "MetricItem", "DimensionItem", "str"}


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_PATH else text[: _MAX_PATH - 1] + "…"


def parse_spec(data: Any) -> QuerySpec:
    """Validate a JSON-like spec; errors become one bilingual ShuzhiError naming the paths."""
    from pydantic import ValidationError

    from shuzhi.errors import ShuzhiError
    from shuzhi.spec.messages import name_branch, zh_problem

    try:
        return QuerySpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        first_zh = ""
        errors = exc.errors(include_input=False, include_url=False)
        errors = [e for e in errors if not name_branch(e)] or errors
        for e in errors[:_MAX_PROBLEMS]:
            loc = ".".join(
                str(p) for p in e.get("loc", ())
                if not (isinstance(p, str) and ("[" in p or p in _NODE_NAMES))
            )
            msg = e.get("msg", "").removeprefix("Value error, ")
            problems.append({"path": _clip(loc), "problem": _clip(msg)})
            if not first_zh:
                zh = _clip(zh_problem(e.get("type", ""), msg, e.get("ctx")))
                first_zh = f"{_clip(loc)}：{zh}" if loc else zh
        first = problems[0]
        return_msg = f"{first['path']}: {first['problem']}" if first["path"] else first["problem"]
        raise ShuzhiError(
            "spec_invalid",
            f"查询定义有误：{first_zh}",
            f"The query spec is invalid: {return_msg}",
            details={"problems": problems},
        ) from None
