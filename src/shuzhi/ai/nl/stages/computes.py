"""Stage: comparisons (yoy, pop and their differences), share, cumulative, rank, order and limit from
the cue words (an explicit direction, 从高到低 / lowest first, wins); two periods named are one comparison
(one growth number, or side by side with the difference); a one-period range drops the implied grain; the model's own share metric replaces a
filtered percent of total; 环比增长最快 without a time compares the latest complete period; 最差 of a
lower-is-better metric is its highest value.

The readings live in helper modules: compute_order.py (computes, order, limit from the cues),
compute_periods.py (two periods compared), compute_splits.py (splits and shares)."""

from __future__ import annotations

import re

from shuzhi.ai.nl.context import flip_for_lower_is_better
from shuzhi.ai.nl.context_ratio import filtered_share
from shuzhi.ai.nl.stages.compute_order import order_and_computes
from shuzhi.ai.nl.stages.compute_periods import (
    earlier_side_by_side,
    one_period,
    rate_against_last_year,
    two_periods,
)
from shuzhi.ai.nl.stages.compute_splits import (
    each_of_a_flag,
    one_total,
    property_of_a_thing,
    qualifying_things,
    share_of_a_member,
    share_of_the_top,
    share_within,
)
from shuzhi.ai.nl.stages.state import ParseState


def computes(st: ParseState) -> None:
    parts, cue, today = st.parts, st.cue, st.today
    explicit_grain = parts.grain
    each_of_a_flag(st)
    property_of_a_thing(st)
    order_and_computes(parts, cue)
    one_total(st)
    two_periods(st)
    if parts.grain and not explicit_grain and parts.time_range and one_period(parts.time_range, parts.grain, today):
        parts.grain = None  # 上个月订单数环比 / orders last month, month over month: one row, not a series
    share_within(st)
    share_of_a_member(parts)
    qualifying_things(st)
    share_of_the_top(st)
    if "percent_of_total" in parts.computes and len(parts.metrics) == 1 and not parts.dims and len(parts.where) == 1:
        share = filtered_share(st.lex, parts.metrics[0], parts.where[0])
        if share:  # 新品占销售额的比例: the model's own share metric, not a filtered percent of total
            parts.metrics, parts.where = [share], []
            parts.computes.remove("percent_of_total")
    if (("pop" in parts.computes or "pop_value" in parts.computes) and not explicit_grain and not parts.time_range
            and not st.is_follow and (parts.dims or parts.order)):
        # 销售额环比增长最快的产品线: the latest complete period against the one before it
        period = "quarter" if cue["POP_QUARTER"] else "week" if cue["POP_WEEK"] else "month"
        parts.grain = None
        parts.time_range = {"relative": f"last_{period}"}
    flip_for_lower_is_better(st.lex, parts, cue, st.frame_metrics)
    rate_against_last_year(st)
    _two_members(st)
    _amount_less(st)
    earlier_side_by_side(st)


_THAN = re.compile(r"比|较|相比|对比|\bthan\b|\bvs\.?|\bversus\b|\bcompared (?:to|with)\b")


def _two_members(st: ParseState) -> None:
    """常州工厂的不良率比苏州工厂高多少 / how much higher is A's defect rate than B's: two members of one field with
    a comparison word between them and a change asked — one number, the first named against the second
    (`intent_args["members"]`: the field and the two values in the order said; the service runs the spec for
    each and answers both values and the difference, or the growth), not the two together; the spec keeps
    both in its filter."""
    parts, cue, text = st.parts, st.cue, st.t.text
    if parts.dims or parts.grain or parts.computes or len(parts.metrics) != 1 or st.is_follow:
        return
    if not (cue["DIFF"] or cue["GROWTH"] or cue["ROSE"] or cue["DECLINED"]):
        return
    pairs = [w for w in parts.where if w.get("op") == "in" and len(w.get("values") or []) == 2]
    if len(pairs) != 1:
        return
    w = pairs[0]
    pos = {}
    for m in st.mentions:
        for e in m.entries:
            if (m.kind == "value" and e.kind == "value" and f"{e.key[0]}.{e.key[1]}" == w["field"]
                    and e.key[2] in w["values"]):
                pos.setdefault(e.key[2], m)
    if len(pos) != 2:
        return
    first, second = sorted(pos.values(), key=lambda m: m.start)
    if not _THAN.search(text[first.end:second.start]):
        return
    order = [next(v for v, m in pos.items() if m is first), next(v for v, m in pos.items() if m is second)]
    st.intent_args["members"] = {"field": w["field"], "values": order,
                                 "change": "difference" if cue["DIFF"] or not cue["GROWTH"] else "growth"}


_LESS = re.compile(r"(?:少|低|小)了?多少|\bhow much (?:less|lower)\b|\bhow much (?:did|has|have) .{1,40}?\b(?:drop|fall|fell|decline|shrink)\b")


def _amount_less(st: ParseState) -> None:
    """10月销售额比9月少了多少 / how much less than last year: the difference asked as the amount less — the
    earlier value minus the later — so the answer's difference (yoy_value / pop_value, or the service's `versus`)
    is shown as 少了 / less with its magnitude (`intent_args["less"]`; a value that rose instead shows negative)."""
    parts = st.parts
    differs = any(c in ("yoy_value", "pop_value") for c in parts.computes) or any(
        (st.intent_args.get(k) or {}).get("change") == "difference" for k in ("versus", "members"))
    if differs and st.cue["DIFF"] and _LESS.search(st.t.text) and not re.search(r"(?:多|高|大)了?多少|\bhow much (?:more|higher)\b", st.t.text):
        st.intent_args["less"] = True
