"""Helper of the `metrics` stage (not a stage): money and quantities asked without a metric word.

多少金额的订单 (the thing's money metric, not its count), 平均每张采购单多少钱 (the average or extreme of the field the
thing's unfiltered money metric sums), 还有多少金额的货待发货 (the value's money metric), 最大的客户 (the first
visible money metric reaching the thing, an everyday reading), 报废了多少件 (the quantity verb's sum), and a
status value the metric's own filter leaves out (已取消的订单: the same aggregate without that filter, never a
metric that is 0 by definition). Nothing is guessed when the model has no such metric; functions read and
write only the given ParseState."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.grounding import (
    CLASSIFIERS,
    filter_of,
    thing_measure,
    thing_of,
)
from shuzhi.ai.nl.stages.metric_counts import negated
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention


def outside_the_filter(st: ParseState) -> None:
    """已取消的订单有多少 / 已取消订单的金额: a status the metric's own filter leaves out (order_count counts
    orders not cancelled) asks for the same aggregate without that filter — the field's measure (count of
    order ids, sum of amounts) — never a metric that is 0 by definition."""
    lex, parts = st.lex, st.parts
    values = [e.key for v in st.mentions if v.kind == "value" for e in v.entries[:1] if e.kind == "value"]
    for i, name in enumerate(list(parts.metrics)):
        md = lex.index.metrics.get(name)
        conds = filter_of(lex, name) or []
        clash = any(c["field"] == f"{ds}.{f}" and _excludes(c, v) for c in conds for ds, f, v in values)
        if md is None or not clash:
            continue
        ds = str(md.dataset)
        other = next((n for n, x in lex.measures.items() if x.dataset == ds and md.expr and x.field == md.expr.strip()
                      and x.aggregate == md.agg), None) if md.agg != "count" else thing_of(lex, ds)
        if other is None:
            continue
        parts.metrics[i] = other
        for m in st.mentions:
            if m.kind == "metric" and m.entries[0].key == name:
                m.entries = [Entry("metric", other, exact=m.entries[0].exact)]


def _excludes(cond: dict[str, Any], value: Any) -> bool:
    op = cond["op"]
    return (op == "!=" and cond["value"] == value) or (op == "not_in" and value in cond["values"]) \
        or (op == "=" and cond["value"] != value) or (op == "in" and value not in cond["values"])


_SIZE = re.compile(r"最大的?|\bbiggest\b|\blargest\b")


def size_of_thing(st: ParseState) -> None:
    """最大的客户 / who is our biggest customer: a business relationship's size is its money — the model's first
    visible money metric that reaches the thing (customers → revenue, suppliers → purchase amount); read as
    an everyday word (lower confidence). Nothing is guessed when no metric reaches it."""
    lex = st.lex
    if not any(_SIZE.search(x.group()) for k in ("SUPER_DESC", "TOP_DESC") for x in st.cue[k]):
        return
    for m in st.mentions:
        ds = {e.key[0] for e in m.entries if e.kind == "dim"} if m.kind == "dim" and m.term in lex.things else set()
        if len(ds) != 1:
            continue
        d = next(iter(ds))
        money = next((n for n, md in lex.model_index.metrics.items() if not md.hidden and md.format == "currency"
                      and d in lex.reachable(n)), None)
        if money is not None:
            st.parts.metrics.append(money)
            st.metric_ms.append(Mention(m.start, m.start, "", "metric", [Entry("metric", money, exact=False)]))
            st.frame_metrics = st.parts.metrics
        return


_MONEY = re.compile(r"多少金额|多少钱|金额|\bhow much money\b|\bamount\b|\bvalue\b")


_PIECES_AFTER = re.compile(r"\s*(?:一共|总共|共)?\s*(?:多少|几)\s*(?:件|个|台|套|只)?(?!\s*[次张单笔家批项条])")


_PER_ONE = re.compile(rf"平均(?:每|一)\s*[{CLASSIFIERS}]?\s*(?:的)?\s*$")


_EXTREME_ONE = re.compile(rf"(?:金额|钱)?\s*(最大|最高|最贵|最多|最小|最低|最便宜|最少)\s*的?\s*(?:一|1)?\s*[{CLASSIFIERS}]?\s*(?:的)?\s*$")


_MONEY_ASKED = re.compile(r"多少钱|金额|\bhow much\b|\bamount\b")


def money_per_thing(st: ParseState) -> None:
    """平均每张采购单多少钱 / 金额最大的一张采购单是多少钱: the money of one thing — the average (or the largest,
    the smallest) of the field the model's unfiltered money metric over the thing's rows sums (采购额 = SUM of
    采购单金额 → avg / max of it). A thing whose money metric is filtered (revenue leaves cancelled lines out)
    is not guessed."""
    lex, t, parts = st.lex, st.t, st.parts
    if not _MONEY_ASKED.search(t.text):
        return
    for i, m in enumerate(st.mentions):
        if m.kind not in ("dim", "entity", "dataset"):
            continue
        name = thing_measure(lex, m)
        if name is None:
            continue
        before = t.text[max(0, m.start - 14):m.start]
        avg, ext = _PER_ONE.search(before), _EXTREME_ONE.search(before)
        hit, agg = (avg, "avg") if avg else (ext, "max" if ext and ext.group(1) in ("最大", "最高", "最贵", "最多") else "min")
        if hit is None:
            continue
        ds = lex.measures[name].dataset
        money = next((x for x, (d, _f) in lex.field_of.items() if d == ds and lex.index.metrics[x].format == "currency"), None)
        if money is None:
            return
        f = lex.field_of[money][1]
        measure = next((x for x in lex.measures.values() if (x.dataset, x.field, x.aggregate) == (ds, f, agg)), None)
        if measure is None:
            return
        start = m.start - len(before) + hit.start()
        t.take(start, m.end)
        for x in _MONEY_ASKED.finditer(t.text):
            t.take(x.start(), x.end())
        parts.metrics.append(measure.name)
        st.metric_ms.append(Mention(start, m.end, m.term, "metric", [Entry("metric", measure.name, exact=False)]))
        st.frame_metrics = parts.metrics
        st.consumed.add(i)
        m.kind = "counted"
        for k in ("SUPER_DESC", "SUPER_ASC", "TOP_DESC", "TOP_ASC"):  # the largest one is the number, not a ranking
            st.cue[k] = [x for x in st.cue.get(k, []) if not (start <= x.start() < m.end)]
        return


def quantity_verb(st: ParseState) -> None:
    """今年报废了多少件 / 送检了多少: a quantity field's word without 数量 (报废数量 → 报废) said as a verb before a
    count of pieces is the sum of that quantity (the model's metric over the field when it has one) — not a
    count of rows (多少次 / 多少张 count the thing)."""
    lex, t = st.lex, st.t
    masked = t.masked()
    for stem in sorted(lex.qty_verbs, key=len, reverse=True):
        x = re.search(rf"{re.escape(stem)}(?:了|过|掉)?", masked)
        if x is None or not _PIECES_AFTER.match(t.text, x.end()):
            continue
        t.take(x.start(), x.end())
        name = lex.qty_verbs[stem]
        st.parts.metrics.append(name)
        st.metric_ms.append(Mention(x.start(), x.end(), stem, "metric", [Entry("metric", name, exact=False)]))
        st.frame_metrics = st.parts.metrics
        return


def money_of_value(st: ParseState) -> None:
    """还有多少金额的货待发货 / the amount of cancelled lines: no metric named, a money word and a status value —
    the model's money metric over the value's own rows (the first visible currency metric of that dataset; a
    value its filter leaves out is then measured without the filter, `outside_the_filter`)."""
    lex, t = st.lex, st.t
    money = _MONEY.search(t.text)
    if money is None:
        return
    dsets = [e.key[0] for v in st.mentions if v.kind == "value" and not negated(st, v) for e in v.entries[:1]]
    if len(set(dsets)) != 1:
        return
    name = next((n for n, md in lex.model_index.metrics.items() if not md.hidden and not md.formula
                 and md.format == "currency" and md.dataset == dsets[0]), None)
    if name is None:
        return
    t.take(money.start(), money.end())
    st.parts.metrics.append(name)
    st.metric_ms.append(Mention(money.start(), money.start(), "", "metric", [Entry("metric", name, exact=False)]))
    st.frame_metrics = st.parts.metrics
    outside_the_filter(st)


# 多少金额的订单 / 金额的订单: a money word right before a thing's word asks the money of the thing's rows
_MONEY_BEFORE_THING = re.compile(r"(?:多少|几)?\s*(?:金额|钱)\s*的\s*$")


def money_of_thing_word(st: ParseState) -> None:
    """多少金额的订单待发货: a thing's word read as its everyday count metric (订单 → order count) right after a money
    word (多少金额的) is the money of the thing's rows — the dataset's first visible currency metric that is not
    a formula, read as an everyday word; kept as the count when the dataset has no such metric."""
    lex, text = st.lex, st.t.text
    for m in st.mentions:
        if m.kind != "metric" or m.entries[0].exact or m.term not in lex.things:
            continue
        hit = _MONEY_BEFORE_THING.search(text[max(0, m.start - 8):m.start])
        md = lex.model_index.metrics.get(str(m.entries[0].key))
        if hit is None or md is None or md.format == "currency":
            continue
        money = next((n for n, x in lex.model_index.metrics.items() if not x.hidden and not x.formula
                      and x.format == "currency" and x.dataset == md.dataset), None)
        if money is not None:
            m.entries = [Entry("metric", money, exact=False)]
            st.t.take(m.start - 8 + hit.start() if m.start >= 8 else hit.start(), m.start)
