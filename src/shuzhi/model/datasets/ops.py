"""One planner per step kind: check the step against its input columns and decide its output columns.

Each planner fills plan.output (and plan.other / plan.extra where the compiler needs a decision);
see flow.py for the invariants. Planners never build SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shuzhi.model.datasets import steps as S
from shuzhi.model.datasets.flow import (
    NUMERIC,
    TEMPORAL,
    Column,
    ColumnsOf,
    StepPlan,
    _Ctx,
    _type_name,
    infer_type,
    lookup,
    parse_step_formula,
    unify,
    value_fits,
)


def _select(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.SelectStep = ctx.step
    if st.fields:
        plan.output = [ctx.col(n) for n in st.fields]
    else:
        drop = {ctx.col(n).name for n in st.exclude}
        plan.output = [c for c in ctx.cols if c.name not in drop]


def _filter(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.FilterStep = ctx.step
    if st.formula:
        parse_step_formula(ctx, st.formula, "filter")
    for i, cond in enumerate(st.conditions):
        c = ctx.col(cond.field)
        values = cond.values if cond.values is not None else ([cond.value] if cond.value is not None else [])
        if cond.op in ("contains", "starts_with", "ends_with") and c.type != "string":
            raise ctx.fail("dataset_type_mismatch", f"条件 {i + 1}：{cond.op} 只能用于文本字段，{c.name} 是{_type_name(c.type)[0]}。",
                           f"condition {i + 1}: {cond.op} needs a text column; {c.name} is {c.type}.", column=c.name)
        if c.type == "boolean" and cond.op in (">", ">=", "<", "<=", "between"):
            raise ctx.fail("dataset_type_mismatch", f"条件 {i + 1}：布尔字段 {c.name} 不能比较大小。",
                           f"condition {i + 1}: the boolean column {c.name} cannot be compared with {cond.op}.",
                           column=c.name)
        for v in values:
            if not value_fits(v, c.type):
                raise ctx.fail("dataset_value_type", f"条件 {i + 1}：值 {v!r} 与字段 {c.name}（{_type_name(c.type)[0]}）的类型不符。",
                               f"condition {i + 1}: the value {v!r} does not fit the {c.type} column {c.name}.",
                               column=c.name)
    plan.output = list(ctx.cols)


def _calculate(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.CalculateStep = ctx.step
    tree = parse_step_formula(ctx, st.formula, "field")
    inferred = infer_type(tree)
    if st.type is None and inferred is None:
        raise ctx.fail("dataset_type_unknown", f"无法推断计算列 {st.name} 的类型，请指定 type（string、integer、number、"
                       "boolean、date、timestamp）。", f"cannot tell the type of the calculated column {st.name}; set "
                       "type (string, integer, number, boolean, date, timestamp).", column=st.name)
    ftype = st.type or inferred
    assert ftype is not None
    plan.extra = {"type": ftype, "explicit": st.type is not None}
    new = Column(st.name, ftype, st.label)
    old = lookup(ctx.cols, st.name)
    plan.output = [new if c is old else c for c in ctx.cols] if old else [*ctx.cols, new]


def _agg_type(ctx: _Ctx, agg: str, c: Column | None, what: str) -> str:
    if agg in ("count", "count_distinct"):
        return "integer"
    assert c is not None
    if agg in ("sum", "avg", "median") and c.type not in NUMERIC:
        raise ctx.fail("dataset_type_mismatch", f"{what}：{agg} 只能用于数值字段，{c.name} 是{_type_name(c.type)[0]}。",
                       f"{what}: {agg} needs a numeric column; {c.name} is {c.type}.", column=c.name)
    if agg == "sum":
        return c.type
    if agg in ("avg", "median"):
        return "number"
    return c.type  # min, max


def _aggregate(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.AggregateStep = ctx.step
    groups = [ctx.col(n) for n in st.group_by]
    out = list(groups)
    for a in st.aggregates:
        c = ctx.col(a.field) if a.field else None
        out.append(Column(a.name, _agg_type(ctx, a.agg, c, a.name), a.label))
    plan.output = out


def _compatible(a: str, b: str) -> bool:
    return a == b or (a in NUMERIC and b in NUMERIC) or (a in TEMPORAL and b in TEMPORAL)


def _source_cols(ctx: _Ctx, ref: S.SourceRef, columns_of: ColumnsOf) -> list[Column]:
    return list(columns_of(ref))


def _join(ctx: _Ctx, plan: StepPlan, columns_of: ColumnsOf) -> None:
    st: S.JoinStep = ctx.step
    other = _source_cols(ctx, st.with_, columns_of)
    side = st.with_.describe()
    keys = []
    for key in st.on:
        lc = ctx.col(key.left)
        rc = ctx.col(key.right, other, (f"{side[0]} ", f"{side[1]} has "))
        if not _compatible(lc.type, rc.type):
            raise ctx.fail("dataset_type_mismatch", f"关联字段 {lc.name}（{_type_name(lc.type)[0]}）与 {rc.name}"
                           f"（{_type_name(rc.type)[0]}）类型不一致，请先修改类型。",
                           f"the join keys {lc.name} ({lc.type}) and {rc.name} ({rc.type}) have different types; "
                           "retype one first.", column=lc.name)
        keys.append((lc, rc))
    same_named = {rc.name for lc, rc in keys if lc.name.casefold() == rc.name.casefold()}
    suffix = "_" + (st.with_.table or st.with_.dataset or "")
    taken = {c.name.casefold() for c in ctx.cols}
    brought: list[tuple[Column, str]] = []  # (the other side's column, output name)
    if st.fields is None:
        for c in other:
            if c.name in same_named:
                continue
            name = c.name if c.name.casefold() not in taken else c.name + suffix
            brought.append((c, name))
            taken.add(name.casefold())
    else:
        for f in st.fields:
            c = ctx.col(f.name, other, (f"{side[0]} ", f"{side[1]} has "))
            brought.append((c, f.as_ or c.name))
    # A right or full join keeps the key values of unmatched right rows in same-named left keys.
    coalesce = [(lc.name, rc.name) for lc, rc in keys if rc.name in same_named and st.how in ("right", "full")]
    plan.other = other
    plan.extra = {"brought": [(c.name, name) for c, name in brought], "coalesce": coalesce,
                  "keys": [(lc.name, rc.name) for lc, rc in keys]}
    out = list(ctx.cols)
    for lname, _ in coalesce:
        i = next(i for i, c in enumerate(out) if c.name == lname)
        rtype = next(rc.type for lc, rc in keys if lc.name == lname)
        out[i] = Column(lname, unify([out[i].type, rtype]) or out[i].type, out[i].label)
    plan.output = out + [Column(name, c.type, c.label if name == c.name else None) for c, name in brought]


def _union(ctx: _Ctx, plan: StepPlan, columns_of: ColumnsOf) -> None:
    st: S.UnionStep = ctx.step
    other = _source_cols(ctx, st.with_, columns_of)
    side = st.with_.describe()
    mapping: list[tuple[str, str | None]] = []  # (output column, the other side's column or None)
    out = []
    for c in ctx.cols:
        oc = lookup(other, c.name)
        if oc is None:
            if not st.fill_missing:
                raise ctx.fail("dataset_union_missing", f"{side[0]}没有字段 {c.name}；可设置 fill_missing: true 用空值补齐，"
                               "或先选择字段、重命名。", f"{side[1]} has no column {c.name}; set fill_missing: true to "
                               "fill it with NULL, or select / rename columns first.", column=c.name)
            mapping.append((c.name, None))
            out.append(c)
            continue
        t = unify([c.type, oc.type])
        if t is None:
            raise ctx.fail("dataset_type_mismatch", f"字段 {c.name} 在两边的类型不同（{_type_name(c.type)[0]} 与 "
                           f"{_type_name(oc.type)[0]}），请先修改类型。", f"the column {c.name} has different types "
                           f"on the two sides ({c.type} and {oc.type}); retype one first.", column=c.name)
        mapping.append((c.name, oc.name))
        out.append(Column(c.name, t, c.label))
    plan.other = other
    plan.extra = {"mapping": mapping}
    plan.output = out


def _sort(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.SortStep = ctx.step
    for key in st.by:
        ctx.col(key.field)
    plan.output = list(ctx.cols)


def _rename(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.RenameStep = ctx.step
    new_names = {ctx.col(old).name: new for old, new in st.columns.items()}
    out = [Column(new_names.get(c.name, c.name), c.type, c.label) for c in ctx.cols]
    for name, label in st.labels.items():
        c = ctx.col(name, out)
        out = [Column(x.name, x.type, label) if x is c else x for x in out]
    plan.extra = {"renames": new_names}
    plan.output = out


def _retype(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.RetypeStep = ctx.step
    types = {ctx.col(n).name: t for n, t in st.columns.items()}
    plan.extra = {"types": types}
    plan.output = [Column(c.name, types.get(c.name, c.type), c.label) for c in ctx.cols]


def pivot_name(v: S.PivotValue) -> str:
    if v.name:
        return v.name
    if isinstance(v.value, bool):
        return "true" if v.value else "false"
    if hasattr(v.value, "isoformat"):
        return v.value.isoformat()  # type: ignore[union-attr]
    return str(v.value)


def _pivot(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.PivotStep = ctx.step
    index = [ctx.col(n) for n in st.index]
    pc = ctx.col(st.column)
    if st.values is None:
        raise ctx.fail("dataset_pivot_values", f"请列出 {pc.name} 要转成列的取值（保存时会自动从数据中读取）。",
                       f"list the values of {pc.name} that become columns (saving fills them from the data).")
    fc = ctx.col(st.field) if st.field else None
    vtype = _agg_type(ctx, st.agg, fc, st.field or "count")
    names = []
    for v in st.values:
        if not value_fits(v.value, pc.type):
            raise ctx.fail("dataset_value_type", f"取值 {v.value!r} 与字段 {pc.name}（{_type_name(pc.type)[0]}）的类型不符。",
                           f"the value {v.value!r} does not fit the {pc.type} column {pc.name}.", column=pc.name)
        name = pivot_name(v)
        try:
            S.check_column_name(name)
        except ValueError:
            _bad_name(ctx, name)
        names.append(name)
    plan.extra = {"names": names}
    plan.output = index + [Column(n, vtype) for n in names]


def _bad_name(ctx: _Ctx, name: str) -> None:
    raise ctx.fail("dataset_bad_column_name", f"取值 {name!r} 不能直接作列名，请为它指定 name。",
                   f"the value {name!r} cannot be a column name as is; give it a name.")


def _unpivot(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.UnpivotStep = ctx.step
    cols = [ctx.col(n) for n in st.columns]
    chosen = {c.name for c in cols}
    vtype = unify([c.type for c in cols])
    if vtype is None:
        kinds = "、".join(sorted({_type_name(c.type)[0] for c in cols}))
        raise ctx.fail("dataset_type_mismatch", f"要转成行的字段类型不一致（{kinds}），请先修改类型。",
                       f"the columns to unpivot have different types ({', '.join(sorted({c.type for c in cols}))}); "
                       "retype them first.")
    keep = [c for c in ctx.cols if c.name not in chosen]
    plan.extra = {"columns": [c.name for c in cols], "type": vtype}
    plan.output = keep + [Column(st.name_column, "string"), Column(st.value_column, vtype)]


def _deduplicate(ctx: _Ctx, plan: StepPlan, _: ColumnsOf) -> None:
    st: S.DeduplicateStep = ctx.step
    for n in st.fields:
        ctx.col(n)
    for key in st.order_by:
        ctx.col(key.field)
    plan.output = list(ctx.cols)


PLANNERS: dict[str, Callable[[_Ctx, StepPlan, ColumnsOf], Any]] = {
    "select": _select, "filter": _filter, "calculate": _calculate, "aggregate": _aggregate, "join": _join,
    "union": _union, "sort": _sort, "rename": _rename, "retype": _retype, "pivot": _pivot, "unpivot": _unpivot,
    "deduplicate": _deduplicate,
}
