"""Readings settled before the spec, without asking (docs/ask-clarify.md, second round): the counterparts of
clarify.py's questions when the question itself decides.

- a money bar (超过20万, million) over a loose count word (下单) takes the word's amount metric, the bar with it;
  a pieces unit (多少台, how many units) over a loose amount word takes the word's only quantity metric;
- a count asked (多少个) of a thing whose amount stood in for it only because no measure was named (商机赢了多少个)
  is the thing's count;
- a count asked over a bar on an amount or a rate, with no breakdown, lists the things named (在途商机) or the
  periods counted (几个月) meeting it and counts them (intent_args count_rows, service/ask_shapes.py);
- a ranking with no breakdown of the one thing named (预算最高的5个研发项目), by a measure that is not the thing's
  own count, ranks by the field naming one of them (thing_field).

Invariant: each step changes the frame only when exactly one reading fits; otherwise clarify.py asks."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.clarify_choices import _count_asked, count_item
from shuzhi.ai.nl.clarify_rules_counts import _AMOUNT_FORMATS
from shuzhi.ai.nl.clarify_rules_measure import _MONEY_UNIT, _QTY_UNIT, _count_things, _kind, _loose_reading
from shuzhi.ai.nl.frame import Frame
from shuzhi.ai.nl.grounding import fits
from shuzhi.ai.nl.lexicon import Lexicon, normalize


def settle_by_unit(st: Any) -> None:
    """How many units of X in stock, 卖出去多少台: a loose word read as an amount, but the unit asks for pieces
    and exactly one quantity reading of the same word exists: that one is the answer (reported as a chip)."""
    lex, frame = st.lex, st.frame
    if st.clarify is not None:
        return
    _count_of_the_thing(st, lex, frame)
    _count_over_having(st, lex, frame)
    _rank_the_thing(st, lex, frame)
    found = _loose_reading(st, lex, frame)
    if found is None:
        return
    read, _m, others = found
    money_bar = any(h["field"] == read for h in frame.having) and _MONEY_UNIT.search(st.t.text)
    if money_bar and _kind(lex, read) != "money":  # 下单超过20万的客户: the bar is money, so is the measure
        want = "money"
    elif _QTY_UNIT.search(st.t.text) and not _count_things(st.t.text) and _kind(lex, read) == "money":
        want = "qty"
    else:
        return
    fits_ = [x for x in others if _kind(lex, x) == want]
    if len(fits_) == 1:
        item = fits_[0]
        name = item if isinstance(item, str) else item["name"]
        having = [{**h, "field": name} if h["field"] == read else h for h in frame.having]
        frame.replace_metrics([name])
        frame.having = having
        if isinstance(item, dict):
            frame.items[name] = item


_PERIOD_COUNT = {"月": "month", "个月": "month", "天": "day", "日": "day", "周": "week", "个季度": "quarter",
                 "季度": "quarter", "年": "year", "months": "month", "days": "day", "weeks": "week",
                 "quarters": "quarter", "years": "year"}
_COUNTED_PERIOD = re.compile(r"(?:多少|几)(个月|个季度|季度|月|天|日|周|年)|\bhow many (months|days|weeks|quarters|years)\b")


def thing_field(lex: Lexicon, ds: str) -> str | None:
    """The field that names one of the dataset's things: its *_name / 名称 dimension, else its one-field key."""
    d = lex.index.datasets.get(ds)
    if d is None:
        return None
    for (dd, f), fd in lex.index.fields.items():
        if dd == ds and fd.dimension and fd.type == "string" and (f.endswith("_name") or "名称" in (fd.label or "")):
            return f"{ds}.{f}"
    return f"{ds}.{d.primary_key[0]}" if d.primary_key and len(d.primary_key) == 1 else None


def _count_over_having(st: Any, lex: Lexicon, frame: Frame) -> None:
    """预计金额超过50万的在途商机有几个, 有几个月的不良率超过1%: a count asked over a bar on an amount or a rate, with
    no breakdown: the bar is per thing (or per period counted), so the things (periods) meeting it are listed
    and counted (intent_args count_rows, service/ask_shapes.py)."""
    if not frame.having or frame.dims or len(frame.metrics) != 1 or not _count_asked(st.t.text):
        return
    md = lex.index.metrics.get(frame.metrics[0])
    item = frame.items.get(frame.metrics[0])
    if (md is not None and md.format not in _AMOUNT_FORMATS) or (item is not None and item.get("aggregate") in (
            "count", "count_distinct")):
        return
    period = _COUNTED_PERIOD.search(st.t.text)
    if period is not None:
        frame.dims = [("time", _PERIOD_COUNT[(period.group(1) or period.group(2)).lower()])]
    else:
        ds = _the_thing(st)
        field_name = thing_field(lex, ds) if ds else None
        if field_name is None or not fits(lex, ds, frame.metrics if md is not None else []):
            return
        frame.dims = [(field_name, None)]
    st.intent_args["count_rows"] = True


def _the_thing(st: Any) -> str | None:
    things = [m for m in st.mentions if m.kind in ("entity", "dataset")]
    if len(things) != 1:
        return None
    e = things[0].entries[0]
    return e.key[0] if isinstance(e.key, tuple) else str(e.key)


def _rank_the_thing(st: Any, lex: Lexicon, frame: Frame) -> None:
    """预算最高的5个研发项目: a ranking with no breakdown, of the one thing the question names, by a measure that is
    not the thing's own count: the things are ranked (by the field naming one of them)."""
    ranked = frame.order is not None or frame.limit
    if not ranked or frame.dims or len(frame.metrics) != 1:
        return
    name = frame.metrics[0]
    md, item = lex.index.metrics.get(name), frame.items.get(name)
    if (md is not None and md.agg in ("count", "count_distinct")) or (item is not None and item.get(
            "aggregate") in ("count", "count_distinct")) or (md is None and item is None):
        return
    ds = _the_thing(st)
    field_name = thing_field(lex, ds) if ds else None
    if field_name is not None and (md is None or fits(lex, ds, [name])):
        frame.dims = [(field_name, None)]


def _count_of_the_thing(st: Any, lex: Lexicon, frame: Frame) -> None:
    """华东客户的商机今年赢了多少个: a count asked (多少个) of a thing whose amount was taken as its measure only
    because no measure was named: the thing's count is the answer."""
    if (len(frame.metrics) != 1 or frame.having or frame.order or not _count_asked(st.t.text)
            or frame.metrics[0] not in frame.items):
        return
    item = frame.items[frame.metrics[0]]
    ds = str(item.get("field", "")).split(".")[0]
    if item.get("aggregate") not in ("sum", "avg") or ds not in lex.index.datasets:
        return
    d = lex.index.datasets[ds]
    thing = [normalize(x) for x in (d.label, d.label_en) if x]
    if any(m.entries[0].exact or not any(normalize(m.term) in x for x in thing) for m in st.metric_ms):
        return  # a measure was named (预计金额), not only the thing (商机)
    count = count_item(lex, ds)
    if count is not None:
        name = count if isinstance(count, str) else count["name"]
        frame.replace_metrics([name])
        if isinstance(count, dict):
            frame.items[name] = count


__all__ = ["settle_by_unit", "thing_field"]
