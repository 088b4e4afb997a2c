"""Stage: the asked metrics — metric words in order, else (多少客户 / how many patents) the count metric
of the thing or dataset counted, unless an unknown word says another thing is counted; else the count of
any thing the model has rows of (供应商, 工单, 批次, deals: an ad-hoc count_distinct of its identifier,
nl/measures.py), filtered by the status words said with it (进行中, 赢单; a model metric counting exactly
those rows wins: won_opportunities), and for 新建/新增/created in a period by the thing's creation date.

Words that would otherwise be read as another metric are re-read as the thing counted: 多少个商机 is a count
of opportunities, not the pipeline amount; 赢了多少单 counts won opportunities, not sales orders. Qualifier
words (在途 = the model's open-opportunity filter) become where conditions, or are dropped when the asked
metric already has that filter; a creation word that cannot be honoured is left unread (reported)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.context_count import counts_other, dataset_count_metric
from shuzhi.ai.nl.grounding import (
    CLASSIFIER,
    CLASSIFIERS,
    COUNT_AFTER,
    COUNT_BEFORE,
    CREATED,
    count_metric,
    count_word_near,
    exact_metric,
    filter_of,
    fits,
    thing_measure,
    thing_of,
)
from shuzhi.ai.nl.measures import AGG_WORDS, Measure, creation_field, exact_count, variant
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention


def metrics(st: ParseState) -> None:
    lex, t, parts, mentions, cue = st.lex, st.t, st.parts, st.mentions, st.cue
    if _duration_asked(st):
        return
    _split_date_verbs(st)
    recounted = _things_counted(st) | _things_by_activity(st)
    _money_of_thing_word(st)
    _aggregation_words(st)
    st.metric_ms = [m for m in mentions if m.kind == "metric"]
    for m in st.metric_ms:
        name = m.entries[0].key
        if name not in parts.metrics:
            parts.metrics.append(name)
    _outside_the_filter(st)
    previous = st.follow_frame
    st.frame_metrics = parts.metrics or (previous.metrics if previous is not None else [])

    if not st.frame_metrics:
        _quantity_verb(st)
    if not st.frame_metrics:
        _money_per_thing(st)
    # count fallback: 多少客户 / how many customers
    counts = [x for x in cue["COUNT"] if not _MONEY_AFTER_COUNT.match(t.text, x.end())]  # 多少金额 / 多少钱: money asked
    counting = bool(recounted or counts or CLASSIFIER.search(t.masked()) or C.MOST_FEWEST.search(t.text) or "分布" in t.text)
    created = [x for x in CREATED.finditer(t.masked())] if counting and not st.frame_metrics else []
    on_file = _ON_FILE.search(t.masked()) if counting or st.frame_metrics else None
    if on_file is not None and st.frame_metrics and not _own_rows(st):
        on_file = None
    if on_file is not None:  # 客户档案里有多少家客户: the thing's own rows, not a metric counting it elsewhere
        t.take(on_file.start(), on_file.end())
        for i, m in enumerate(mentions):  # 客户档案中…: the thing whose file it is, not a split by its names
            if m.kind in ("dim", "entity", "dataset") and 0 <= on_file.start() - m.end <= 1 \
                    and m.term in lex.things:
                st.consumed.add(i)
                t.take(m.start, m.end)
    if not st.frame_metrics and counting and on_file is None:
        _distinct_asked(st)  # 海外客户分布在几个国家: how many countries, not customers by country
    if not st.frame_metrics and counting and not parts.metrics:
        for i, m in enumerate([] if on_file is not None else mentions):
            if m.kind in ("dim", "entity") and not _qualifies_next(st, i):
                cm = count_metric(lex, m, new=bool(created or C.NEW.search(t.masked())))
                if cm in lex.measures:
                    break  # a thing without a model metric: counted below, with its status and creation words
                if cm and not counts_other(lex, t.masked(), m, cue["COUNT"]):
                    parts.metrics.append(cm)
                    st.consumed.add(i)
                    if created and cm != count_metric(lex, m):
                        _take(st, created)
                    break
        if not parts.metrics:  # 多少项专利 / how many patents: the dataset's plain count metric
            cm = next((c for x in mentions if x.kind == "dataset" and not counts_other(lex, t.masked(), x, cue["COUNT"])
                       and (c := dataset_count_metric(lex, str(x.entries[0].key)))), None)
            if cm and not created:
                parts.metrics.append(cm)
        if not parts.metrics:
            _count_thing(st, created)
    if not st.frame_metrics and parts.metrics:
        _outside_the_filter(st)  # 被取消的订单有几个: the count chosen above, without the filter the value clashes with
    if not st.frame_metrics and not parts.metrics:
        _size_of_thing(st)
    if not st.frame_metrics and not parts.metrics:
        _money_of_value(st)
    if parts.metrics and lex.index.metrics[parts.metrics[0]].format == "integer":  # 授权了几项专利
        for x in CLASSIFIER.finditer(t.text):
            for g in (0, 1):
                if not any(t.taken[x.start(g):x.end(g)]):
                    t.take(x.start(g), x.end(g))
                    break
    if not st.frame_metrics:
        st.frame_metrics = parts.metrics
    _creation_said(st)
    _units_said(st)
    _qualifiers(st)
    # 下单金额超过1000万的客户有几家: a count over a having — QuerySpec has no count of groups, so the spec lists
    # the qualifying things and `intent_args["count_rows"]` says the answer is how many rows it has
    if st.conditions and parts.metrics and any(
            m.kind in ("dim", "entity") and COUNT_AFTER.match(t.text, m.end) for m in mentions):
        st.intent_args["count_rows"] = True


_COUNT_BEFORE = re.compile(r"(?:几|多少)\s*(?:个|家|条|种|类|座)?\s*$|\bhow many\s+(?:different\s+)?$")


def _names_a_thing(lex: Any, key: tuple[str, str]) -> bool:
    """The field is the name of its dataset's rows (customer_name, 供应商名称): counting its values is counting the
    thing, which the count rules below do with the thing's own count."""
    fd = lex.index.fields.get(key)
    return key[1].endswith("_name") or fd is not None and (
        (fd.label or "").endswith("名称") or (fd.label_en or "").lower().endswith(" name"))


