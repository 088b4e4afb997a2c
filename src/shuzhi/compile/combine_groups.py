"""Pass 6: combine the groups on the query's dimensions, then compute derived metrics.

Groups are combined by UNION ALL + GROUP BY (each group contributes one row per dimension tuple, so
MAX picks it); this works on every engine, MySQL included, which has no FULL OUTER JOIN. Derived
metrics are the formula parser's trees with metric names replaced by the combined columns (or by
other derived metrics' trees); division is safe.
"""

from __future__ import annotations

from sqlglot import exp

from shuzhi.compile.build_groups import metric_type
from shuzhi.compile.context import CoreState, col, dim_col, ident, metric_col
from shuzhi.model.formula import parse_formula
from shuzhi.model.index import ModelIndex

_SQL_TYPE = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMP"}


def combine_groups(st: CoreState) -> CoreState:
    idx = st.rq.index
    ndims = len(st.rq.dims)
    leaves = [m for g in st.groups for m in g.metrics]
    if len(st.groups) == 1:
        combined: exp.Expression = st.groups[0].select  # type: ignore[assignment]
    else:
        branches = []
        for g in st.groups:
            cols: list[exp.Expression] = [exp.alias_(col(dim_col(i), "g"), dim_col(i)) for i in range(ndims)]
            for m in leaves:
                if m in g.metrics:
                    cols.append(exp.alias_(col(metric_col(m), "g"), metric_col(m)))
                else:
                    t = _SQL_TYPE[metric_type(idx, idx.metrics[m])]
                    cols.append(exp.alias_(exp.cast(exp.Null(), t), metric_col(m)))
            branches.append(exp.select(*cols).from_(exp.alias_(exp.Subquery(this=g.select), ident("g"),
                                                                 table=True), copy=False))
        union = branches[0]
        for b in branches[1:]:
            union = exp.union(union, b, distinct=False)
        combined = exp.select(
            *[exp.alias_(col(dim_col(i), "u"), dim_col(i)) for i in range(ndims)],
            *[exp.alias_(exp.Max(this=col(metric_col(m), "u")), metric_col(m)) for m in leaves],
        ).from_(exp.alias_(exp.Subquery(this=union), ident("u"), table=True), copy=False)
        if ndims:
            combined = combined.group_by(*[col(dim_col(i), "u") for i in range(ndims)], copy=False)
    cols = [exp.alias_(col(dim_col(i), "c"), dim_col(i)) for i in range(ndims)]
    for m in st.needed:
        tree = metric_tree(idx, m, leaves)
        if idx.metrics[m].is_derived:
            tree = exp.cast(tree, "DOUBLE")
        cols.append(exp.alias_(tree, metric_col(m)))
    st.core = exp.select(*cols).from_(exp.alias_(exp.Subquery(this=combined), ident("c"), table=True), copy=False)
    return st


def metric_tree(idx: ModelIndex, name: str, leaves: list[str], table: str = "c") -> exp.Expression:
    """The metric as an expression over the combined columns."""
    m = idx.metrics[name]
    if not m.is_derived:
        return col(metric_col(name), table)

    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        return exp.paren(metric_tree(idx, ".".join(parts), leaves, table), copy=False)

    return parse_formula(m.formula or "", resolve=resolve).tree
