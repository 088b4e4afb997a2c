"""Pass 5: one SELECT per group: dimensions, aggregated metrics, joins, filters, GROUP BY.

Metric filters that all metrics of a group share go to WHERE; otherwise each metric aggregates
CASE WHEN filter THEN value END. Outputs are cast so every engine returns the same types: counts
and integer sums BIGINT, everything else DOUBLE (dates stay dates). Semi-additive metrics:
- last: the value at the latest date of each period (window MAX over the period's time dims);
- average: the average, over the period's dates, of the per-date totals.
"""

from __future__ import annotations

import datetime as dt

from sqlglot import exp

from shuzhi.compile.apply_security import rule_tree
from shuzhi.compile.context import (
    CoreState,
    GroupPlan,
    col,
    dataset_subquery,
    dim_col,
    ident,
    literal,
    metric_col,
)
from shuzhi.compile.fields import as_date, field_expr, formula_expr, shift_forward, time_grain, unsupported
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import MetricDef
from shuzhi.spec.resolve import RBool, RCond, RDim, RFilter

SAFE_TYPES = {"integer": "BIGINT"}


def build_groups(st: CoreState) -> CoreState:
    for g in st.groups:
        g.select = _build(st, g)
    return st


def _aliased_source(idx: ModelIndex, dataset: str, alias: str) -> exp.Expression:
    """The dataset's table (schema.table allowed) or its SQL as a subquery, under `alias`."""
    ds = idx.datasets[dataset]
    if ds.table:
        parts = ds.table.split(".")
        src: exp.Expression = exp.Table(this=ident(parts[-1]), db=ident(parts[-2]) if len(parts) > 1 else None)
    else:
        src = dataset_subquery(ds.sql or "")  # checked again: models stored before the guard
    return exp.alias_(src, ident(alias), table=True)


def dim_expr(st: CoreState, g: GroupPlan, d: RDim) -> exp.Expression:
    idx = st.rq.index
    if d.shared:
        key = g.shared_keys[d.shared]
    elif d.is_time_axis:
        key = (g.dataset, g.time_field)
    else:
        key = (d.dataset, d.field)
    e = field_expr(idx, key, g.aliases)  # type: ignore[arg-type]
    if st.shift is not None and idx.fields[key].is_time:  # type: ignore[index]
        e = shift_forward(e, st.shift.kind, st.shift.grain or "day")
    if d.grain:
        return time_grain(e, d.grain, st.dialect)
    return e


def cond_tree(st: CoreState, g: GroupPlan, f: RFilter) -> exp.Expression:
    idx = st.rq.index
    if isinstance(f, RBool):
        parts = [cond_tree(st, g, x) for x in f.items]
        if f.kind == "not":
            return exp.not_(exp.paren(parts[0]))
        return exp.paren(exp.and_(*parts) if f.kind == "and" else exp.or_(*parts))
    assert isinstance(f, RCond)
    key = g.shared_keys[f.field] if f.shared else (f.dataset, f.field)
    e = field_expr(idx, key, g.aliases)  # type: ignore[arg-type]
    return condition(e, f.op, f.values)


def condition(e: exp.Expression, op: str, values: tuple) -> exp.Expression:
    lits = [literal(v) for v in values]
    if op == "=":
        return exp.EQ(this=e, expression=lits[0])
    if op == "!=":
        return exp.NEQ(this=e, expression=lits[0])
    if op in (">", ">=", "<", "<="):
        cls = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}[op]
        return cls(this=e, expression=lits[0])
    if op == "in":
        return exp.In(this=e, expressions=lits)
    if op == "not_in":
        return exp.not_(exp.In(this=e, expressions=lits))
    if op == "between":
        return exp.Between(this=e, low=lits[0], high=lits[1])
    if op == "is_null":
        return exp.Is(this=e, expression=exp.Null())
    if op == "not_null":
        return exp.not_(exp.Is(this=e, expression=exp.Null()))
    if op == "contains":
        return exp.GT(this=exp.StrPosition(this=e, substr=lits[0]), expression=exp.Literal.number(0))
    if op == "starts_with":
        n = len(str(values[0]))
        sub = exp.Substring(this=e, start=exp.Literal.number(1), length=exp.Literal.number(n))
        return exp.EQ(this=sub, expression=lits[0])
    raise AssertionError(op)


def _filters(st: CoreState, g: GroupPlan) -> list[exp.Expression]:
    idx = st.rq.index
    out = []
    for f in g.filters:
        if isinstance(f, tuple) and f[0] == "rule":
            out.append(rule_tree(idx, f[1], st.rq.user.attributes, g.aliases))
        elif isinstance(f, tuple) and f[0] == "range":
            _, ds, field, start, end = f
            e = field_expr(idx, (ds, field), g.aliases)
            if start is None and end is None:
                out.append(exp.not_(exp.Is(this=e.copy(), expression=exp.Null())))
            if start is not None:
                out.append(exp.GTE(this=e.copy(), expression=literal(start)))
            if end is not None:
                if idx.fields[(ds, field)].type == "timestamp":
                    out.append(exp.LT(this=e.copy(), expression=literal(end + dt.timedelta(days=1))))
                else:
                    out.append(exp.LTE(this=e.copy(), expression=literal(end)))
        else:
            out.append(cond_tree(st, g, f))
    return out


