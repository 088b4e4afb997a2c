"""The lexicon's words learned from the model beyond labels (called by `Lexicon.build`, lexicon.py; each takes
the Lexicon being built and fills its attributes):
- `add_measures`: countable things (供应商, 工单, deals), numeric fields (库存数量, 预算, unit price), qualifier
  words (在途), quantity verbs (报废 → 报废数量), business verbs (buy → revenue / purchase amount) from
  measures.py and glossary.py; the lexicon's `index` then holds the measures' hidden metrics too;
- `add_count_stems`: a count metric's word without its final 数/量 (专利申请数 → 专利申请);
- `add_dataset_words`: a dataset's own labels (研发项目, patents) name its rows;
- `add_status_verbs`: a done-status said with its verb (已取消 → 被取消 / 取消了), an absent-value's other side
  (无缺陷 → 有缺陷).
Invariant: every word here is added only where no other term has it (the model's own words win), and the
Lexicon's attributes are the ones lexicon.py declares (the on-disk cache pickles them, service/ask_lexicon.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from shuzhi.ai.nl.glossary import QUALIFIER_ALIASES, THING_ALIASES, VERBS
from shuzhi.ai.nl.lexicon_normal import ASCII_WORD as _ASCII_WORD
from shuzhi.ai.nl.lexicon_normal import normalize
from shuzhi.ai.nl.measures import (
    countables,
    date_verbs,
    field_measures,
    metric_defs,
    qualifiers,
    value_counts,
)
from shuzhi.ai.nl.types import Entry
from shuzhi.model.aggregations import metric_over


def add_measures(lex: Any) -> None:
    """Countable things (供应商, 工单, 批次, deals), numeric fields (库存数量, 预算, unit price) and qualifier
    words (在途) learned from the model (measures.py), each word only where no other entry has it; the
    lexicon's `index` then holds the measures' hidden metrics too (labels, formats, datasets for grounding)."""
    lex.model_index = lex.index
    things = countables(lex.index)
    fields, covered = field_measures(lex.index)
    distinct = value_counts(lex.index, {m.name for m in things + fields})
    for m in distinct:
        lex.value_count[(m.dataset, m.field)] = m.name
    lex.date_verb = {normalize(w): k for w, k in date_verbs(lex.index).items()}
    for m in things + fields + distinct:
        lex.measures[m.name] = m
    for m in things:
        words = list(m.words)
        for w in list(words):
            words += THING_ALIASES.get(w, [])
        for w in words:
            nw = normalize(w)
            if len(nw) < 2:
                continue
            lex.things.setdefault(nw, m.name)
            lex.entity_of.setdefault(nw, m.dataset)
            if " " in nw and re.fullmatch(r"[a-z ]+[^s]", nw):  # order line → order lines
                lex.things.setdefault(nw + "s", m.name)
            if nw not in lex.terms:
                lex._add(w, Entry("dataset", m.dataset, exact=False))
    for m in things:  # 商机数 / 采购单数 / 项目个数: the thing's count, where no metric has the word
        for w in m.words:
            nw = normalize(w)
            if len(nw) >= 2 and not _ASCII_WORD.search(nw):
                for suf in ("数", "数量", "个数", "总数"):
                    if nw + suf not in lex.terms:
                        lex._add(nw + suf, Entry("metric", m.name))
    for m in fields:
        for w in m.words:
            forms = [w, re.sub(r"(?i)\bqty\b", "quantity", w)]  # on-hand qty / on-hand quantity
            for x in dict.fromkeys(forms):
                if normalize(x) not in lex.terms and normalize(x) not in _BARE:  # 数量 alone says nothing
                    lex._add(x, Entry("metric", m.name))
    for (ds, f), metric in covered.items():  # 不良品数量 → defect_qty: the model's metric over the field
        fd = lex.index.fields[(ds, f)]
        lex.field_of[metric] = (ds, f)
        for w in [fd.label, fd.label_en, *fd.synonyms]:
            nw = normalize(w or "")
            if nw and nw not in lex.terms:
                lex._add(w, Entry("metric", metric, exact=False))
            for suf in ("数量", "数", "量"):  # 不良品有多少件: the word without 数量
                stem = nw[: -len(suf)]
                if nw.endswith(suf) and len(stem) >= 3 and not _ASCII_WORD.search(stem) and stem not in lex.terms:
                    lex._add(stem, Entry("metric", metric, exact=False))
                    break
    # 报废了多少件 / 送检了多少: a quantity field's word without 数量 is the verb that produced the quantity
    for (ds, f), fd in lex.index.fields.items():
        if fd.dimension or fd.type != "integer":
            continue
        kept = metric_over(lex.index, ds, f, filtered=True)  # 订购数量 of valid lines: sales_quantity
        name = covered.get((ds, f)) or (kept.name if kept is not None and not kept.hidden else None) \
            or next((m.name for m in fields if (m.dataset, m.field) == (ds, f)), None)
        for w in [fd.label, *fd.synonyms]:
            stem = re.sub(r"(?:数量|件数|数|量)$", "", normalize(w or ""))
            if name and stem != normalize(w or "") and len(stem) >= 2 and not _ASCII_WORD.search(stem):
                lex.qty_verbs.setdefault(stem, name)
    quals = qualifiers(lex.index, {w: lex.measures[n].dataset for w, n in lex.things.items()
                                                      if lex.measures[n].field in (lex.index.datasets[
                                                          lex.measures[n].dataset].primary_key or [])})
    for word, alias in QUALIFIER_ALIASES.items():  # open deals: the everyday word for a qualifier the model has
        for a in alias:
            if word in quals:
                quals.setdefault(a, quals[word])
    for word, (ds, conds) in quals.items():
        nw = normalize(word)
        if nw not in lex.terms:
            lex.qualifier[nw] = (ds, conds)
            lex._add(word, Entry("qualifier", nw))
    for verb, (stems, english) in VERBS.items():  # buy → the metrics whose everyday words say 买 / 采购
        cands = [n for n, md in lex.index.metrics.items() if not md.hidden
                 and any(st in w for w in md.everyday_words for st in stems)]
        if len(cands) < 1:
            continue
        lex.verb_metrics[verb] = cands
        for n in cands:
            for w in lex.index.metrics[n].everyday_words:
                if any(st in w for st in stems):
                    lex.verb_of.setdefault(normalize(w), verb)
        for w in english:
            lex.verb_of.setdefault(normalize(w), verb)
            if normalize(w) not in lex.terms:
                lex._add(w, Entry("verb", verb))
    extra = metric_defs(lex.index, things + fields + distinct)
    lex.index = replace(lex.index, metrics={**lex.index.metrics, **extra})



def add_count_stems(lex: Any) -> None:
    """专利申请数 → 专利申请: a count metric's word without its final 数/量 (when that word is free)."""
    for name, m in lex.index.metrics.items():
        if m.hidden or (m.agg not in ("count", "count_distinct") and m.format != "integer"):
            continue
        for w in [m.label, *m.synonyms]:
            w = normalize(w or "")
            for suf in ("数量", "数", "量"):
                stem = w[: -len(suf)]
                if w.endswith(suf) and len(stem) >= 3 and not _ASCII_WORD.search(stem) and stem not in lex.terms:
                    lex._add(stem, Entry("metric", name, exact=False))
                    break



