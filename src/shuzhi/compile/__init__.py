"""ResolvedQuery → sqlglot tree → dialect SQL, as an ordered tuple of passes.

The core passes build one "core" SELECT (dimensions d0.. and metric columns m__name); they run once
for the current period and once per comparison variant (yoy, pop) with time shifted. The final
passes add computes, having, order and limit. SQL stays a tree until `.sql(dialect)` at the end.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from shuzhi.compile.apply_filters import apply_filters
from shuzhi.compile.apply_security import apply_security
from shuzhi.compile.build_groups import build_groups
from shuzhi.compile.combine_groups import combine_groups
from shuzhi.compile.comparisons import SHIFTED, final_select, make_shift
from shuzhi.compile.context import CompiledQuery, CoreState, check_datasets, check_dialect, literal
from shuzhi.compile.finalize import finalize, output_columns
from shuzhi.compile.plan_groups import plan_groups
from shuzhi.compile.plan_joins import plan_joins
from shuzhi.spec.resolve import ResolvedQuery

CORE_PASSES: tuple[Callable[[CoreState], CoreState], ...] = (
    plan_groups,      # metrics → fact groups
    apply_security,   # row rules → group filters
    apply_filters,    # where + time range → group filters
    plan_joins,       # fields used → join paths, fan-out check
    build_groups,     # one SELECT per group
    combine_groups,   # union on dimensions + derived metrics
)


def build_core(rq: ResolvedQuery, dialect: str, shift_kind: str | None = None,
               only: list[str] | None = None) -> exp.Select:
    st = CoreState(rq, dialect, make_shift(rq, shift_kind) if shift_kind else None)
    st = plan_groups(st, only)
    for p in CORE_PASSES[1:]:
        st = p(st)
    assert st.core is not None
    return st.core


def compile_query(rq: ResolvedQuery, dialect: str = "duckdb") -> CompiledQuery:
    check_dialect(dialect)
    cur = build_core(rq, dialect)
    prevs: dict[str, exp.Select] = {}
    for kind in ("yoy", "pop"):
        metrics = [o.metric for o in rq.outputs if o.compute and SHIFTED.get(o.compute) == kind]
        if metrics:
            prevs[kind] = build_core(rq, dialect, kind, only=list(dict.fromkeys(metrics)))
    tree = finalize(rq, final_select(rq, cur, prevs))
    # "Today" in formulas is the pinned business date (SHUZHI_TODAY / Asia/Shanghai), never the
    # database server's clock.
    today = literal(rq.today)
    tree = tree.transform(lambda n: today.copy() if isinstance(n, exp.CurrentDate) else n, copy=False)
    check_datasets(tree, dialect)
    return CompiledQuery(tree.sql(dialect=dialect), tree, output_columns(rq), dialect)
