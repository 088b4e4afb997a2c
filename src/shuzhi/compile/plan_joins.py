"""Pass 4: the joins each group needs, found from the fields the query uses.

Every dataset a group touches (dimensions, filters, metric expressions, row rules) is reached from
the group's fact by the shortest join path, preferring paths that do not fan out. A path that fans
out (one_to_many) would repeat fact rows; it is allowed only when every metric of the group is
insensitive to repetition (count_distinct, min, max) — otherwise the query is refused.
"""

from __future__ import annotations

from shuzhi.compile.apply_filters import bind_shared, unreachable
from shuzhi.compile.context import CoreState, shown
from shuzhi.errors import ShuzhiError
from shuzhi.model.checks import metric_field_refs

_FANOUT_SAFE = {"count_distinct", "min", "max"}


def plan_joins(st: CoreState) -> CoreState:
    rq = st.rq
    idx = rq.index
    for g in st.groups:
        for d in rq.dims:
            if d.shared:
                bind_shared(st, g, d.shared)
        wanted = set(g.datasets)
        for d in rq.dims:
            if d.dataset is not None:
                wanted.add(d.dataset)
        for m in g.metrics:
            wanted |= {ds for ds, _ in metric_field_refs(idx, m)}
        wanted.discard(g.dataset)
        g.aliases = {g.dataset: "t0"}
        g.joins = []
        for target in sorted(wanted, key=lambda ds: (len(idx.join_path(g.dataset, ds) or []), ds)):
            path = idx.join_path(g.dataset, target)
            if path is None:
                raise unreachable(shown(st.rq, g.metrics), g.dataset, target, "维度或字段", "dimension or field")
            if any(s.fans_out for s in path):
                unsafe = shown(rq, [m for m in g.metrics if idx.metrics[m].agg not in _FANOUT_SAFE])
                if unsafe:
                    raise ShuzhiError(
                        "fan_out",
                        f"按 {target} 拆分会让 {g.dataset} 的行重复（一对多关联），指标 {'、'.join(unsafe)} "
                        "会被重复累加，因此拒绝执行。请改用 count_distinct 类指标，或从另一侧建模。",
                        f"Splitting by {target} repeats rows of {g.dataset} (a one-to-many join), which would "
                        f"inflate {', '.join(unsafe)}; the query is refused. Use a distinct-count metric or "
                        "model it from the other side.",
                        details={"metrics": unsafe, "dataset": target},
                    )
            for step in path:
                if step.right not in g.aliases:
                    g.aliases[step.right] = f"t{len(g.aliases)}"
                    g.joins.append(step)
    return st
