"""Pass 1: which metrics are needed, and which fact subqueries (groups) compute them.

A group holds the leaf (aggregate) metrics of one dataset that share a time binding: when the query
uses the shared time axis ("time"), metrics of one dataset dated by different fields need separate
groups. A semi-additive metric always gets a group of its own.
"""

from __future__ import annotations

from shuzhi.compile.context import CoreState, GroupPlan
from shuzhi.errors import ShuzhiError
from shuzhi.model.checks import metric_closure


def plan_groups(st: CoreState, only: list[str] | None = None) -> CoreState:
    rq = st.rq
    idx = rq.index
    roots = only if only is not None else [o.metric for o in rq.outputs]
    needed: list[str] = []
    for name in roots:
        for m in metric_closure(idx, name):
            if m not in needed:
                needed.append(m)
    st.needed = needed
    uses_axis = any(d.is_time_axis for d in rq.dims) or (
        rq.time_range is not None and rq.time_range.dataset is None)
    groups: dict[tuple, GroupPlan] = {}
    for name in needed:
        m = idx.metrics[name]
        if m.is_derived:
            continue
        assert m.dataset is not None
        time_field = m.time if (uses_axis or m.time_aggregation) else None
        key = (m.dataset, time_field, name if m.time_aggregation else None)
        if key not in groups:
            groups[key] = GroupPlan(f"g{len(groups)}", m.dataset, time_field, [], m.time_aggregation)
        groups[key].metrics.append(name)
    st.groups = list(groups.values())
    if not st.groups:
        # Dimensions only: their distinct combinations, read from the first dimension's dataset.
        # The shared time axis means "each metric's own date": without a metric there is none.
        base = next((d.dataset for d in rq.dims if d.dataset), None) or next(
            (rq.index.shared[d.shared][0][0] for d in rq.dims if d.shared), None)
        if base is None or any(d.is_time_axis for d in rq.dims):
            raise ShuzhiError(
                "time_needs_metric",
                "按时间轴（time）分组需要至少一个指标：时间轴用每个指标自己的日期字段。请添加指标，或改用具体的日期字段（如下单日期）。",
                "Grouping by the time axis ('time') needs at least one metric: the axis uses each metric's own "
                "date field. Add a metric, or use a specific date field (such as the order date) instead.")
        st.groups = [GroupPlan("g0", base, None, [])]
    return st
