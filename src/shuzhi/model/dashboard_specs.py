"""What a dashboard component asks for, given the viewer's filter values, cross-filters and drill path.

Pure functions over spec dicts (JSON QuerySpecs); the caller parses and runs them. Nothing here
builds SQL: user values only ever become filter *values* in the spec, which the compiler binds.

- filter_piece(): a filter control's value → a spec fragment: a `where` condition, a `having`
  condition (numeric range on a metric) or a `time_range` (date range). Empty values give None.
- apply_pieces(): adds fragments to a spec (conditions are ANDed with the spec's own; a date range
  replaces the component's own time range, the way a dashboard-wide period should).
- drill_spec(): replaces the hierarchy level a chart groups by with the level below the drill path
  and filters by every value on the path (region 华东 → provinces of 华东 → cities of 江苏省).
- kpi_specs(): the KPI card's value (+ 同比 / 环比) spec and its sparkline spec.
"""

from __future__ import annotations

import copy
from typing import Any

from shuzhi.model.dashboards import ChartConfig, FilterConfig, KpiConfig

Piece = dict[str, Any]  # {"where": cond} | {"having": cond} | {"time_range": tr}


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def filter_piece(flt: FilterConfig, value: Any, *, levels: list[str] | None = None,
                 is_metric: bool = False) -> Piece | None:
    """The spec fragment of one filter control's value (None when nothing is chosen).

    Raises ValueError with an English description when the value has the wrong shape."""
    if _empty(value):
        return None
    c = flt.control
    if c == "date_range":
        if not isinstance(value, dict):
            raise ValueError("a date range is {relative} or {start, end}")
        tr = {k: value[k] for k in ("relative", "start", "end") if not _empty(value.get(k))}
        if not tr:
            return None
        return {"time_range": {"field": flt.field, **tr}}
    if c == "numeric_range":
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("a numeric range is [low, high] (either may be null)")
        lo, hi = value
        for v in (lo, hi):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise ValueError("numeric range bounds are numbers")
        if lo is None and hi is None:
            return None
        if lo is not None and hi is not None:
            cond: dict[str, Any] = {"field": flt.field, "op": "between", "values": [lo, hi]}
        elif lo is not None:
            cond = {"field": flt.field, "op": ">=", "value": lo}
        else:
            cond = {"field": flt.field, "op": "<=", "value": hi}
        return {"having": cond} if is_metric else {"where": cond}
    if c == "tree":
        if not levels:
            raise ValueError("a tree filter needs a hierarchy")
        paths = value if isinstance(value, list) else [value]
        ors = []
        for p in paths:
            p = p if isinstance(p, list) else [p]
            if not p or len(p) > len(levels):
                raise ValueError(f"a tree value is a path of at most {len(levels)} values")
            ands = [{"field": lv, "op": "=", "value": v} for lv, v in zip(levels, p, strict=False)]
            ors.append(ands[0] if len(ands) == 1 else {"and": ands})
        return {"where": ors[0] if len(ors) == 1 else {"or": ors}}
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, list | dict):
            raise ValueError("choose plain values")
    if len(values) == 1:
        return {"where": {"field": flt.field, "op": "=", "value": values[0]}}
    return {"where": {"field": flt.field, "op": "in", "values": values}}


def cross_piece(field: str, value: Any) -> Piece:
    """A clicked chart element (联动): the other components keep only that member."""
    if value is None:
        return {"where": {"field": field, "op": "is_null"}}
    return {"where": {"field": field, "op": "=", "value": value}}


def apply_pieces(spec: dict[str, Any], pieces: list[Piece]) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    for p in pieces:
        if "where" in p:
            out["where"] = [*out.get("where", []), p["where"]]
        elif "having" in p:
            out["having"] = [*out.get("having", []), p["having"]]
        elif "time_range" in p:
            out["time_range"] = p["time_range"]
    return out


def _dim_field(d: Any) -> str:
    return d if isinstance(d, str) else str(d.get("field", ""))


def _dim_name(d: Any) -> str:
    return d if isinstance(d, str) else str(d.get("name") or d.get("field", ""))


def same_field(a: str, b: str) -> bool:
    """'customers.region' and 'region' name the same field when one is the other's bare name."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def hierarchy_of(spec: dict[str, Any], hierarchies: dict[str, list[str]],
                 preferred: str | None = None) -> tuple[str, int, int] | None:
    """(hierarchy, dimension index, level index) of the first grouped dimension on a hierarchy."""
    names = [preferred] if preferred else list(hierarchies)
    for di, d in enumerate(spec.get("dimensions") or []):
        if not isinstance(d, str) and d.get("grain"):
            continue
        for h in names:
            for li, lv in enumerate(hierarchies.get(h or "", [])):
                if same_field(_dim_field(d), lv):
                    return h or "", di, li
    return None


def drill_spec(spec: dict[str, Any], chart: ChartConfig | None, levels: list[str], dim_index: int,
               level_index: int, path: list[Any]) -> tuple[dict[str, Any], ChartConfig | None, int]:
    """Drill `path` (values clicked, top first) below the level a chart groups by.

    Returns the new spec, the chart config with references to the old dimension renamed, and the
    level now shown. A path longer than the levels below stops at the last level."""
    depth = min(len(path), len(levels) - 1 - level_index)
    if depth <= 0:
        return spec, chart, level_index
    out = copy.deepcopy(spec)
    dims = list(out.get("dimensions") or [])
    old = dims[dim_index]
    old_name = _dim_name(old)
    new_field = levels[level_index + depth]
    dims[dim_index] = new_field
    out["dimensions"] = dims
    conds = [{"field": levels[level_index + i], "op": "=", "value": path[i]} if path[i] is not None
             else {"field": levels[level_index + i], "op": "is_null"} for i in range(depth)]
    out["where"] = [*out.get("where", []), *conds]
    out["order_by"] = [{**o, "field": new_field} if o.get("field") == old_name else o
                       for o in out.get("order_by", [])]
    new_chart = chart
    if chart is not None:
        upd: dict[str, Any] = {}
        for key in ("x", "series", "region"):
            if getattr(chart, key) == old_name:
                upd[key] = new_field
        if chart.type == "map" and not new_field.endswith("province"):
            upd["type"] = "bar"  # the China map shows provinces; below them a ranked bar reads best
            upd["horizontal"] = True
            upd["x"] = new_field
        new_chart = chart.model_copy(update=upd)
    return out, new_chart, level_index + depth


def kpi_specs(spec: dict[str, Any], kpi: KpiConfig) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A KPI's value spec (metric + its 同比 / 环比) and its sparkline spec (None when off)."""
    metric = spec["metrics"][0]
    value = copy.deepcopy(spec)
    # 同比 / 环比 need a period: without a time range the card shows the value alone.
    compare = kpi.compare if spec.get("time_range") else []
    value["metrics"] = [metric, *({"name": f"{metric}_{c}", "compute": {c: metric}} for c in compare)]
    if not kpi.sparkline:
        return value, None
    relative = {"day": "last_30_days", "week": "last_90_days", "month": "last_12_months",
                "quarter": "last_12_months"}[kpi.spark_grain]
    spark = {k: copy.deepcopy(v) for k, v in spec.items() if k not in ("time_range", "order_by", "limit")}
    spark["dimensions"] = [{"field": "time", "grain": kpi.spark_grain, "name": "period"}]
    spark["time_range"] = {"field": "time", "relative": relative}
    spark["order_by"] = [{"field": "period"}]
    return value, spark
