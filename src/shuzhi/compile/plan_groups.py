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
        base = next((d.dataset for d in rq.dims if d.dataset), None) or next(
            (rq.index.shared[d.shared][0][0] for d in rq.dims if d.shared), None)
        if base is None:
            raise ShuzhiError("time_needs_metric", "只有 time 维度而没有指标时，无法确定按哪个日期字段汇总。",
                              "A query with only the time dimension and no metric has no date field to use.")
        st.groups = [GroupPlan("g0", base, None, [])]
    return st
