"""A dashboard definition checked against a semantic model (pure: no catalog, no engine).

    parse_definition(data, source)          the shape, every problem in one bilingual error
    check_against_model(d, index, today)     every spec resolves on the model, every filter's field exists
    hierarchy_levels(index)                  hierarchy name → its levels (drill paths, tree filters)

Invariants
- An error about one component names it (title and id) and carries `component` in its details.
- Specs are resolved as the system (no row or column rules): whether a viewer may see a component's
  data is decided when it is answered (service.dashboards), not when it is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboard_specs import filter_piece, kpi_specs
from shuzhi.model.dashboards import Component, DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.resolve import UserContext, resolve


def parse_definition(data: Any, source: str = "") -> DashboardDef:
    """Validate the shape of a definition (stored versions, demo files): every problem, by component and
    path, in one bilingual ShuzhiError — the same answer as the API's POST/PUT."""
    from shuzhi.model.dashboards import parse_dashboard_def

    return parse_dashboard_def(data, source)


def _in_component(c: Component, err: ShuzhiError) -> ShuzhiError:
    label = c.title or c.id
    return ShuzhiError(err.code, f"组件「{label}」（{c.id}）：{err.zh}", f"Component '{c.title_en or c.id}' "
                       f"({c.id}): {err.en}", 422, details={**err.details, "component": c.id})


def hierarchy_levels(idx: ModelIndex) -> dict[str, list[str]]:
    return {h.name: list(h.levels) for h in idx.model.hierarchies}


def check_against_model(d: DashboardDef, idx: ModelIndex, today: dt.date) -> None:
    """Every spec resolves on the model, and every filter's field (or metric) exists."""
    system = UserContext.system()
    levels = hierarchy_levels(idx)
    for c in d.components:
        try:
            if c.spec is not None:
                specs = [c.spec]
                if c.kind == "kpi" and c.kpi is not None:
                    value, spark = kpi_specs(c.spec, c.kpi)
                    specs = [value] + ([spark] if spark else [])
                for s in specs:
                    resolve(parse_spec(s), idx, system, today)
            if c.drill is not None and c.drill not in levels:
                raise _unknown_hierarchy(c.drill, levels)
            if c.filter is not None:
                _check_filter(c, idx, levels, today)
        except ShuzhiError as err:
            raise _in_component(c, err) from None


def _unknown_hierarchy(name: str, levels: dict[str, list[str]]) -> ShuzhiError:
    known = "、".join(levels) or "—"
    return ShuzhiError("unknown_hierarchy", f"模型中没有层级 {name}（可用：{known}）。",
                       f"The model has no hierarchy {name} (known: {', '.join(levels) or '-'}).",
                       details={"hierarchy": name})


def _check_filter(c: Component, idx: ModelIndex, levels: dict[str, list[str]], today: dt.date) -> None:
    f = c.filter
    assert f is not None
    if f.control == "tree":
        if not f.hierarchy or f.hierarchy not in levels:
            raise _unknown_hierarchy(f.hierarchy or "", levels)
        return
    is_metric = f.field in idx.metrics
    if is_metric and f.control != "numeric_range":
        raise ShuzhiError("filter_on_metric", f"指标 {f.field} 只能用数值范围控件筛选。",
                          f"Metric {f.field} can only be filtered with a numeric range control.")
    if f.control == "date_range":
        if f.field != "time":
            ds, name = idx.resolve_field(f.field, dimension_only=True)
            if not idx.fields[(ds, name)].is_time:
                raise ShuzhiError("filter_not_date", f"日期范围控件需要日期字段，{f.field} 不是。",
                                  f"A date range control needs a date field; {f.field} is not one.")
    elif not is_metric and f.field not in idx.shared:
        idx.resolve_field(f.field, dimension_only=True)
    if f.default is not None:
        try:
            piece = filter_piece(f, f.default, levels=levels.get(f.hierarchy or ""), is_metric=is_metric)
        except ValueError as exc:
            raise ShuzhiError("filter_default_invalid", f"筛选器默认值有误：{exc}",
                              f"The filter's default value is invalid: {exc}") from None
        if piece and "time_range" in piece:
            probe = {"metrics": [], "dimensions": ["time"] if f.field == "time" else [f.field],
                     "time_range": piece["time_range"]}
            if f.field == "time":
                probe = {"metrics": [next(iter(idx.metrics))], "time_range": piece["time_range"]}
            resolve(parse_spec(probe), idx, UserContext.system(), today)
