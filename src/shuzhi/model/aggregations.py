"""Which aggregations a field allows as an ad-hoc metric, which one it starts with, and the metric it makes.

An ad-hoc metric is a QuerySpec metric item {"name", "field", "aggregate"}: the analysis page's 指标 pill
over a dataset field (交期（天） averaged, 客户ID counted distinct). The model decides (FieldDef.aggregations,
FieldDef.default_aggregation); when a field says nothing:
- allowed: numeric measures (dimension: false) all seven; numeric dimensions (ids, codes, line numbers),
  text and booleans count and count_distinct; dates count, count_distinct, min and max;
- default: the aggregation of the model's own metric over exactly this field (revenue = sum(amount) makes
  amount a sum), else sum for a numeric measure, max (the latest) for a date, else count_distinct;
- the metric made (`adhoc_metric`) is dated like the model's metrics of its dataset, keeps the
  semi-additive rule of a snapshot table's metrics for sums (stock is never summed over time), and takes
  the format and unit of the model's metric over the field (sum(amount) in 元 like revenue).
An imported table has no model yet, only its header text: `header_aggregation` reads the unit a header
states (交期（天）, 合格率(%), 单价（元/件）) to start such columns as averages (model/auto.py).
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from shuzhi.model.schema import DatasetDef, FieldDef, MetricDef

if TYPE_CHECKING:
    from shuzhi.model.index import ModelIndex

# The order the analysis page lists them in.
AGGREGATIONS: tuple[str, ...] = ("sum", "avg", "min", "max", "median", "count", "count_distinct")
AGG_LABELS: dict[str, tuple[str, str]] = {
    "sum": ("求和", "sum"), "avg": ("平均值", "average"), "min": ("最小值", "min"), "max": ("最大值", "max"),
    "median": ("中位数", "median"), "count": ("计数", "count"), "count_distinct": ("去重计数", "distinct count"),
}
NUMERIC = ("integer", "number")
_ANY = ("count", "count_distinct")


# A header naming a per-row quantity that does not add up across rows: a duration in days (交期, 账龄), a
# rate or share, a unit price, an average, a score, a temperature; or stating such a unit in brackets.
# Hours are left out: work hours (工时) add up.
_PER_ROW = re.compile(
    r"[（(]\s*(天|日|%|％|‰|元/[^)）]+|d|days?|pct|percent)\s*[)）]\s*$"
    r"|(率|比例|占比|比率|单价|均价|价格|平均|天数|周期|时长|工期|交期|账龄|温度|湿度|年龄|评分|得分|系数)\s*$"
    r"|(?<![a-z])(rate|ratio|price|avg|average|days|score|percent|pct)(?![a-z])", re.IGNORECASE)


def header_aggregation(header: str) -> str | None:
    """"avg" for an imported numeric column whose header names a per-row quantity (see _PER_ROW), else None."""
    return "avg" if _PER_ROW.search(header.strip()) else None


def compatible(agg: str, ftype: str) -> bool:
    """Whether `agg` means something over a field of type `ftype`."""
    if agg in _ANY:
        return True
    if agg in ("min", "max"):
        return ftype in (*NUMERIC, "date", "timestamp")
    return ftype in NUMERIC  # sum, avg, median


def allowed_aggregations(fd: FieldDef) -> list[str]:
    """The field's aggregations, in AGGREGATIONS order (see the module docstring for the defaults)."""
    if fd.aggregations is not None:
        return [a for a in AGGREGATIONS if a in fd.aggregations and compatible(a, fd.type)]
    if fd.type in NUMERIC and not fd.dimension:
        return list(AGGREGATIONS)
    if fd.type in ("date", "timestamp"):
        return ["min", "max", *_ANY]
    return list(_ANY)


