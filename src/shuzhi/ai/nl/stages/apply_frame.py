"""Stage: the findings (`Parts`) applied to a new frame, or to a copy of the previous answer's frame
for a follow-up (metrics replaced or added, the time axis kept or replaced, conditions merged)."""

from __future__ import annotations

from shuzhi.ai.nl.frame import TIME, Frame, trend_grain
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Parts

_PCT_FORMATS = ("percent", "percentage")


def apply_frame(st: ParseState) -> None:
    previous = st.follow_frame
    st.frame = previous.copy() if previous is not None else Frame()
    _apply(st.frame, st.parts, st.is_follow, st.lex)
    for m in st.frame.metrics:  # an ad-hoc aggregate (供应商数, 库存数量) goes into the spec as its item
        if m in st.lex.measures:
            st.frame.items[m] = st.lex.measures[m].item()


def _apply(frame: Frame, p: Parts, follow: bool, lex: Lexicon) -> None:
    if p.metrics:
        if follow and frame.metrics and not p.add:
            frame.replace_metrics(p.metrics)
        else:
            frame.metrics += [m for m in p.metrics if m not in frame.metrics]
    if p.dims:
        time_dims = [d for d in frame.dims if d[0] == TIME]
        keep = [d for d in frame.dims if d[0] != TIME] if (follow and p.add) else []
        if follow and not p.add and not p.grain:
            time_dims = []  # "now by channel": the new dimension replaces the old axis
        frame.dims = time_dims + keep + [(d, None) for d in p.dims if (d, None) not in keep]
    for w in p.where:
        frame.set_condition(w)
    if p.time_range:
        frame.time_range = p.time_range
    if p.grain:
        frame.set_grain(p.grain)
    elif p.trend and not frame.grain():
        frame.set_grain(trend_grain(frame))
    if not frame.metrics:
        return
    first = frame.metrics[0]
    for target, op, value in p.having:
        metric = target or first
        if metric not in frame.metrics:
            frame.metrics.append(metric)
        fmt = lex.index.metrics[metric].format
        vals = value if isinstance(value, list) else [value]
        if fmt in _PCT_FORMATS and any(v > 1 for v in vals):
            vals = [v / 100 for v in vals]
        frame.having = [h for h in frame.having if not (h["field"] == metric and h["op"] == op)]
        frame.having.append({"field": metric, "op": op, "values": vals} if op == "between"
                            else {"field": metric, "op": op, "value": vals[0]})
    for kind in p.computes:
        if (kind, first) not in frame.computes:
            frame.computes.append((kind, first))
        if kind in ("yoy", "yoy_value") and not frame.grain() and not frame.time_range:
            frame.time_range = {"relative": "this_year"}
        if kind in ("pop", "pop_value") and not frame.grain() and not frame.time_range:
            frame.set_grain("month")
    if p.change_filter:
        kind, op = p.change_filter
        out = frame.compute_name(kind, first)
        frame.having = [h for h in frame.having if h["field"] != out] + [{"field": out, "op": op, "value": 0}]
    if p.order:
        what, desc = p.order
        frame.order = (first if what == "metric" else Frame.compute_name(what, first), desc)
    if p.limit:
        frame.limit = p.limit
