"""Self-service dataset steps → one sqlglot statement: a CTE chain, one CTE per step.

    tree = compile_dataset(plan, relation_of, upto=3, limit=100)
    tree.sql("duckdb")   # WITH s0 AS (SELECT ... FROM "sales_orders"), s1 AS (...), ... SELECT * FROM s3

Invariants
- Pure: the plan (shuzhi.model.datasets.flow) has already checked names and decided every output
  name and type; each function below only builds the tree for one step kind.
- s0 selects the source's planned columns explicitly; step k is CTE s<k> and reads only s<k-1> (and,
  for join / union, the other source, as a table or as a CTE o<k> holding a dataset's own query).
- Every identifier is an exp.Identifier(quoted=True) made from the name; every user value is an
  exp.Literal / exp.Boolean / typed CAST of a literal. No SQL text is formatted from user input.
- Computed columns (calculate, aggregate, pivot, union, unpivot) are CAST to the planned type, so the
  static schema is exactly what the engine returns. retype uses TRY_CAST (bad values become NULL).
- Order: a sort step's order is re-applied by the final SELECT as long as the later steps keep row
  order (filter, select, calculate, rename, retype); a later aggregate / join / union / pivot /
  unpivot / deduplicate ends it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from shuzhi.compile.context import render
from shuzhi.model.datasets import steps as S
from shuzhi.model.datasets.flow import SQL_TYPES, DatasetPlan, StepPlan, _Ctx, parse_step_formula


def render_for(tree: exp.Expression, dialect: str) -> str:
    """A dataset's query as SQL of `dialect` (a direct-mode model's database): sqlglot translates
    DuckDB functions it knows (TRY_CAST, STRFTIME, …); what the target lacks is refused with a
    bilingual 400 sql_unsupported_dialect (compile.context.render)."""
    return render(tree, dialect)


RelationOf = Callable[[S.SourceRef], exp.Expression]  # exp.Table, or an exp.Query (a dataset's own SQL)


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _dtype(ftype: str) -> exp.DataType:
    return exp.DataType.build(SQL_TYPES[ftype])


def cast(e: exp.Expression, ftype: str) -> exp.Expression:
    target = _dtype(ftype)
    return e if type(e) is exp.Cast and e.to == target else exp.Cast(this=e, to=target)


def alias(e: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=e, alias=ident(name))


def literal(value: Any, ftype: str) -> exp.Expression:
    """A user value as a literal of the column's type (never SQL text)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(repr(value) if isinstance(value, float) else str(value))
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    lit = exp.Literal.string(str(value))
    return cast(lit, ftype) if ftype in ("date", "timestamp") else lit


def _from(select: exp.Select, prev: str, table_alias: str | None = None) -> exp.Select:
    rel = exp.Table(this=exp.to_identifier(prev), alias=exp.TableAlias(this=exp.to_identifier(table_alias))
                    if table_alias else None)
    return select.from_(rel, copy=False)


def _star() -> exp.Select:
    return exp.select(exp.Star())


# -- one function per step kind ----------------------------------------------------------------------
def _select(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    return _from(exp.select(*[col(c.name) for c in p.output]), prev)


def _condition(cond: S.Condition, ftype: str, name: str) -> exp.Expression:
    c = col(name)
    op = cond.op
    if op == "is_null":
        return exp.Is(this=c, expression=exp.Null())
    if op == "not_null":
        return exp.Not(this=exp.Is(this=c, expression=exp.Null()))
    if op in ("in", "not_in"):
        e = exp.In(this=c, expressions=[literal(v, ftype) for v in cond.values or []])
        return exp.Not(this=e) if op == "not_in" else e
    if op == "between":
        lo, hi = cond.values or [None, None]
        return exp.Between(this=c, low=literal(lo, ftype), high=literal(hi, ftype))
    v = literal(cond.value, ftype)
    if op == "contains":
        return exp.GT(this=exp.StrPosition(this=c, substr=v), expression=exp.Literal.number(0))
    if op == "starts_with":
        return exp.StartsWith(this=c, expression=v)
    if op == "ends_with":
        return exp.Anonymous(this="ENDS_WITH", expressions=[c, v])
    cls = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}[op]
    return cls(this=c, expression=v)


