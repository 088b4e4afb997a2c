"""Pass 8: having (on output metrics), order, limit and offset; then the column list.

Having conditions and explicit orders name output columns (quoted identifiers; sqlglot escapes
them). Without an explicit order, rows are ordered by the dimensions, ascending, NULLs last, so
every engine returns the same order.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from shuzhi.compile.build_groups import condition, metric_type
from shuzhi.compile.context import ident
from shuzhi.spec.resolve import RBool, RCond, ResolvedQuery, RFilter


def _having(f: RFilter) -> exp.Expression:
    if isinstance(f, RBool):
        parts = [_having(x) for x in f.items]
        if f.kind == "not":
            return exp.not_(exp.paren(parts[0]))
        return exp.paren(exp.and_(*parts) if f.kind == "and" else exp.or_(*parts))
    assert isinstance(f, RCond)
    return condition(exp.Column(this=ident(f.field), table=ident("q")), f.op, f.values)


def finalize(rq: ResolvedQuery, sel: exp.Select) -> exp.Select:
    if not (rq.having or rq.order_by or rq.limit is not None or rq.offset is not None or rq.dims):
        return sel
    ctes = sel.args.get("with_")
    sel.set("with_", None)
    q = exp.select(*[exp.Column(this=ident(a), table=ident("q")) for a in rq.aliases]).from_(
        exp.alias_(exp.Subquery(this=sel), ident("q"), table=True), copy=False)
    if ctes is not None:
        q.set("with_", ctes)
    if rq.having:
        q = q.where(exp.and_(*[_having(h) for h in rq.having]), copy=False)
    order = rq.order_by or [(d.alias, False) for d in rq.dims]
    if order:
        q = q.order_by(*[
            exp.Ordered(this=exp.Column(this=ident(a), table=ident("q")), desc=desc, nulls_first=False)
            for a, desc in order
        ], copy=False)
    if rq.limit is not None:
        q = q.limit(rq.limit, copy=False)
    if rq.offset:
        q = q.offset(rq.offset, copy=False)
    return q


def output_columns(rq: ResolvedQuery) -> list[dict[str, Any]]:
    idx = rq.index
    cols: list[dict[str, Any]] = []
    for d in rq.dims:
        if d.is_time_axis or d.grain:
            t = "date"
        elif d.shared:
            t = {"integer": "integer", "number": "number", "boolean": "boolean"}.get(
                idx.fields[idx.shared[d.shared][0]].type, "string")
        else:
            t = {"integer": "integer", "number": "number", "boolean": "boolean", "date": "date",
                 "timestamp": "timestamp"}.get(idx.fields[(d.dataset, d.field)].type, "string")  # type: ignore[index]
        cols.append({"name": d.alias, "type": t, "label": d.label or d.alias, "role": "dimension"})
    for o in rq.outputs:
        m = idx.metrics[o.metric]
        if o.compute == "rank":
            t, fmt = "integer", "integer"
        elif o.compute in ("yoy", "pop", "percent_of_total"):
            t, fmt = "number", "percent"
        elif o.compute in ("yoy_value", "pop_value", "cumulative"):
            t, fmt = "number", m.format
        else:
            t, fmt = metric_type(idx, m), m.format
        label = o.label or _compute_label(m.label, o.compute)
        # An ad-hoc item's hidden metric is no model metric: its column names none.
        cols.append({"name": o.alias, "type": t, "label": label, "role": "metric", "metric": None if o.adhoc else o.metric,
                     "compute": o.compute, "format": fmt, "unit": m.unit if fmt != "percent" else "%"})
    return cols


_COMPUTE_LABELS = {"yoy": "同比", "yoy_value": "同比增量", "pop": "环比", "pop_value": "环比增量",
                   "percent_of_total": "占比", "cumulative": "累计", "rank": "排名"}


def _compute_label(label: str, compute: str | None) -> str:
    return label if compute is None else f"{label}{_COMPUTE_LABELS[compute]}"