def _distinct_asked(st: ParseState) -> None:
    """A count word right before a dimension word (在几个国家, 有多少个省份, how many countries) asks for the number
    of that field's distinct values, even when a counted thing is also named (海外客户分布在几个国家)."""
    lex, t, parts = st.lex, st.t, st.parts
    for i, m in enumerate(st.mentions):
        if m.kind != "dim" or not _COUNT_BEFORE.search(t.text[max(0, m.start - 16):m.start]):
            continue
        if count_metric(lex, m):  # 多少客户: a thing the model counts (customer_count), not its names
            return
        named = {e.key[0] for j, x in enumerate(st.mentions) if j != i for e in x.entries
                 if isinstance(e.key, tuple)} | {str(e.key) for x in st.mentions if x.kind == "dataset" for e in x.entries}
        keys = sorted((e.key for e in m.entries if e.kind == "dim" and e.key in lex.value_count
                       and not _names_a_thing(lex, e.key)),  # 供应商…几个国家: the country of the thing named
                      key=lambda k: (k[0] not in named, lex.hierarchy_rank.get(k, 9)))
        if keys:
            parts.metrics.append(lex.value_count[keys[0]])
            st.consumed.add(i)
            ds = keys[0][0]
            for j, x in enumerate(st.mentions):  # our customers: only whose values are counted, not a split
                if j != i and x.kind in ("dim", "entity") and count_metric(lex, x) \
                        and any(e.key[0] == ds for e in x.entries if isinstance(e.key, tuple)):
                    st.consumed.add(j)
            return


def _aggregation_words(st: ParseState) -> None:
    """平均单价 / 预算合计 / average budget: a field's measure with the aggregation a word right next to it asks for
    (the word is then understood); a snapshot field keeps its end-of-period reading."""
    lex, t = st.lex, st.t
    masked = t.masked()
    for m in st.mentions:
        key = str(m.entries[0].key) if m.kind == "metric" else ""
        measure = lex.measures.get(key)
        if measure is None and key in lex.field_of and lex.index.metrics[key].agg in ("sum", "avg") \
                and not lex.index.metrics[key].time_aggregation:  # 平均计划数量: the model's metric over the field
            ds, f = lex.field_of[key]
            md = lex.index.metrics[key]
            measure = Measure(key, ds, f, str(md.agg), md.label or key, md.label_en or key, "", "", ())
        if measure is None or measure.aggregate.startswith("count"):
            continue
        before, after = masked[max(0, m.start - 12):m.start], masked[m.end:m.end + 9]
        for agg, pat in AGG_WORDS:
            hit = next((x for x in pat.finditer(before) if re.fullmatch(r"\s*(?:的)?\s*", before[x.end():])), None)
            shift = m.start - len(before)
            if hit is None:
                x = pat.match(after.lstrip(" 的"))
                hit, shift = (x, m.end + len(after) - len(after.lstrip(" 的"))) if x else (None, 0)
            if hit is None:
                continue
            other = variant(lex.measures, measure, agg)
            if other is not None or agg == measure.aggregate:
                t.take(shift + hit.start(), shift + hit.end())
                if other is not None:
                    m.entries = [Entry("metric", other.name)]
            break


