"""Chart recommendation for a QuerySpec (used by the ask box and the chart builder).

The chart type is the first matching rule of the rule table (model/chart_rules.py, the one the web app's
copy is generated from), read on the query's shape (`_shape`). This module fills in the rest:
- "kpi": the value, with the yoy/pop output as its comparison when present; also one member's share (every
  dimension kept to one member by an "=" having: 华东占全公司的比例 is one number);
- "line": the time dimension on x, a second non-time dimension as the series, yoy/pop on a second axis;
  but a time range of at most two periods of its grain (去年和今年各大区对比) is a bar chart: grouped, with
  the other dimension on x and the periods as the series (never a line of two points);
- "combo": bars for the first metric, a line on a second axis for the others (over time or one dimension);
- "map": China, by the province dimension (customers.province or any field named province);
- "pie": a donut of the percent_of_total share over ≤ 6 categories (limit or rows);
- "table": more than two dimensions;
- "bar": sorted for order_by / limit / rank, horizontal when category labels are long (names, people and
  the finest hierarchy levels, from the model's fields; or the rows' labels), grouped by a second dimension.
`columns` (the result's column list, with format/unit) and `rows` refine the choice when known.
"""

from __future__ import annotations

import re
from typing import Any

from shuzhi.model.chart_rules import chart_rule

# A person's field by its Chinese label (销售代表, 业务员, 商机负责人): short names, but many of them.
_PERSON_LABEL = re.compile(r"[\u4e00-\u9fff]{2,}(?:员|代表|人员|负责人)")


def _long_labels(field: str, index: Any) -> bool:
    """The field's category labels read badly on a vertical axis, as the model describes the field: its
    `long_labels`, else a name (…_name, 客户名称, 专利名称, Project Name), a person (销售代表, 商机负责人)
    or the finest level of a hierarchy (城市, 产品名称). Without the model, the …_name convention."""
    ds, _, f = field.rpartition(".")
    fd = getattr(index, "fields", {}).get((ds, f)) if ds else None
    if fd is not None and fd.long_labels is not None:
        return bool(fd.long_labels)
    if f.endswith("_name"):
        return True
    if fd is None:
        return False
    label, label_en = fd.label or "", (fd.label_en or "").lower()
    if label.endswith("名称") or label_en.endswith(("name", "title")) or _PERSON_LABEL.fullmatch(label):
        return True
    return any(_level(h.levels[-1]) == (ds, f) for h in index.model.hierarchies if h.levels)


def _level(lvl: Any) -> tuple[str, str]:
    if isinstance(lvl, str):
        ds, _, f = lvl.partition(".")
        return ds, f
    return lvl.dataset, lvl.field


def _dim_name(d: Any) -> tuple[str, str | None]:
    if isinstance(d, str):
        return d, None
    return d.get("field", ""), d.get("grain")


def _dim_output(d: Any) -> str:
    if isinstance(d, str):
        return d
    if d.get("name"):
        return d["name"]
    f, g = d.get("field", ""), d.get("grain")
    return f"{f.split('.')[-1]}_{g}" if g else f


