"""Pass 7: computes over the core result — yoy, yoy_value, pop, pop_value, percent_of_total,
cumulative, rank.

yoy/pop read a second core compiled with time shifted back (the range) and period labels moved
forward (so last year's March is labelled this March), LEFT JOINed on every dimension with null-safe
equality: a period with no earlier row gets NULL, never zero or an error, and a range that starts
mid-year still reads the earlier period outside the range.

Windows: percent_of_total and rank partition by the time dimension when the query has one and other
dimensions too (share and rank within each period); otherwise they span the whole result. cumulative
is a running total along the time dimension per series; without a time dimension it runs from the
largest member down (a Pareto curve).
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from sqlglot import exp

from shuzhi.compile.context import Shift, col, dim_col, ident, metric_col
from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import ResolvedQuery
from shuzhi.spec.time_ranges import previous_range, year_before

SHIFTED = {"yoy": "yoy", "yoy_value": "yoy", "pop": "pop", "pop_value": "pop"}
_GRAIN_STEP = {"day": relativedelta(days=1), "week": relativedelta(days=7), "month": relativedelta(months=1),
               "quarter": relativedelta(months=3), "year": relativedelta(years=1)}


def comparison_grain(rq: ResolvedQuery) -> str | None:
    for d in rq.dims:
        if d.grain:
            return d.grain
    return None


def make_shift(rq: ResolvedQuery, kind: str) -> Shift:
    grain = comparison_grain(rq)
    tr = rq.time_range
    start, end = (tr.start, tr.end) if tr else (None, None)
    if grain is None and (start is None or end is None):
        raise ShuzhiError(
            "comparison_needs_time",
            f"{kind} 需要一个带粒度的时间维度，或一个有起止日期的时间范围。",
            f"{kind} needs a time dimension with a grain, or a time_range with a start and an end.",
        )
    if kind == "yoy":
        if grain == "week":
            step = relativedelta(days=364)
            s, e = (start - step if start else None), (end - step if end else None)
        else:
            s, e = (year_before(start, end) if start and end else
                    (start - relativedelta(years=1) if start else None, end - relativedelta(years=1) if end else None))
    elif grain is not None:
        step = _GRAIN_STEP[grain]
        s, e = (start - step if start else None), (end - step if end else None)
    else:
        assert start is not None and end is not None
        s, e = previous_range(start, end)
    return Shift(kind, grain, s, e)


def _nse(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.NullSafeEQ(this=a, expression=b)


def final_select(rq: ResolvedQuery, cur: exp.Select, prevs: dict[str, exp.Select]) -> exp.Select:
    ndims = len(rq.dims)
    time_idx = next((i for i, d in enumerate(rq.dims) if d.grain), None)
    others = [i for i in range(ndims) if i != time_idx]
    partition_time = [col(dim_col(time_idx), "cur")] if time_idx is not None and others else []

    cols: list[exp.Expression] = [exp.alias_(col(dim_col(i), "cur"), ident(d.alias)) for i, d in enumerate(rq.dims)]
    for o in rq.outputs:
        cur_v = col(metric_col(o.metric), "cur")
        if o.compute is None:
            e: exp.Expression = cur_v
        elif o.compute in SHIFTED:
            prev_v = col(metric_col(o.metric), f"prev_{SHIFTED[o.compute]}")
            if o.compute.endswith("_value"):
                e = exp.cast(exp.Sub(this=cur_v, expression=prev_v), "DOUBLE")
            else:
                ratio = exp.Div(this=exp.cast(cur_v, "DOUBLE"),
                                expression=exp.Nullif(this=prev_v, expression=exp.Literal.number(0)))
                e = exp.Sub(this=ratio, expression=exp.Literal.number(1))
        elif o.compute == "percent_of_total":
            total = exp.Window(this=exp.Sum(this=cur_v.copy()), partition_by=partition_time or None)
            e = exp.Div(this=exp.cast(cur_v, "DOUBLE"),
                        expression=exp.Nullif(this=total, expression=exp.Literal.number(0)))
        elif o.compute == "cumulative":
            spec = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
            if time_idx is not None:  # running total along time, per series
                part = [col(dim_col(i), "cur") for i in others]
                keys = [exp.Ordered(this=col(dim_col(time_idx), "cur"))]
            else:  # Pareto: running total from the largest member down
                part = []
                keys = [exp.Ordered(this=cur_v.copy(), desc=True, nulls_first=False),
                        *[exp.Ordered(this=col(dim_col(i), "cur")) for i in range(ndims)]]
            e = exp.cast(exp.Window(this=exp.Sum(this=cur_v), partition_by=part or None,
                                    order=exp.Order(expressions=keys), spec=spec), "DOUBLE")
        elif o.compute == "rank":
            order = exp.Order(expressions=[exp.Ordered(this=cur_v, desc=True, nulls_first=False)])
            e = exp.cast(exp.Window(this=exp.Anonymous(this="RANK"), partition_by=partition_time or None,
                                    order=order), "BIGINT")
        else:  # pragma: no cover - the spec validates computes
            raise AssertionError(o.compute)
        cols.append(exp.alias_(e, ident(o.alias)))
    sel = exp.select(*cols).from_(exp.alias_(exp.Table(this=ident("cur")), ident("cur"), table=True), copy=False)
    for kind in prevs:
        alias = f"prev_{kind}"
        on = exp.and_(*[_nse(col(dim_col(i), "cur"), col(dim_col(i), alias)) for i in range(ndims)]) if ndims \
            else exp.true()
        sel = sel.join(exp.alias_(exp.Table(this=ident(alias)), ident(alias), table=True), on=on, join_type="left", copy=False)
    sel = sel.with_("cur", as_=cur, copy=False)
    for kind, prev in prevs.items():
        sel = sel.with_(f"prev_{kind}", as_=prev, copy=False)
    return sel