def _outside_the_filter(st: ParseState) -> None:
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


def _size_of_thing(st: ParseState) -> None:
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


# the thing's own records (客户档案, on file): counted in its own dataset, not by a metric of another one
_ON_FILE = re.compile(r"档案[里中内]?的?|在册的?|名录[里中内]?的?|花名册|主数据[里中内]?的?|\bon file\b|\bon record\b|\bon the books\b"
                      r"|\bin (?:the|our) (?:system|database|master data)\b")
_MONEY = re.compile(r"多少金额|多少钱|金额|\bhow much money\b|\bamount\b|\bvalue\b")
# 多少金额 / 多少的金额 / 多少钱: the open 多少 asks an amount of money, not how many things
_MONEY_AFTER_COUNT = re.compile(r"\s*的?\s*(?:金额|钱|块钱)")


_PIECES_AFTER = re.compile(r"\s*(?:一共|总共|共)?\s*(?:多少|几)\s*(?:件|个|台|套|只)?(?!\s*[次张单笔家批项条])")


_PER_ONE = re.compile(rf"平均(?:每|一)\s*[{CLASSIFIERS}]?\s*(?:的)?\s*$")
_EXTREME_ONE = re.compile(rf"(?:金额|钱)?\s*(最大|最高|最贵|最多|最小|最低|最便宜|最少)\s*的?\s*(?:一|1)?\s*[{CLASSIFIERS}]?\s*(?:的)?\s*$")
_MONEY_ASKED = re.compile(r"多少钱|金额|\bhow much\b|\bamount\b")


# the time between two events: 从下单到发货平均要几天, order-to-ship lead time, how long from start to finish
_DURATION = re.compile(r"从\s*(\S{1,8}?)\s*到\s*(\S{1,8}?)\s*(?:平均|一般|通常)?\s*(?:要|用|需要|花)?了?\s*"
                       r"(?:几天|多少天|多长时间|多久|几个月|多少个?小时)"
                       r"|\b(?:lead|cycle|turnaround|throughput) times?\b|\bdays? (?:between|from)\b|\bhow long\b")
_DURATION_FIELD = re.compile(r"天数|周期|时长|交期|用时|\blead time\b|\bdays\b|\bduration\b|\bcycle time\b", re.I)


def _duration_asked(st: ParseState) -> bool:
    """从下单到发货平均要几天 / order-to-ship lead time: the time between two dates of a row. QuerySpec aggregates
    fields, not differences of two; unless the model has such a field (交期, lead time days), nothing else is
    answered: the words are reported with the reason, and no metric is read (never the order count instead)."""
    x = _DURATION.search(st.t.text)
    if x is None:
        return False
    idx = st.lex.model_index
    if any(not fd.dimension and fd.type in ("integer", "number")
           and any(_DURATION_FIELD.search(w or "") for w in [fd.label, fd.label_en, *fd.synonyms])
           for fd in idx.fields.values()):
        return False  # the model has a duration field: read as usual
    for m in st.mentions:
        if m.kind == "metric":
            m.kind = "used"
    st.t.take(x.start(), x.end())
    st.unknown.append({"text": x.group(0), "reason": "模型里没有两个日期之间的天数（时长）字段，无法计算 / the model has no "
                       "field for the time between two dates, so this cannot be computed", "suggestions": []})
    return True


