"""Stage: the asked metrics — metric words in order, else (多少客户 / how many patents) the count metric
of the thing or dataset counted, unless an unknown word says another thing is counted; else the count of
any thing the model has rows of (供应商, 工单, 批次, deals: an ad-hoc count_distinct of its identifier,
nl/measures.py), filtered by the status words said with it (进行中, 赢单; a model metric counting exactly
those rows wins: won_opportunities), and for 新建/新增/created in a period by the thing's creation date.

Words that would otherwise be read as another metric are re-read as the thing counted: 多少个商机 is a count
of opportunities, not the pipeline amount; 赢了多少单 counts won opportunities, not sales orders. Qualifier
words (在途 = the model's open-opportunity filter) become where conditions, or are dropped when the asked
metric already has that filter; a creation word that cannot be honoured is left unread (reported).

The readings live in helper modules: metric_counts.py (the thing counted), metric_dates.py (date verbs,
durations), metric_money.py (money and quantities without a metric word)."""

from __future__ import annotations

import re

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.context_count import counts_other, dataset_count_metric
from shuzhi.ai.nl.grounding import (
    CLASSIFIER,
    COUNT_AFTER,
    CREATED,
    count_metric,
    filter_of,
    fits,
    thing_of,
)
from shuzhi.ai.nl.measures import AGG_WORDS, Measure, creation_field, exact_count, variant
from shuzhi.ai.nl.stages.metric_counts import (
    count_thing,
    distinct_asked,
    qualifies_next,
    take_matches,
    things_by_activity,
    things_counted,
)
from shuzhi.ai.nl.stages.metric_dates import duration_asked, split_date_verbs
from shuzhi.ai.nl.stages.metric_money import (
    money_of_thing_word,
    money_of_value,
    money_per_thing,
    outside_the_filter,
    quantity_verb,
    size_of_thing,
)
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry


def metrics(st: ParseState) -> None:
    lex, t, parts, mentions, cue = st.lex, st.t, st.parts, st.mentions, st.cue
    if duration_asked(st):
        return
    split_date_verbs(st)
    recounted = things_counted(st) | things_by_activity(st)
    money_of_thing_word(st)
    _aggregation_words(st)
    st.metric_ms = [m for m in mentions if m.kind == "metric"]
    for m in st.metric_ms:
        name = m.entries[0].key
        if name not in parts.metrics:
            parts.metrics.append(name)
    outside_the_filter(st)
    previous = st.follow_frame
    st.frame_metrics = parts.metrics or (previous.metrics if previous is not None else [])

    if not st.frame_metrics:
        quantity_verb(st)
    if not st.frame_metrics:
        money_per_thing(st)
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
        distinct_asked(st)  # 海外客户分布在几个国家: how many countries, not customers by country
    if not st.frame_metrics and counting and not parts.metrics:
        for i, m in enumerate([] if on_file is not None else mentions):
            if m.kind in ("dim", "entity") and not qualifies_next(st, i):
                cm = count_metric(lex, m, new=bool(created or C.NEW.search(t.masked())))
                if cm in lex.measures:
                    break  # a thing without a model metric: counted below, with its status and creation words
                if cm and not counts_other(lex, t.masked(), m, cue["COUNT"]):
                    parts.metrics.append(cm)
                    st.consumed.add(i)
                    if created and cm != count_metric(lex, m):
                        take_matches(st, created)
                    break
        if not parts.metrics:  # 多少项专利 / how many patents: the dataset's plain count metric
            cm = next((c for x in mentions if x.kind == "dataset" and not counts_other(lex, t.masked(), x, cue["COUNT"])
                       and (c := dataset_count_metric(lex, str(x.entries[0].key)))), None)
            if cm and not created:
                parts.metrics.append(cm)
        if not parts.metrics:
            count_thing(st, created)
    if not st.frame_metrics and parts.metrics:
        outside_the_filter(st)  # 被取消的订单有几个: the count chosen above, without the filter the value clashes with
    if not st.frame_metrics and not parts.metrics:
        size_of_thing(st)
    if not st.frame_metrics and not parts.metrics:
        money_of_value(st)
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


# the thing's own records (客户档案, on file): counted in its own dataset, not by a metric of another one
_ON_FILE = re.compile(r"档案[里中内]?的?|在册的?|名录[里中内]?的?|花名册|主数据[里中内]?的?|\bon file\b|\bon record\b|\bon the books\b"
                      r"|\bin (?:the|our) (?:system|database|master data)\b")


# 多少金额 / 多少的金额 / 多少钱: the open 多少 asks an amount of money, not how many things
_MONEY_AFTER_COUNT = re.compile(r"\s*的?\s*(?:金额|钱|块钱)")


def _creation_said(st: ParseState) -> None:
    """new customers onboarded this year / 今年新建档的新增客户: a creation word said of a metric dated by its
    thing's creation date (new_customers by created_date) says the metric again; it is understood."""
    lex, t = st.lex, st.t
    if len(st.parts.metrics) != 1:  # 今年建档的新客户贡献了多少销售额: 新客户 qualifies another metric; not read here
        return
    dated = [n for n in st.parts.metrics if (md := lex.index.metrics.get(n)) is not None and md.dataset and md.time
             and md.time == creation_field(lex.model_index, str(md.dataset))]
    if dated:
        take_matches(st, list(CREATED.finditer(t.masked())))


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