def metric_type(idx: ModelIndex, m: MetricDef) -> str:
    """'integer', 'number' or 'date' — the output type of a metric on every engine."""
    if m.is_derived:
        return "number"
    if m.agg in ("count", "count_distinct"):
        return "integer"
    if m.expr and m.dataset and (m.dataset, m.expr.strip()) in idx.fields and m.agg in ("sum", "min", "max"):
        t = idx.fields[(m.dataset, m.expr.strip())].type
        if t in ("date", "timestamp") and m.agg in ("min", "max"):
            return t
        if t == "integer":
            return "integer"
    return "number"


def _cast(e: exp.Expression, mtype: str) -> exp.Expression:
    if mtype == "integer":
        return exp.cast(e, "BIGINT")
    if mtype == "number":
        return exp.cast(e, "DOUBLE")
    return e


def _agg(m: MetricDef, value: exp.Expression | None, cond: exp.Expression | None, dialect: str) -> exp.Expression:
    def gated(v: exp.Expression) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=cond, true=v)]) if cond is not None else v

    if m.agg == "count":
        if value is None and cond is None:
            return exp.Count(this=exp.Star())
        return exp.Count(this=gated(value if value is not None else exp.Literal.number(1)))
    assert value is not None
    if m.agg == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[gated(value)]))
    if m.agg == "median":
        if dialect == "mysql":
            raise unsupported("median", dialect)
        return exp.Median(this=gated(value))
    cls = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[m.agg or "sum"]
    return cls(this=gated(value))


def _join_all(st: CoreState, g: GroupPlan, sel: exp.Select) -> exp.Select:
    idx = st.rq.index
    for step in g.joins:
        ra = g.aliases[step.right]
        on = exp.and_(*[
            exp.EQ(this=field_expr(idx, (step.left, lf), g.aliases), expression=field_expr(idx, (step.right, rf), g.aliases))
            for lf, rf in zip(step.left_fields, step.right_fields, strict=True)
        ])
        sel = sel.join(_aliased_source(idx, step.right, ra), on=on, join_type="left", copy=False)
    return sel


def _build(st: CoreState, g: GroupPlan) -> exp.Select:
    idx = st.rq.index
    metrics = [idx.metrics[m] for m in g.metrics]
    dims = [dim_expr(st, g, d) for d in st.rq.dims]
    where = _filters(st, g)
    filters = {m.filter for m in metrics}
    push = len(filters) == 1
    if push and metrics[0].filter:
        where.append(formula_expr(idx, g.dataset, metrics[0].filter, g.aliases))

    def value_of(m: MetricDef) -> exp.Expression | None:
        return formula_expr(idx, g.dataset, m.expr, g.aliases) if m.expr else None

    def cond_of(m: MetricDef) -> exp.Expression | None:
        return None if push or not m.filter else formula_expr(idx, g.dataset, m.filter, g.aliases)

    base = exp.select().from_(_aliased_source(idx, g.dataset, "t0"), copy=False)
    base = _join_all(st, g, base)
    if where:
        base = base.where(exp.and_(*where), copy=False)

    if g.semi is None:
        sel = base.select(*[exp.alias_(d, dim_col(i)) for i, d in enumerate(dims)], append=True, copy=False)
        sel = sel.select(*[
            exp.alias_(_cast(_agg(m, value_of(m), cond_of(m), st.dialect), metric_type(idx, m)),
                       metric_col(m.name))
            for m in metrics
        ], append=True, copy=False)
        if dims:
            sel = sel.group_by(*[d.copy() for d in dims], copy=False)
        return sel

    m = metrics[0]
    t = field_expr(idx, (g.dataset, g.time_field), g.aliases)  # type: ignore[arg-type]
    value = value_of(m) or exp.Literal.number(1)
    dcols = [col(dim_col(i), "s") for i in range(len(dims))]
    if g.semi == "last":
        period = [dims[i].copy() for i, d in enumerate(st.rq.dims) if _on_time(st, g, d)]
        window = exp.Window(this=exp.Max(this=t.copy()), partition_by=period or None)
        inner = base.select(*[exp.alias_(d, dim_col(i)) for i, d in enumerate(dims)],
                            exp.alias_(value, "v"), exp.alias_(as_date(t), "_t"),
                            exp.alias_(as_date(window), "_tmax"), append=True, copy=False)
        last = exp.Case(ifs=[exp.If(this=exp.EQ(this=col("_t", "s"), expression=col("_tmax", "s")),
                                    true=col("v", "s"))])
        agg = _agg(m, last, None, st.dialect)
        outer = exp.select(*[exp.alias_(c, dim_col(i)) for i, c in enumerate(dcols)],
                           exp.alias_(_cast(agg, metric_type(idx, m)), metric_col(m.name)))
    else:  # average of per-date totals
        inner = base.select(*[exp.alias_(d, dim_col(i)) for i, d in enumerate(dims)],
                            exp.alias_(as_date(t.copy()), "_t"),
                            exp.alias_(_agg(m, value, None, st.dialect), "v"), append=True, copy=False)
        inner = inner.group_by(*[d.copy() for d in dims], t.copy(), copy=False)
        outer = exp.select(*[exp.alias_(c, dim_col(i)) for i, c in enumerate(dcols)],
                           exp.alias_(_cast(exp.Avg(this=col("v", "s")), "number"), metric_col(m.name)))
    outer = outer.from_(exp.alias_(exp.Subquery(this=inner), ident("s"), table=True), copy=False)
    if dims:
        outer = outer.group_by(*[c.copy() for c in dcols], copy=False)
    return outer


def _on_time(st: CoreState, g: GroupPlan, d: RDim) -> bool:
    return d.grain is not None and (d.is_time_axis or (d.dataset, d.field) == (g.dataset, g.time_field))