def _filter(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.FilterStep = p.step
    ctx = _Ctx(p.index, st, p.input)
    if st.formula:
        where = exp.paren(parse_step_formula(ctx, st.formula, "filter"), copy=False)
    else:
        parts = [exp.paren(_condition(cd, (c := ctx.col(cd.field)).type, c.name), copy=False)
                 for cd in st.conditions]
        where = exp.and_(*parts, copy=False) if st.match == "all" else exp.or_(*parts, copy=False)
    return _from(_star(), prev).where(where, copy=False)


def _calculate(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.CalculateStep = p.step
    tree = parse_step_formula(_Ctx(p.index, st, p.input), st.formula, "field")
    target = _dtype(p.extra["type"])
    value = exp.TryCast(this=tree, to=target) if p.extra["explicit"] else cast(tree, p.extra["type"])
    new = p.output[[c.name for c in p.output].index(st.name)]
    items = [alias(value, c.name) if c is new else col(c.name) for c in p.output]
    return _from(exp.select(*items), prev)


def aggregate_expr(agg: str, arg: exp.Expression | None) -> exp.Expression:
    if agg == "count":
        return exp.Count(this=arg if arg is not None else exp.Star())
    assert arg is not None
    if agg == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[arg]))
    cls = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max, "median": exp.Median}[agg]
    return cls(this=arg)


def _aggregate(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.AggregateStep = p.step
    ctx = _Ctx(p.index, st, p.input)
    groups = [col(ctx.col(n).name) for n in st.group_by]
    items: list[exp.Expression] = list(groups)
    for a, out in zip(st.aggregates, p.output[len(groups):], strict=True):
        arg = col(ctx.col(a.field).name) if a.field else None
        items.append(alias(cast(aggregate_expr(a.agg, arg), out.type), out.name))
    sel = _from(exp.select(*items), prev)
    return sel.group_by(*[g.copy() for g in groups], copy=False) if groups else sel


def _other_relation(other: exp.Expression | None, name: str) -> exp.Table:
    assert other is not None
    return exp.Table(this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier("r")))


