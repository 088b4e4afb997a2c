"""Resolve a QuerySpec against a ModelIndex and a user: names → model objects, relative dates →
absolute ones, column rules enforced. The result (ResolvedQuery) is what the compiler reads.

Invariants
- Every name in the spec is checked here; unknown names fail with the closest known names.
- Output column names: a metric's name or its `name` alias; a dimension's text as written
  ("customers.region"), or its `name`, or "<field>_<grain>" for a grained item without a name.
- Aliases are unique in one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex, closest
from shuzhi.spec.query_spec import AndNode, Condition, DimensionItem, MetricItem, NotNode, OrNode, QuerySpec
from shuzhi.spec.time_ranges import relative_range

TIME = "time"
# The column label of the shared time axis at each grain (its name stays time_<grain>).
TIME_LABELS = {"day": "日期", "week": "周", "month": "月份", "quarter": "季度", "year": "年份"}


@dataclass(frozen=True)
class UserContext:
    """Who is asking; row rules read attributes, column rules read the role."""

    username: str
    role: str
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def system(cls) -> UserContext:
        return cls("system", "admin", {})


@dataclass(frozen=True)
class RDim:
    alias: str
    dataset: str | None  # None for the shared time axis
    field: str  # field name, or "time"
    grain: str | None
    label: str | None = None
    shared: str | None = None  # a shared (conformed) dimension: each fact uses its own member field

    @property
    def is_time_axis(self) -> bool:
        return self.dataset is None and self.shared is None

    @property
    def is_time(self) -> bool:
        return self.grain is not None


@dataclass(frozen=True)
class ROutput:
    alias: str
    metric: str  # a model metric, or the hidden metric of an ad-hoc item (adhoc True)
    compute: str | None = None
    label: str | None = None
    adhoc: bool = False


@dataclass(frozen=True)
class RCond:
    dataset: str | None  # None: a having condition on an output alias
    field: str
    op: str
    values: tuple[Any, ...]
    shared: bool = False  # field is a shared dimension's name (dataset is None)


@dataclass(frozen=True)
class RBool:
    kind: str  # "and" | "or" | "not"
    items: tuple[RFilter, ...]


RFilter = RCond | RBool


@dataclass(frozen=True)
class RTimeRange:
    dataset: str | None  # None: each metric's own time field
    field: str
    start: dt.date | None
    end: dt.date | None


@dataclass
class ResolvedQuery:
    index: ModelIndex
    user: UserContext
    outputs: list[ROutput]
    dims: list[RDim]
    where: list[RFilter]
    having: list[RFilter]
    time_range: RTimeRange | None
    order_by: list[tuple[str, bool]]
    limit: int | None
    offset: int | None
    today: dt.date
    adhoc: set[str] = field(default_factory=set)  # the hidden metrics of ad-hoc items (in index.metrics)

    @property
    def aliases(self) -> list[str]:
        return [d.alias for d in self.dims] + [o.alias for o in self.outputs]


def _err(code: str, zh: str, en: str, **details: Any) -> ShuzhiError:
    return ShuzhiError(code, zh, en, details=details or None)


def resolve(spec: QuerySpec, index: ModelIndex, user: UserContext, today: dt.date) -> ResolvedQuery:
    denied = index.model.denied_for(user.role)
    index, adhoc = _with_adhoc(spec, index, denied)
    outputs = [_output(m, index, denied, adhoc) for m in spec.metrics]
    dims = [_dim(d, index, denied) for d in spec.dimensions]
    seen: set[str] = set()
    for alias in [d.alias for d in dims] + [o.alias for o in outputs]:
        if alias in seen:
            raise _err("duplicate_name", f"输出列名 {alias} 重复，请用 name 改名。",
                       f"Output column {alias} appears twice; rename one with name.", name=alias)
        seen.add(alias)
    where = [_filter(n, index, denied, having=False, aliases=seen) for n in spec.where]
    dim_types = {d.alias: _dim_type(d, index) for d in dims}
    having = [_filter(n, index, denied, having=True, aliases={o.alias for o in outputs}, dim_types=dim_types)
              for n in spec.having]
    tr = _time_range(spec, index, today) if spec.time_range else None
    order = []
    for o in spec.order_by:
        if o.field not in seen:
            near = closest(o.field, seen)
            raise _err("unknown_order_field",
                       f"排序字段 {o.field} 不在查询结果中；可用：{'、'.join(sorted(seen))}。",
                       f"Order field {o.field} is not an output column; use one of: {', '.join(sorted(seen))}.",
                       field=o.field, suggestions=near)
        order.append((o.field, o.desc))
    return ResolvedQuery(index, user, outputs, dims, where, having, tr, order, spec.limit, spec.offset, today,
                         set(adhoc.values()))


def _restricted(name: str) -> ShuzhiError:
    return ShuzhiError("field_restricted", f"你的角色无权查询 {name}。",
                       f"Your role may not query {name}.", 403, details={"field": name})


def _check_metric_allowed(index: ModelIndex, name: str, denied: set[str]) -> None:
    from shuzhi.model.checks import metric_closure

    for dep in metric_closure(index, name):
        if dep in denied:
            raise _restricted(name)
        m = index.metrics[dep]
        if m.dataset:
            for ref in _metric_field_refs(index, dep):
                if ref in denied:
                    raise _restricted(name)


def _metric_field_refs(index: ModelIndex, name: str) -> list[str]:
    from shuzhi.model.checks import metric_field_refs

    return [f"{d}.{f}" for d, f in metric_field_refs(index, name)]


def _with_adhoc(spec: QuerySpec, index: ModelIndex, denied: set[str]) -> tuple[ModelIndex, dict[str, str]]:
    """The index this query compiles against: the model's, plus one hidden metric per ad-hoc item
    ({name, field, aggregate}); and {item name: that metric's name}. Column rules apply to the field as
    they apply to metrics (403); the model must allow the aggregation for the field."""
    from dataclasses import replace

    from shuzhi.model.aggregations import AGG_LABELS, adhoc_metric, allowed_aggregations

    items = [m for m in spec.metrics if isinstance(m, MetricItem) and m.field is not None]
    if not items:
        return index, {}
    extra: dict[str, Any] = {}
    names: dict[str, str] = {}
    for item in items:
        assert item.field is not None and item.aggregate is not None
        ds, f = _field_key(item.field, index, denied, dimension_only=False)
        allowed = allowed_aggregations(index.fields[(ds, f)])
        if item.aggregate not in allowed:
            zh_allowed = "、".join(AGG_LABELS[a][0] for a in allowed) or "无"
            raise _err("aggregate_not_allowed",
                       f"字段 {item.field} 不能用 {AGG_LABELS[item.aggregate][0]}（{item.aggregate}）汇总；"
                       f"模型允许：{zh_allowed}。",
                       f"Field {item.field} cannot be aggregated with {item.aggregate}; the model allows: "
                       f"{', '.join(allowed) or 'none'}.", field=item.field, allowed=allowed)
        name = f"_adhoc_{len(extra)}"
        while name in index.metrics:  # never a model metric's name
            name = "_" + name
        extra[name] = adhoc_metric(index, name, ds, f, item.aggregate)
        names[item.name] = name
    return replace(index, metrics={**index.metrics, **extra}), names


def _output(item: str | MetricItem, index: ModelIndex, denied: set[str], adhoc: dict[str, str]) -> ROutput:
    if isinstance(item, str):
        index.metric(item)
        _check_metric_allowed(index, item, denied)
        return ROutput(item, item, None, index.metrics[item].label)
    if item.field is not None:
        metric = adhoc[item.name]
        return ROutput(item.name, metric, None, item.label or index.metrics[metric].label, adhoc=True)
    if item.compute:
        (kind, base), = item.compute.items()
        if base in adhoc:  # a comparison over an ad-hoc item of this spec
            return ROutput(item.name, adhoc[base], kind, item.label, adhoc=True)
        index.metric(base)
        _check_metric_allowed(index, base, denied)
        return ROutput(item.name, base, kind, item.label)
    index.metric(item.name)
    _check_metric_allowed(index, item.name, denied)
    return ROutput(item.name, item.name, None, item.label or index.metrics[item.name].label)


def _field_key(ref: str, index: ModelIndex, denied: set[str], *, dimension_only: bool) -> tuple[str, str]:
    ds, f = index.resolve_field(ref, dimension_only=dimension_only)
    if f"{ds}.{f}" in denied or ref in denied:
        raise _restricted(ref)
    return ds, f


def _dim(item: str | DimensionItem, index: ModelIndex, denied: set[str]) -> RDim:
    if isinstance(item, str):
        item = DimensionItem(field=item)
    if item.field == TIME:
        if item.grain is None:
            raise _err("time_needs_grain", "time 维度需要指定 grain（day/week/month/quarter/year）。",
                       "The time dimension needs a grain (day, week, month, quarter or year).")
        return RDim(item.name or f"time_{item.grain}", None, TIME, item.grain, item.label or TIME_LABELS[item.grain])
    if item.field in index.shared:
        sd = next(x for x in index.model.shared_dimensions if x.name == item.field)
        for ds, f in index.shared[item.field]:
            if f"{ds}.{f}" in denied:
                raise _restricted(item.field)
        if item.grain:
            raise _err("grain_on_non_time_field", f"共享维度 {item.field} 不能按 {item.grain} 汇总。",
                       f"The shared dimension {item.field} takes no grain.", field=item.field)
        return RDim(item.name or item.field, None, item.field, None, item.label or sd.label, shared=item.field)
    ds, f = _field_key(item.field, index, denied, dimension_only=True)
    fd = index.fields[(ds, f)]
    if item.grain and not fd.is_time:
        raise _err("grain_on_non_time_field",
                   f"{item.field} 不是日期字段，不能按 {item.grain} 汇总。",
                   f"{item.field} is not a date field; a grain ({item.grain}) applies only to dates.",
                   field=item.field)
    alias = item.name or (f"{f}_{item.grain}" if item.grain else item.field)
    return RDim(alias, ds, f, item.grain, item.label or fd.label)


def _coerce(value: Any, ftype: str, ref: str) -> Any:
    if value is None:
        return None
    bad = ShuzhiError("bad_filter_value", f"字段 {ref}（{ftype}）不能与值 {value!r} 比较。",
                      f"Field {ref} ({ftype}) cannot be compared with {value!r}.", details={"field": ref})
    if ftype in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                return float(value) if "." in str(value) else int(value)
            except (TypeError, ValueError):
                raise bad from None
        return value
    if ftype in ("date", "timestamp"):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10]) if ftype == "date" else dt.datetime.fromisoformat(value)
            except ValueError:
                raise bad from None
        raise bad
    if ftype == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false", "是", "否"):
            return str(value).lower() in ("true", "是")
        raise bad
    if isinstance(value, bool | int | float):
        return str(value)
    return value


def _dim_type(d: RDim, index: ModelIndex) -> str:
    if d.grain or d.is_time_axis:
        return "date"
    key = index.shared[d.shared][0] if d.shared else (d.dataset, d.field)
    return index.fields[key].type  # type: ignore[index]


def _filter(node: Any, index: ModelIndex, denied: set[str], *, having: bool, aliases: set[str],
            dim_types: dict[str, str] | None = None) -> RFilter:
    kw: dict[str, Any] = {"having": having, "aliases": aliases, "dim_types": dim_types}
    if isinstance(node, AndNode):
        return RBool("and", tuple(_filter(n, index, denied, **kw) for n in node.and_))
    if isinstance(node, OrNode):
        return RBool("or", tuple(_filter(n, index, denied, **kw) for n in node.or_))
    if isinstance(node, NotNode):
        return RBool("not", (_filter(node.not_, index, denied, **kw),))
    assert isinstance(node, Condition)
    raw = node.values if node.values is not None else ([] if node.value is None else [node.value])
    if having and dim_types and node.field in dim_types:
        # a dimension column, kept after the computes: the share of one member stays its share of all
        vals = tuple(_coerce(v, dim_types[node.field], node.field) for v in raw)
        return RCond(None, node.field, node.op, vals)
    if having:
        if node.field not in aliases:
            near = closest(node.field, aliases)
            raise _err("unknown_having_field",
                       f"having 只能用查询中的指标：{'、'.join(sorted(aliases))}。",
                       f"having may use only the query's metrics: {', '.join(sorted(aliases))}.",
                       field=node.field, suggestions=near)
        if node.op in ("contains", "starts_with"):
            raise _err("bad_op", f"指标不能用 {node.op} 比较。", f"Metrics cannot use op {node.op}.")
        vals = tuple(_coerce(v, "number", node.field) for v in raw)
        return RCond(None, node.field, node.op, vals)
    if node.field in index.shared:
        members = index.shared[node.field]
        if any(f"{d}.{x}" in denied for d, x in members):
            raise _restricted(node.field)
        ftype = index.fields[members[0]].type
        vals = tuple(_coerce(v, ftype, node.field) for v in raw)
        return RCond(None, node.field, node.op, vals, shared=True)
    ds, f = _field_key(node.field, index, denied, dimension_only=False)
    ftype = index.fields[(ds, f)].type
    if node.op in ("contains", "starts_with") and ftype != "string":
        raise _err("bad_op", f"{node.field} 不是文本字段，不能用 {node.op}。",
                   f"{node.field} is not text; op {node.op} needs a text field.", field=node.field)
    vals = tuple(_coerce(v, ftype, node.field) for v in raw)
    return RCond(ds, f, node.op, vals)


def _time_range(spec: QuerySpec, index: ModelIndex, today: dt.date) -> RTimeRange:
    tr = spec.time_range
    assert tr is not None
    if tr.relative:
        start, end = relative_range(tr.relative, today)
    else:
        start, end = tr.start, tr.end
    if tr.field == TIME:
        return RTimeRange(None, TIME, start, end)
    ds, f = index.resolve_field(tr.field)
    if not index.fields[(ds, f)].is_time:
        raise _err("time_range_not_date", f"time_range 的字段 {tr.field} 不是日期字段。",
                   f"The time_range field {tr.field} is not a date field.", field=tr.field)
    return RTimeRange(ds, f, start, end)
