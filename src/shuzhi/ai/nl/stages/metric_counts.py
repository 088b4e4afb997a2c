"""Helper of the `metrics` stage (not a stage): the thing counted.

多少个商机 / 赢了多少单 re-read as counted things, 多少客户下单 as the things doing it (the thing's model count over the
verb metric's rows), 在几个国家 as the number of a field's distinct values, and the count of the first thing
mentioned (an ad-hoc count_distinct of its identifier, or the model metric counting exactly those rows) with
its status words, its creation date (新建) or the date its verb names (开工). Every function reads and writes
only the ParseState it is given; a word it understands is masked (`Text.take`), so it is used once."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.context_count import counts_other
from shuzhi.ai.nl.grounding import (
    CLASSIFIER,
    CLASSIFIERS,
    COUNT_BEFORE,
    count_metric,
    count_word_near,
    exact_metric,
    fits,
    thing_measure,
    thing_of,
)
from shuzhi.ai.nl.measures import creation_field, exact_count
from shuzhi.ai.nl.stages.metric_dates import date_verb, whole_if_planned
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention

_COUNT_BEFORE = re.compile(r"(?:几|多少)\s*(?:个|家|条|种|类|座)?\s*$|\bhow many\s+(?:different\s+)?$")


def _names_a_thing(lex: Any, key: tuple[str, str]) -> bool:
    """The field is the name of its dataset's rows (customer_name, 供应商名称): counting its values is counting the
    thing, which the count rules below do with the thing's own count."""
    fd = lex.index.fields.get(key)
    return key[1].endswith("_name") or fd is not None and (
        (fd.label or "").endswith("名称") or (fd.label_en or "").lower().endswith(" name"))


def distinct_asked(st: ParseState) -> None:
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


def things_by_activity(st: ParseState) -> bool:
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


def take_matches(st: ParseState, found: list[Any]) -> None:
    """Mask every match found (the words are understood)."""
    for x in found:
        st.t.take(x.start(), x.end())


def things_counted(st: ParseState) -> bool:
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


def qualifies_next(st: ParseState, i: int) -> bool:
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


def count_thing(st: ParseState, created: list[Any]) -> None:
    """The count of the first thing mentioned (an ad-hoc count_distinct of its identifier, or the model's
    metric counting exactly those rows), filtered by the status values said of it and dated by its creation
    date when 新建/created is asked with a period."""
    lex, t, parts, mentions, cue = st.lex, st.t, st.parts, st.mentions, st.cue
    for i, m in enumerate(mentions):
        if m.kind not in ("dim", "entity", "dataset") or counts_other(lex, t.masked(), m, cue["COUNT"]) \
                or qualifies_next(st, i):
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
            take_matches(st, created)
            metric = exact_count(lex.model_index, measure, time=cf) or name
            if metric == name and parts.time_range:
                parts.time_range = {**parts.time_range, "field": f"{ds}.{cf}"}
        elif (verb := date_verb(st, ds)) is not None:  # 今年开工了多少个工单: dated by 开工日期
            metric = exact_count(lex.model_index, measure, time=verb) or name
            if metric == name and parts.time_range:
                parts.time_range = whole_if_planned(lex, ds, verb, {**parts.time_range, "field": f"{ds}.{verb}"},
                                                     st.today)
        else:
            values = [v for v in mentions if v.kind == "value" and not negated(st, v)
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
        if (v.kind != "value" and not flag) or negated(st, v):
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


def negated(st: ParseState, v: Mention) -> bool:
    """A negation word (不是, 非, not) ends at most two characters before the mention."""
    return any(0 <= v.start - x.end() <= 2 for x in st.cue["NEG"])