def _creation_said(st: ParseState) -> None:
    """new customers onboarded this year / 今年新建档的新增客户: a creation word said of a metric dated by its
    thing's creation date (new_customers by created_date) says the metric again; it is understood."""
    lex, t = st.lex, st.t
    if len(st.parts.metrics) != 1:  # 今年建档的新客户贡献了多少销售额: 新客户 qualifies another metric; not read here
        return
    dated = [n for n in st.parts.metrics if (md := lex.index.metrics.get(n)) is not None and md.dataset and md.time
             and md.time == creation_field(lex.model_index, str(md.dataset))]
    if dated:
        _take(st, list(CREATED.finditer(t.masked())))


# a unit after a count word: 多少小时, 几天, 多少元 — understood when it is the asked measure's own unit
_UNIT_AFTER = re.compile(r"(?:多少|几)\s*个?\s*(小时|天|元|块钱|块|万元|件|个|吨|公斤|米)|\bhow many (hours|days|yuan)\b")


def _units_said(st: ParseState) -> None:
    """实际工时一共多少小时 / 多少元: the unit of the asked measure (its unit, or a character of its label: 工时 →
    小时; money for a currency metric) is understood; another unit is left unread."""
    lex, t = st.lex, st.t
    if len(st.parts.metrics) != 1:
        return
    md = lex.index.metrics.get(st.parts.metrics[0])
    if md is None:
        return
    for x in _UNIT_AFTER.finditer(t.text):
        g = 1 if x.group(1) else 2
        unit = x.group(g)
        if any(t.taken[x.start(g):x.end(g)]):
            continue
        label = f"{md.label or ''}{md.unit or ''}{md.label_en or ''}".lower()
        money = md.format == "currency" and unit in ("元", "块钱", "块", "万元", "yuan")
        own = unit in label or (unit.endswith("小时") and ("时" in label or "hour" in label)) \
            or (unit == "hours" and ("hour" in label or "时" in label)) or unit.rstrip("s") in label
        if money or own:
            t.take(x.start(g), x.end(g))


def _own_rows(st: ParseState) -> bool:
    """Number of customers on file: the asked count of a thing's identifier in another dataset (customer_count =
    distinct customer ids of sales orders) becomes the count of the thing's own rows (customers). True when swapped."""
    lex, parts = st.lex, st.parts
    for i, name in enumerate(parts.metrics):
        md = lex.index.metrics.get(name)
        if md is None or md.agg != "count_distinct" or not md.dataset or not md.expr:
            continue
        key = md.expr.strip()
        home = next((d for d, x in lex.model_index.datasets.items() if d != md.dataset and list(x.primary_key or []) == [key]
                     and d in lex.reachable(name)), None)
        thing = thing_of(lex, home) if home else None
        if thing is None:
            continue
        own = exact_count(lex.model_index, lex.measures[thing]) or thing
        parts.metrics[i] = own
        st.frame_metrics = [own if x == name else x for x in st.frame_metrics]
        for m in st.metric_ms:
            if m.entries[0].key == name:
                m.entries = [Entry("metric", own, exact=m.entries[0].exact)]
        return True
    return False


def _money_per_thing(st: ParseState) -> None:
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


def _quantity_verb(st: ParseState) -> None:
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


def _money_of_value(st: ParseState) -> None:
    """还有多少金额的货待发货 / the amount of cancelled lines: no metric named, a money word and a status value —
    the model's money metric over the value's own rows (the first visible currency metric of that dataset; a
    value its filter leaves out is then measured without the filter, `_outside_the_filter`)."""
    lex, t = st.lex, st.t
    money = _MONEY.search(t.text)
    if money is None:
        return
    dsets = [e.key[0] for v in st.mentions if v.kind == "value" and not _negated(st, v) for e in v.entries[:1]]
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
    _outside_the_filter(st)


# 多少金额的订单 / 金额的订单: a money word right before a thing's word asks the money of the thing's rows
_MONEY_BEFORE_THING = re.compile(r"(?:多少|几)?\s*(?:金额|钱)\s*的\s*$")


def _money_of_thing_word(st: ParseState) -> None:
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