def metric_over(index: ModelIndex, dataset: str, field: str, *, filtered: bool = False) -> MetricDef | None:
    """The model's aggregate metric over exactly `dataset.field`, unfiltered unless `filtered` (certified
    and unfiltered ones first)."""
    found = [m for m in index.model.metrics
             if m.dataset == dataset and m.agg and m.expr and m.expr.strip() == field and (filtered or not m.filter)]
    found.sort(key=lambda m: (bool(m.filter), m.status != "certified"))
    return found[0] if found else None


def default_aggregation(index: ModelIndex, dataset: str, field: str) -> str | None:
    """The aggregation the field starts with; None when it allows none."""
    fd = index.fields[(dataset, field)]
    allowed = allowed_aggregations(fd)
    if not allowed:
        return None
    if fd.default_aggregation is not None and fd.default_aggregation in allowed:
        return fd.default_aggregation
    m = metric_over(index, dataset, field)
    if m is not None and m.agg in allowed:
        return m.agg
    if "sum" in allowed and fd.type in NUMERIC and not fd.dimension:
        return "sum"
    if "max" in allowed and fd.type in ("date", "timestamp"):
        return "max"  # the latest date
    return "count_distinct" if "count_distinct" in allowed else allowed[0]


def field_aggregations(index: ModelIndex, datasets: list[DatasetDef] | None = None) -> dict[str, dict[str, object]]:
    """{"dataset.field": {"allowed": [...], "default": agg}} for every field that allows an aggregation."""
    out: dict[str, dict[str, object]] = {}
    for ds in datasets if datasets is not None else index.model.datasets:
        for f in ds.fields:
            if (ds.name, f.name) not in index.fields:
                continue
            allowed = allowed_aggregations(index.fields[(ds.name, f.name)])
            if allowed:
                out[f"{ds.name}.{f.name}"] = {"allowed": allowed, "default": default_aggregation(index, ds.name, f.name)}
    return out


def dataset_time(index: ModelIndex, dataset: str) -> str | None:
    """The date field a dataset's rows are dated by: the one most of its model metrics use, else its first."""
    used = Counter(m.time for m in index.model.metrics if m.dataset == dataset and m.time)
    if used:
        return used.most_common(1)[0][0]
    times = index.time_fields(dataset)
    return times[0] if times else None


def _semi_additive(index: ModelIndex, dataset: str, field: str) -> tuple[str, str] | None:
    """(time_aggregation, time) a sum over this field keeps: its own metric's, else its dataset's first."""
    own = metric_over(index, dataset, field)
    if own is not None and own.agg == "sum" and own.time_aggregation and own.time:
        return own.time_aggregation, own.time
    for m in index.model.metrics:
        if m.dataset == dataset and m.time_aggregation and m.time:
            return m.time_aggregation, m.time
    return None


def adhoc_metric(index: ModelIndex, name: str, dataset: str, field: str, agg: str) -> MetricDef:
    """The metric an ad-hoc item computes (the caller has checked `agg` is allowed)."""
    fd = index.fields[(dataset, field)]
    own = metric_over(index, dataset, field, filtered=True)  # its format and unit (a filter keeps them)
    zh, en = AGG_LABELS[agg]
    label = f"{fd.label or fd.name}（{zh}）"
    label_en = f"{fd.label_en or fd.label or fd.name} ({en})"
    time, semi = dataset_time(index, dataset), None
    if agg == "sum" and (rule := _semi_additive(index, dataset, field)) is not None:
        semi, time = rule
    if agg in _ANY:
        fmt, unit = "integer", None
    elif own is not None and fd.type in NUMERIC:
        fmt, unit = own.format, own.unit
    else:
        fmt, unit = ("integer" if fd.type == "integer" and agg in ("sum", "min", "max") else "number"), None
    return MetricDef(name=name, label=label, label_en=label_en, dataset=dataset, agg=agg,  # type: ignore[arg-type]
                     expr=field, time=time, time_aggregation=semi, format=fmt, unit=unit,  # type: ignore[arg-type]
                     hidden=True)