def _metric_outputs(spec: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(output name, compute kind, base metric) for each metric item."""
    out = []
    for m in spec.get("metrics", []):
        if isinstance(m, str):
            out.append((m, None, m))
        else:
            comp = m.get("compute") or {}
            kind, base = next(iter(comp.items())) if comp else (None, m.get("name"))
            out.append((m["name"], kind, base))
    return out


def _unit(name: str, columns: list[dict[str, Any]] | None, index: Any) -> str | None:
    for c in columns or []:
        if c.get("name") == name:
            return c.get("format") or c.get("unit")
    if index is not None and name in getattr(index, "metrics", {}):
        return index.metrics[name].format
    return None


def _shape(dims: list[tuple[str, str | None]], plain: list[Any], units: set[str | None], kinds: set[str],
           n_rows: int | None) -> dict[str, int | bool | None]:
    """The summary the rule table reads (model/chart_rules.py SUMMARY_FIELDS)."""
    other = [f for f, g in dims if not g]
    return {"dims": len(dims), "time_dims": len(dims) - len(other), "other_dims": len(other),
            "metrics": len(plain), "units": len(units),
            "province": bool(other) and other[0].split(".")[-1] == "province",
            "percent_of_total": "percent_of_total" in kinds, "rows": n_rows}


_GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _periods(spec: dict[str, Any]) -> int | None:
    """How many periods of the spec's time grain its time range covers (None when unknown or open)."""
    import datetime as dt

    from shuzhi.spec.time_ranges import relative_range

    grain = next((g for _f, g in (_dim_name(d) for d in spec.get("dimensions", [])) if g), None)
    tr = spec.get("time_range") or {}
    try:
        s, e = (relative_range(tr["relative"], dt.date.today()) if tr.get("relative") else
                (dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"])))
    except (KeyError, TypeError, ValueError):
        return None
    if grain in _GRAIN_MONTHS:
        step = _GRAIN_MONTHS[grain]
        return ((e.year - s.year) * 12 + e.month - 1) // step - ((s.month - 1) // step) + 1 if step < 12 \
            else e.year - s.year + 1
    days = {"day": 1, "week": 7}.get(grain or "")
    return (e - s).days // days + 1 if days else None


def recommend_chart(spec: dict[str, Any], columns: list[dict[str, Any]] | None = None, *,
                    rows: list[Any] | None = None, index: Any = None) -> dict[str, Any]:
    dims = [_dim_name(d) for d in spec.get("dimensions", [])]
    outs = _metric_outputs(spec)
    plain = [o for o in outs if o[1] is None]
    kinds = {o[1] for o in outs if o[1]}
    time_dims = [i for i, (_f, g) in enumerate(dims) if g]
    other_dims = [i for i, (_f, g) in enumerate(dims) if not g]
    dim_outs = [_dim_output(d) for d in spec.get("dimensions", [])]
    y = [o[0] for o in plain] or [o[0] for o in outs]
    units = {_unit(o[0], columns, index) for o in plain}
    n_rows = len(rows) if rows is not None else spec.get("limit")
    kind = chart_rule(_shape(dims, plain, units, kinds, n_rows)).type
    chart: dict[str, Any] = {"type": "bar", "x": dim_outs[0] if dim_outs else None, "y": y}

    def done(kind: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
        chart.update(type=kind, reason=zh, reason_en=en, **extra)
        return chart

    pinned = {h.get("field") for h in spec.get("having", []) if isinstance(h, dict) and h.get("op") == "="}
    if dim_outs and not time_dims and set(dim_outs) <= pinned:
        # 华东占全公司的比例: the share of one member (the dimension kept to it by having) is one number
        share = next((o[0] for o in outs if o[1] == "percent_of_total"), None)
        return done("kpi", "一个成员的数值，用指标卡展示", "one member's number: KPI card", value=share or y[0],
                    compare=None)
    if kind == "kpi":
        compare = next((o[0] for o in outs if o[1] in ("yoy", "pop")), None)
        return done("kpi", "单个数值，用指标卡展示", "a single number: KPI card", value=y[0] if y else None,
                    compare=compare)
    if time_dims:  # over time: the time dimension on x, a second (non-time) dimension as the series
        chart["x"] = dim_outs[time_dims[0]]
        if other_dims:
            chart["series"] = dim_outs[other_dims[0]]
    if kind == "combo":
        zh, en = (("时间序列上两个不同单位的指标，用双轴组合图", "two metrics of different units over time: combo chart")
                  if time_dims else
                  ("同一维度上两个不同单位的指标，用组合图", "two metrics of different units: combo chart"))
        return done("combo", zh, en, bar=plain[0][0], line=[o[0] for o in plain[1:]])
    if kind == "line" and len(time_dims) == 1 and len(other_dims) <= 1 and (_periods(spec) or 99) <= 2:
        # 去年和今年各大区毛利率对比: two periods are compared side by side (grouped bars), never a
        # line of two points
        if other_dims:
            chart.update(x=dim_outs[other_dims[0]], series=dim_outs[time_dims[0]])
            return done("bar", "几个时期并列比较，用分组柱状图", "a few periods side by side: grouped bar chart",
                        horizontal=_long_labels(dims[other_dims[0]][0], index))
        return done("bar", "几个时期比较，用柱状图", "a few periods compared: bar chart", horizontal=False)
    if kind == "line":
        if "yoy" in kinds or "pop" in kinds:
            chart["line_y2"] = [o[0] for o in outs if o[1] in ("yoy", "pop")]
        return done("line", "时间序列，用折线图", "a time series: line chart")
    if kind == "map":
        return done("map", "按省份，用中国地图", "by province: map of China", map="china",
                    region=dim_outs[other_dims[0]])
    if kind == "pie":
        share = next(o[0] for o in outs if o[1] == "percent_of_total")
        return done("pie", "少数类别的占比，用环形图", "share of a few categories: donut chart", donut=True,
                    value=plain[0][0] if plain else share)
    if kind == "table":
        return done("table", "维度较多，用表格", "many dimensions: table")
    # bar: sorted for a ranking, horizontal when the category labels are long, grouped by a second dimension
    horizontal = _long_labels(dims[(other_dims or [0])[0]][0], index)
    if rows and not horizontal:
        horizontal = max((len(str(r[0])) for r in rows if r), default=0) > 6
    if len(other_dims) == 2:
        chart["series"] = dim_outs[other_dims[1]]
    if spec.get("order_by") or spec.get("limit") or "rank" in kinds:
        ob = (spec.get("order_by") or [{"desc": True}])[0]
        return done("bar", "排名，用排序条形图", "a ranking: sorted bar chart", sorted="desc" if ob.get("desc") else "asc",
                    horizontal=horizontal)
    return done("bar", "按类别比较，用柱状图", "comparing categories: bar chart", horizontal=horizontal)