def _things_by_activity(st: ParseState) -> bool:
    """多少客户下单 / how many customers ordered: a count word right before a thing, then an everyday verb read as a
    metric of the rows that thing acts in (下单 → the order count): the number of the things doing it — the
    thing's model count over the verb metric's dataset (customer_count counts customers on sales_orders), not
    the verb's metric split by the thing. True when one was read."""
    lex, text = st.lex, st.t.text
    for i, m in enumerate(st.mentions):
        if m.kind not in ("dim", "entity") or not COUNT_BEFORE.search(text[max(0, m.start - 8):m.start]):
            continue
        verb = next((x for x in st.mentions if x.kind == "metric" and 0 <= x.start - m.end <= 1), None)
        cm = count_metric(lex, m)
        if verb is None or verb.entries[0].exact or cm is None or cm == verb.entries[0].key:
            continue
        cd, vd = lex.index.metrics[cm], lex.index.metrics.get(str(verb.entries[0].key))
        if vd is None or vd.is_derived or cd.is_derived or cd.dataset != vd.dataset:
            continue
        verb.entries = [Entry("metric", cm, exact=False)]
        st.consumed.add(i)
        st.t.take(m.start, m.end)
        m.kind = "counted"
        return True
    return False


def _take(st: ParseState, found: list[Any]) -> None:
    for x in found:
        st.t.take(x.start(), x.end())


def _things_counted(st: ParseState) -> bool:
    """多少个商机 / 在途商机有几个: a thing's word read as an everyday metric (商机 → pipeline amount) next to
    a count word is the thing counted; 赢了多少单: a count metric word (多少单 → orders) said of a status
    value its data cannot have (赢单 is an opportunity's stage) counts the value's thing. True when one was."""
    lex, text = st.lex, st.t.text
    found = False
    for m in st.mentions:
        start = max([q.start for q in st.mentions if q.kind == "qualifier" and 0 <= m.start - q.end <= 1]
                    or [m.start])  # 多少个在途商机
        if m.kind == "metric" and not m.entries[0].exact and m.term in lex.things \
                and (count_word_near(text, start, m.end) or _count_after_understood(st, m)):
            m.kind, m.entries = "entity", [Entry("dataset", lex.measures[lex.things[m.term]].dataset, exact=False)]
            found = True
    for m in st.mentions:
        if m.kind != "metric" or m.entries[0].exact:
            continue
        md = lex.index.metrics[str(m.entries[0].key)]
        if md.agg not in ("count", "count_distinct") or md.formula:
            continue
        for v in st.mentions:
            if v.kind != "value":
                continue
            dsets = {e.key[0] for e in v.entries if e.kind == "value"}
            if any(fits(lex, ds, [str(m.entries[0].key)]) for ds in dsets):
                continue
            thing = next((n for n, x in lex.measures.items() for ds in dsets if x.dataset == ds
                          and x.aggregate == "count_distinct"
                          and x.field in (lex.index.datasets[ds].primary_key or [])), None)
            if thing is not None:
                m.kind, m.entries = "entity", [Entry("dataset", lex.measures[thing].dataset, exact=False)]
                found = True
                break
    return found


def _qualifies_next(st: ParseState, i: int) -> bool:
    """华东客户的商机有几个 / 订单明细行有几条: a thing right before (的 and) another thing qualifies it; the second
    one is counted."""
    m = st.mentions[i]
    nxt = st.mentions[i + 1] if i + 1 < len(st.mentions) else None
    return nxt is not None and nxt.kind in ("dim", "entity", "dataset") and thing_measure(st.lex, nxt) is not None \
        and thing_measure(st.lex, m) != thing_measure(st.lex, nxt) and bool(re.fullmatch(r"\s*(?:的)?\s*", st.t.text[m.end:nxt.start]))


_COUNT_WORD = re.compile(rf"(?:多少|几)\s*[{CLASSIFIERS}]|\bhow many\b")


def _count_after_understood(st: ParseState, m: Mention) -> bool:
    """商机今年赢了多少个: the next count word after the thing's word follows only understood words (a period, a
    status value) and function words: the thing is what is counted."""
    x = _COUNT_WORD.search(st.t.text, m.end)
    if x is None:
        return False
    gap = st.t.masked()[m.end:x.start()]
    return all(w in C.STOP for w in re.findall(r"[a-z]+|[\u4e00-\u9fff]+", gap))


