"""Pass 3: where conditions and the time range, attached to every group they can apply to.

A where condition must be reachable from every group's fact through joins that do not fan out;
otherwise the query is refused (a filter silently ignored for one metric would give a wrong answer).
A time_range on "time" filters each group by its own time field.
"""

from __future__ import annotations

from shuzhi.compile.context import CoreState, shown
from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import RCond, RFilter, RTimeRange


def filter_datasets(f: RFilter) -> set[str]:
    if isinstance(f, RCond):
        return {f.dataset} if f.dataset else set()
    out: set[str] = set()
    for item in f.items:
        out |= filter_datasets(item)
    return out


def filter_shared(f: RFilter) -> set[str]:
    if isinstance(f, RCond):
        return {f.field} if f.shared else set()
    out: set[str] = set()
    for item in f.items:
        out |= filter_shared(item)
    return out


def bind_shared(st: CoreState, g, name: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the member field of shared dimension `name` that group g's fact reaches."""
    if name in g.shared_keys:
        return
    member = st.rq.index.shared_member(name, g.dataset)
    if member is None:
        raise unreachable(shown(st.rq, g.metrics), g.dataset, name, "共享维度", "shared dimension")
    g.shared_keys[name] = member
    g.datasets.add(member[0])


def unreachable(metrics: list[str], dataset: str, target: str, what_zh: str, what_en: str) -> ShuzhiError:
    names = "、".join(metrics)
    return ShuzhiError(
        "not_reachable",
        f"指标 {names}（来自 {dataset}）不能使用 {target} 上的{what_zh}：两者之间没有多对一的关联路径。",
        f"Metric(s) {', '.join(metrics)} (from {dataset}) cannot use the {what_en} on {target}: "
        "there is no many-to-one join path between them.",
        details={"metrics": metrics, "dataset": target},
    )


def _without_time(metric: str) -> ShuzhiError:
    return ShuzhiError(
        "metric_without_time",
        f"指标 {metric} 没有时间字段，不能按 time 筛选或汇总；请改用具体的日期字段。",
        f"Metric {metric} has no time field, so it cannot be filtered or grouped by 'time'; "
        "use a specific date field instead.", details={"metric": metric})


def apply_filters(st: CoreState) -> CoreState:
    rq = st.rq
    idx = rq.index
    tr = rq.time_range
    if st.shift is not None and tr is not None:
        tr = RTimeRange(tr.dataset, tr.field, st.shift.start, st.shift.end)
    uses_axis = any(d.is_time_axis for d in rq.dims)
    for g in st.groups:
        if uses_axis and g.time_field is not None:
            # A metric is dated by its time field: rows without that date are not on the time axis.
            g.filters.append(("range", g.dataset, g.time_field, None, None))
        elif uses_axis and g.metrics:
            raise _without_time(shown(st.rq, g.metrics)[0])
        for f in rq.where:
            for ds in filter_datasets(f):
                path = idx.join_path(g.dataset, ds)
                if path is None or any(s.fans_out for s in path):
                    raise unreachable(shown(st.rq, g.metrics), g.dataset, ds, "筛选条件", "filter")
                g.datasets.add(ds)
            for name in filter_shared(f):
                bind_shared(st, g, name)
            g.filters.append(f)
        if tr is not None:
            if tr.dataset is None:
                if not g.metrics:
                    # Dimension members only (the builder with no metric yet): 'time' means the metrics'
                    # dates and there are none, so the members are listed whatever the period.
                    continue
                if g.time_field is None:
                    raise _without_time(shown(st.rq, g.metrics)[0])
                g.filters.append(("range", g.dataset, g.time_field, tr.start, tr.end))
            else:
                path = idx.join_path(g.dataset, tr.dataset)
                if path is None or any(s.fans_out for s in path):
                    raise unreachable(shown(st.rq, g.metrics), g.dataset, tr.dataset, "时间范围", "time range")
                g.datasets.add(tr.dataset)
                g.filters.append(("range", tr.dataset, tr.field, tr.start, tr.end))
    return st