def _join(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.JoinStep = p.step
    coalesce = dict(p.extra["coalesce"])
    items: list[exp.Expression] = []
    for c in p.input:
        if c.name in coalesce:
            items.append(alias(exp.Coalesce(this=col(c.name, "l"), expressions=[col(coalesce[c.name], "r")]), c.name))
        else:
            items.append(col(c.name, "l"))
    items += [alias(col(src, "r"), name) if src != name else col(src, "r") for src, name in p.extra["brought"]]
    on = exp.and_(*[exp.EQ(this=col(lk, "l"), expression=col(rk, "r")) for lk, rk in p.extra["keys"]], copy=False)
    sel = _from(exp.select(*items), prev, "l")
    return sel.join(_other_relation(other, f"o{p.index}"), on=on, join_type=st.how.upper(), copy=False)


def _union(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.UnionStep = p.step
    left, right = [], []
    for c_in, c_out, (_, oname) in zip(p.input, p.output, p.extra["mapping"], strict=True):
        other_type = next((o.type for o in p.other or [] if o.name == oname), None)
        left.append(col(c_in.name) if c_in.type == c_out.type else alias(cast(col(c_in.name), c_out.type), c_in.name))
        if oname is None:
            right.append(alias(cast(exp.Null(), c_out.type), c_out.name))
        elif other_type == c_out.type and oname == c_out.name:
            right.append(col(oname))
        else:
            right.append(alias(cast(col(oname), c_out.type), c_out.name))
    a = _from(exp.select(*left), prev)
    b = exp.select(*right).from_(exp.Table(this=exp.to_identifier(f"o{p.index}")), copy=False)
    return exp.Union(this=a, expression=b, distinct=st.distinct)


def _order(keys: list[S.SortKey], ctx: _Ctx) -> list[exp.Ordered]:
    return [exp.Ordered(this=col(ctx.col(k.field).name), desc=k.desc, nulls_first=False) for k in keys]


def _sort(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.SortStep = p.step
    sel = _from(_star(), prev).order_by(*_order(st.by, _Ctx(p.index, st, p.input)), copy=False)
    return sel.limit(st.limit, copy=False) if st.limit else sel


def _rename(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    renames = p.extra["renames"]
    items = [alias(col(c.name), renames[c.name]) if c.name in renames else col(c.name) for c in p.input]
    return _from(exp.select(*items), prev)


def _retype(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    types = p.extra["types"]
    items = [alias(exp.TryCast(this=col(c.name), to=_dtype(types[c.name])), c.name) if c.name in types else col(c.name)
             for c in p.input]
    return _from(exp.select(*items), prev)


def _pivot(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.PivotStep = p.step
    ctx = _Ctx(p.index, st, p.input)
    pc = ctx.col(st.column)
    index = [col(ctx.col(n).name) for n in st.index]
    items: list[exp.Expression] = list(index)
    for v, out in zip(st.values or [], p.output[len(index):], strict=True):
        match = exp.EQ(this=col(pc.name), expression=literal(v.value, pc.type))
        then = col(ctx.col(st.field).name) if st.field else exp.Literal.number(1)
        case = exp.Case(ifs=[exp.If(this=match, true=then)])
        items.append(alias(cast(aggregate_expr(st.agg, case), out.type), out.name))
    sel = _from(exp.select(*items), prev)
    return sel.group_by(*[g.copy() for g in index], copy=False) if index else sel


def _unpivot(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.UnpivotStep = p.step
    names, vtype = p.extra["columns"], p.extra["type"]
    keep = [c for c in p.input if c.name not in set(names)]
    key = col("name", "u")
    value = exp.Case(this=key.copy(), ifs=[exp.If(this=exp.Literal.string(n), true=cast(col(n, "t"), vtype))
                                           for n in names])
    items = [col(c.name, "t") for c in keep] + [alias(key.copy(), st.name_column), alias(value.copy(), st.value_column)]
    values = exp.Values(expressions=[exp.Tuple(expressions=[exp.Literal.string(n)]) for n in names],
                        alias=exp.TableAlias(this=exp.to_identifier("u"), columns=[exp.to_identifier("name")]))
    sel = _from(exp.select(*items), prev, "t").join(values, join_type="CROSS", copy=False)
    if st.drop_nulls:
        sel = sel.where(exp.Not(this=exp.Is(this=value, expression=exp.Null())), copy=False)
    return sel


def _deduplicate(p: StepPlan, prev: str, other: exp.Expression | None) -> exp.Expression:
    st: S.DeduplicateStep = p.step
    ctx = _Ctx(p.index, st, p.input)
    if not st.fields:
        return _from(_star(), prev).distinct(copy=False)
    window = exp.Window(this=exp.RowNumber(), partition_by=[col(ctx.col(n).name) for n in st.fields],
                        order=exp.Order(expressions=_order(st.order_by, ctx)) if st.order_by else None)
    return _from(_star(), prev).qualify(exp.EQ(this=window, expression=exp.Literal.number(1)), copy=False)


COMPILERS: dict[str, Callable[[StepPlan, str, exp.Expression | None], exp.Expression]] = {
    "select": _select, "filter": _filter, "calculate": _calculate, "aggregate": _aggregate, "join": _join,
    "union": _union, "sort": _sort, "rename": _rename, "retype": _retype, "pivot": _pivot, "unpivot": _unpivot,
    "deduplicate": _deduplicate,
}
_KEEPS_ORDER = ("filter", "select", "calculate", "rename", "retype")


def _final_order(plan: DatasetPlan, upto: int) -> list[S.SortKey]:
    keys: list[S.SortKey] = []
    for p in plan.steps[:upto]:
        st = p.step
        if st.op == "sort":
            keys = list(st.by)
        elif st.op == "rename":
            renames = p.extra["renames"]
            keys = [S.SortKey(field=renames.get(k.field, k.field), desc=k.desc) for k in keys]
        elif st.op not in _KEEPS_ORDER:
            keys = []
        out = {c.name for c in p.output}
        if st.op == "calculate" and st.name in {k.field for k in keys} or any(k.field not in out for k in keys):
            keys = []
    return keys


def _source_select(plan: DatasetPlan, rel: exp.Expression) -> exp.Select:
    sel = exp.select(*[col(c.name) for c in plan.source])
    if isinstance(rel, exp.Table):
        return sel.from_(rel.copy(), copy=False)
    return sel.from_(exp.Table(this=exp.to_identifier("src")), copy=False)


def compile_dataset(plan: DatasetPlan, relation_of: RelationOf, *, upto: int | None = None,
                    limit: int | None = None) -> exp.Select:
    """The statement giving the rows after step `upto` (default: all steps), optionally limited."""
    n = len(plan.steps) if upto is None else max(0, min(upto, len(plan.steps)))
    ctes: list[tuple[str, exp.Expression]] = []
    src = relation_of(plan.spec.source)
    if not isinstance(src, exp.Table):
        ctes.append(("src", src))
    ctes.append(("s0", _source_select(plan, src)))
    for p in plan.steps[:n]:
        other = None
        if isinstance(p.step, S.JoinStep | S.UnionStep):
            rel = relation_of(p.step.with_)
            body = exp.select(*[col(c.name) for c in p.other or []]).from_(rel.copy(), copy=False) \
                if isinstance(rel, exp.Table) else rel
            ctes.append((f"o{p.index}", body))
            other = body
        ctes.append((f"s{p.index}", COMPILERS[p.step.op](p, f"s{p.index - 1}", other)))
    final = exp.select(exp.Star()).from_(exp.Table(this=exp.to_identifier(f"s{n}")), copy=False)
    order = _final_order(plan, n)
    if order:
        final = final.order_by(*[exp.Ordered(this=col(k.field), desc=k.desc, nulls_first=False) for k in order],
                               copy=False)
    if limit is not None:
        final = final.limit(limit, copy=False)
    for name, body in ctes:
        final = final.with_(exp.to_identifier(name), as_=body, copy=False)
    return final


def dataset_sql(plan: DatasetPlan, relation_of: RelationOf, *, upto: int | None = None, limit: int | None = None,
                dialect: str = "duckdb", pretty: bool = False) -> str:
    return compile_dataset(plan, relation_of, upto=upto, limit=limit).sql(dialect, pretty=pretty)