def _count_thing(st: ParseState, created: list[Any]) -> None:
    """The count of the first thing mentioned (an ad-hoc count_distinct of its identifier, or the model's
    metric counting exactly those rows), filtered by the status values said of it and dated by its creation
    date when 新建/created is asked with a period."""
    lex, t, parts, mentions, cue = st.lex, st.t, st.parts, st.mentions, st.cue
    for i, m in enumerate(mentions):
        if m.kind not in ("dim", "entity", "dataset") or counts_other(lex, t.masked(), m, cue["COUNT"]) \
                or _qualifies_next(st, i):
            continue
        name = thing_measure(lex, m)
        if name is None:
            continue
        measure = lex.measures[name]
        ds, metric = measure.dataset, name
        if created:
            cf = creation_field(lex.model_index, ds)
            if cf is None:
                return  # 新建 of a thing with no creation date: left unread (reported), never ignored
            _take(st, created)
            metric = exact_count(lex.model_index, measure, time=cf) or name
            if metric == name and parts.time_range:
                parts.time_range = {**parts.time_range, "field": f"{ds}.{cf}"}
        elif (verb := _date_verb(st, ds)) is not None:  # 今年开工了多少个工单: dated by 开工日期
            metric = exact_count(lex.model_index, measure, time=verb) or name
            if metric == name and parts.time_range:
                parts.time_range = _whole_if_planned(lex, ds, verb, {**parts.time_range, "field": f"{ds}.{verb}"},
                                                     st.today)
        else:
            values = [v for v in mentions if v.kind == "value" and not _negated(st, v)
                      and any(e.kind == "value" and e.key[0] == ds for e in v.entries)]
            conds = [{"field": f"{ds}.{e.key[1]}", "op": "=", "value": e.key[2]}
                     for v in values for e in v.entries[:1] if e.key[0] == ds]
            exact = exact_metric(lex, ds, conds) if conds and len(conds) == len(values) else None
            if exact:
                metric = exact
                for v in values:
                    v.kind = "counted"  # the metric's own filter says it
            else:  # the model's own count of those rows (patent_applications), filtered by the status words
                metric = exact_count(lex.model_index, measure) or name
        parts.metrics.append(metric)
        st.consumed.add(i)
        for j, other in enumerate(mentions):  # 客户档案里有多少家客户: the thing said twice is counted once
            if j != i and other.kind in ("dim", "entity", "dataset") and thing_measure(lex, other) == name:
                st.consumed.add(j)
        return
    # 发明专利有多少件 / how many invention patents: the value's word names the thing too
    for v in mentions:
        flag = v.kind == "dim" and len(v.entries) == 1 and lex.index.fields.get(v.entries[0].key) is not None \
            and lex.index.fields[v.entries[0].key].type == "boolean"  # 有多少个新产品: the flag's thing, flagged
        if (v.kind != "value" and not flag) or _negated(st, v):
            continue
        ds = v.entries[0].key[0]
        if flag:
            name = thing_of(lex, ds)
            if name is not None and _next_to_count(st, v):
                parts.metrics.append(exact_count(lex.model_index, lex.measures[name]) or name)
                return
            continue
        name = thing_of(lex, ds)
        if name is None or created or not _next_to_count(st, v):
            continue
        exact = exact_metric(lex, ds, [{"field": f"{ds}.{v.entries[0].key[1]}", "op": "=", "value": v.entries[0].key[2]}])
        if exact:
            v.kind = "counted"
        parts.metrics.append(exact or exact_count(lex.model_index, lex.measures[name]) or name)
        return


    # 有几个仓库 / 一共有多少条产线: the number of the dimension's distinct values
    for i, m in enumerate(mentions):
        if m.kind != "dim" or created or not count_word_near(t.text, m.start, m.end):
            continue
        keys = [e.key for e in m.entries if e.kind == "dim" and e.key in lex.value_count]
        if keys:
            keys.sort(key=lambda k: lex.hierarchy_rank.get(k, 9))
            parts.metrics.append(lex.value_count[keys[0]])
            st.consumed.add(i)
            return
    # 今年质检了多少次: the date verb's thing, dated by it
    for word, (ds, f) in lex.date_verb.items():
        x = t.masked().find(word)
        name = thing_of(lex, ds)
        if x >= 0 and name is not None and not created and count_word_near(t.text, x, x + len(word)) | bool(
                CLASSIFIER.search(t.text, x + len(word))):
            t.take(x, x + len(word))
            metric = exact_count(lex.model_index, lex.measures[name], time=f) or name
            if metric == name and parts.time_range:
                parts.time_range = {**parts.time_range, "field": f"{ds}.{f}"}
            parts.metrics.append(metric)
            return


_PLANNED = re.compile(r"计划|预计|预定|\bplanned\b|\bexpected\b|\bdue\b", re.I)
_WHOLE = {"this_year": "year", "this_quarter": "quarter", "this_month": "month"}