def add_dataset_words(lex: Any) -> None:
    """A dataset's label (研发项目, 专利) and English label (patents, patent) name its rows."""
    for name, d in lex.index.datasets.items():
        en = normalize(d.label_en or "")
        words = [normalize(d.label or ""), en, en[:-1] if en.endswith("s") else ""]
        for w in words:
            if len(w) < 2:
                continue
            lex.entity_of.setdefault(w, name)
            if w not in lex.terms:
                lex._add(w, Entry("dataset", name, exact=False))



def add_status_verbs(lex: Any) -> None:
    """已取消 → 被取消, 取消了, 已经取消: a done-status said with its verb (and 无缺陷 → 有缺陷 / 发现缺陷, a
    qualifier for the other values), only where the verb is no word of
    its own (授权 is the granted-patents metric and a date verb: 授权了几项专利 counts grants)."""
    taken = set(lex.terms)
    for verb, key in lex._status_verbs:
        if verb.startswith("!"):  # 无缺陷: 有缺陷 / 发现缺陷 / with defects is the field's other values
            ds, f, v = key
            for w in (f"有{verb[1:]}", f"发现{verb[1:]}", f"存在{verb[1:]}", f"出现{verb[1:]}"):
                if w not in taken:
                    lex.qualifier[w] = (ds, [{"field": f"{ds}.{f}", "op": "!=", "value": v}])
                    lex._add(w, Entry("qualifier", w))
            continue
        if verb in taken or verb in lex.date_verb or any(w.startswith(verb) for w in lex.date_verb):
            continue
        for w in (f"被{verb}", f"{verb}了", f"已经{verb}"):
            if w not in taken:
                lex._add(w, Entry("value", key, exact=False))



# Field labels too bare to name one field's measure (数量: of what?).
_BARE = {"数量", "金额", "数额", "总额", "比例", "占比", "比率", "quantity", "amount", "qty"}