def _whole_if_planned(lex: Any, ds: str, f: str, tr: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """计划今年结项: a planned date (计划结项日期, due date) lies ahead, so 今年 on it is the whole year, not the year
    so far (this quarter, this month likewise)."""
    fd = lex.model_index.fields.get((ds, f))
    unit = _WHOLE.get(str(tr.get("relative")))
    if fd is None or unit is None or not any(_PLANNED.search(w or "") for w in [fd.label, fd.label_en, *fd.synonyms]):
        return tr
    y, m = today.year, today.month
    first, months = {"year": (1, 12), "quarter": (3 * ((m - 1) // 3) + 1, 3), "month": (m, 1)}[unit]
    start = dt.date(y, first, 1)
    after = first + months
    end = (dt.date(y + 1, 1, 1) if after > 12 else dt.date(y, after, 1)) - dt.timedelta(days=1)
    return {"field": tr["field"], "start": start.isoformat(), "end": end.isoformat()}


def _split_date_verbs(st: ParseState) -> None:
    """计划今年结项的项目: a date verb (计划结项 ← 计划结项日期) said around a period, whose first part was read as an
    everyday metric word (计划 → planned quantity), is the date verb: it dates the count, it is no metric."""
    lex, t = st.lex, st.t
    spans = [(r.start, r.end) for r in st.ranges]
    for m in st.mentions:
        if m.kind != "metric" or m.entries[0].exact:
            continue
        for word, (ds, f) in lex.date_verb.items():
            if not word.startswith(m.term) or len(word) <= len(m.term):
                continue
            rest, i, took = word[len(m.term):], m.end, []
            while i < len(t.text) and rest:
                inside = next((e for s, e in spans if s <= i < e), None)
                if inside is not None:
                    i = inside
                elif t.text[i] == rest[0] and not t.taken[i]:
                    took.append(i)
                    rest, i = rest[1:], i + 1
                else:
                    break
            if rest:
                continue
            for k in took:
                t.take(k, k + 1)
            m.kind, m.term, m.entries = "date_verb", word, [Entry("dim", (ds, f))]
            break


def _date_verb(st: ParseState, ds: str) -> str | None:
    """The date field of `ds` a free verb of the question names (开工 → start_date), the verb understood."""
    said = next((m for m in st.mentions if m.kind == "date_verb" and m.entries[0].key[0] == ds), None)
    if said is not None:
        return str(said.entries[0].key[1])
    masked = st.t.masked()
    for word, (d, f) in st.lex.date_verb.items():
        x = masked.find(word)
        if d == ds and x >= 0:
            st.t.take(x, x + len(word))
            return f
    return None


def _next_to_count(st: ParseState, v: Mention) -> bool:
    """Only understood or function words lie between the mention and its nearest count word (how many
    employees … Suzhou plant counts employees, not the plant's work orders)."""
    masked = st.t.masked()
    counts = [(x.start(), x.end()) for x in st.cue["COUNT"]] + [x.span() for x in CLASSIFIER.finditer(st.t.text)]
    if not counts:
        return False
    s, e = min(counts, key=lambda c: min(abs(c[0] - v.end), abs(v.start - c[1])))
    gap = masked[v.end:s] if s >= v.end else masked[e:v.start]
    words = re.findall(r"[a-z]+|[\u4e00-\u9fff]+", gap)
    return all(w in C.STOP for w in words)


def _negated(st: ParseState, v: Mention) -> bool:
    return any(0 <= v.start - x.end() <= 2 for x in st.cue["NEG"])


def _qualifiers(st: ParseState) -> None:
    """在途 → the model's filter it names, on the counted thing; dropped when the asked metric has it already."""
    lex, parts = st.lex, st.parts
    for m in st.mentions:
        if m.kind != "qualifier":
            continue
        ds, conds = lex.qualifier[m.term]
        metrics = st.frame_metrics
        if not metrics or not all(fits(lex, ds, [x]) for x in metrics):
            st.unknown.append({"text": m.term, "reason": "这个词不能用于所问的指标 / this word does not apply to the metric",
                               "suggestions": []})
            continue
        if all(filter_of(lex, x) == conds for x in metrics):
            continue  # 在途商机的金额: the pipeline amount is the open opportunities' already
        for c in conds:
            parts.where.append(dict(c))
