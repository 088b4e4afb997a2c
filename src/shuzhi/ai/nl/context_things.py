"""Things, persons and verbs read in the context of the whole question (used by the words_in_context stage).

- a yes/no word ending in its thing's word after a group word groups by the thing with the flag as a
  condition (各个新产品 → by product, new only: `flagged_things`);
- a person stem after a superlative of another metric is the person ranked (赢单率最高的销售:
  `person_after_superlative`);
- an everyday word whose metric cannot reach the named things is the one metric that can (spend → R&D spend
  for R&D projects: `everyday_reach`);
- business verbs take the metric that reaches the thing named (bought from suppliers → purchase amount:
  `business_verbs`);
- a field word starting with its thing's word after a which/group word names the thing and the measure
  (哪个项目预算最多: `which_thing_measure`); a thing's word + 的 + a word that with it is a term is that term
  (订单的金额 → revenue: `of_glued`).
Invariant: these only split or re-label mentions the scanner found; a span joined is masked; none or several
fitting leaves a mention as it was.
"""

from __future__ import annotations

import re

from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Entry, Mention, Text

_GROUP_BEFORE = re.compile(r"(?:各个|各种|各|每个|每一个|每种|按照|按|哪个|哪些|哪几个|哪一个|\bby\b|\bper\b|\beach\b"
                           r"|\bwhich\b)\s*$")


def flagged_things(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """各个新产品: a yes/no field's word that ends with its thing's word (新产品 = 新 + 产品), after a group word,
    groups by the thing (its name field) with the flag as a condition — not by the flag."""
    out: list[Mention] = []
    for m in mentions:
        keys = [e.key for e in m.entries if e.kind == "dim"]
        fd = lex.index.fields.get(keys[0]) if m.kind == "dim" and len(keys) == 1 else None
        ds = keys[0][0] if keys else ""
        thing = next((w for w, n in lex.things.items() if lex.measures[n].dataset == ds and len(w) >= 2
                      and m.term.endswith(w) and m.term != w), None) if fd is not None else None
        names = [f for (d, f), x in lex.index.fields.items() if d == ds and x.dimension and x.type == "string"
                 and (f.endswith("_name") or f in ("name", "title"))]
        if fd is None or fd.type != "boolean" or thing is None or not names \
                or not _GROUP_BEFORE.search(text[:m.start]) or m.term in lex.both_sides:
            out.append(m)
            continue
        out.append(Mention(m.start, m.end, m.term, "value", [Entry("value", (ds, keys[0][1], True))]))
        out.append(Mention(m.start, m.end, m.term, "dim", [Entry("dim", (ds, names[0]))]))
    return out


_BEST_BEFORE = re.compile(r"(?:最高|最低|最多|最少|最好|最差|最大|最小|第一|排名第一|\bbest\b|\btop\b)\s*(?:的)?\s*$")


def person_after_superlative(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """赢单率最高的销售: a person word's stem read as an everyday metric (销售 → revenue) after a superlative of
    another metric is the person ranked (销售代表 / 商机负责人), not a second metric."""
    exact = [m for m in mentions if m.kind == "metric" and m.entries[0].exact]
    for m in mentions:
        if m.kind == "metric" and not m.entries[0].exact and m.term in lex.person_stems and exact \
                and _BEST_BEFORE.search(text[:m.start]) and m.start > exact[0].end:
            m.kind, m.entries = "dim", [Entry("dim", k) for k in lex.person_stems[m.term]]
    return mentions



def everyday_reach(lex: Lexicon, mentions: list[Mention]) -> list[Mention]:
    """top R&D projects by spend: an everyday word (spend → purchase amount) whose metric cannot reach the things
    the question names is the metric, among those whose everyday words or synonyms hold the word (r&d spending
    → R&D spend), that reaches them all; none or several fitting: left as it was (reported as unreachable)."""
    named = {str(e.key[0]) if isinstance(e.key, tuple) else str(e.key) for m in mentions
             if m.kind in ("dim", "value", "entity", "dataset") for e in m.entries[:1]}
    named.discard("")
    if not named:
        return mentions
    for m in mentions:
        if m.kind != "metric" or m.entries[0].exact:
            continue
        name = str(m.entries[0].key)
        if all(ds in lex.reachable(name) for ds in named):
            continue
        word = re.compile(rf"(?<![a-z]){re.escape(m.term)}(?![a-z])") if _ASCII.search(m.term) else re.compile(re.escape(m.term))
        fit = [n for n, md in lex.model_index.metrics.items() if n != name and not md.hidden
               and any(word.search(normalize(w or "")) for w in [*md.everyday_words, *md.synonyms])
               and all(ds in lex.reachable(n) for ds in named)]
        if len(fit) == 1:
            m.entries = [Entry("metric", fit[0], exact=False)]
    return mentions


_ASCII = re.compile(r"[a-z]")


def business_verbs(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """buy / 买了 / sold: the verb's metric is the one (among the model's metrics whose everyday words say the
    verb) that reaches the thing the question names — customers bought: revenue; bought from suppliers: the
    purchase amount; several fitting: the model's first. A verb beside another metric is only a word of the
    sentence; one no named thing decides is left unread (reported)."""
    named = {e.key[0] if isinstance(e.key, tuple) else str(e.key) for m in mentions
             if m.kind in ("dim", "value", "entity", "dataset") for e in m.entries}
    exact = [m for m in mentions if m.kind == "metric" and m.entries[0].exact]
    for m in mentions:
        verb = lex.verb_of.get(m.term) if m.kind in ("verb", "metric") else None
        if verb is None or (m.kind == "metric" and m.entries[0].exact):
            continue
        if m.kind == "verb" and exact:
            m.kind = "used"  # how much revenue did we sell: the metric says it
            continue
        cands = lex.verb_metrics.get(verb, [])
        fit = [c for c in cands if named and all(any(d in lex.reachable(c) for d in [ds]) for ds in named)]
        if m.kind == "metric" and (not named or str(m.entries[0].key) in fit):
            continue
        if fit:  # several fit (revenue, sales quantity): the model's first, as it lists its main metrics first
            m.kind, m.entries = "metric", [Entry("metric", fit[0], exact=False)]
        for x in mentions:  # customers bought / bought from suppliers: who buys, not a breakdown
            if x.kind == "dim" and x.term in lex.things and not _GROUP_BEFORE.search(text[:x.start]):
                x.kind = "entity"
    return mentions


def _name_field(lex: Lexicon, ds: str) -> str | None:
    return next((f for (d, f), x in lex.index.fields.items() if d == ds and x.dimension and x.type == "string"
                 and (f.endswith("_name") or f in ("name", "title"))), None)


def which_thing_measure(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """哪个项目预算最多 / 各项目预算: a field word that starts with its thing's word (项目预算 = 项目 + 预算) after
    a which or group word names the thing (by its name field) and the measure."""
    out: list[Mention] = []
    for m in mentions:
        measure = lex.measures.get(str(m.entries[0].key)) if m.kind == "metric" else None
        word = next((w for w, n in lex.things.items() if measure is not None and lex.measures[n].dataset == measure.dataset
                     and len(w) >= 2 and m.term.startswith(w) and len(m.term) > len(w)), None)
        name = _name_field(lex, measure.dataset) if measure is not None else None
        if word is None or name is None or not _GROUP_BEFORE.search(text[:m.start]):
            out.append(m)
            continue
        cut = m.start + len(word)
        out.append(Mention(m.start, cut, word, "dim", [Entry("dim", (measure.dataset, name))]))
        out.append(Mention(cut, m.end, m.term[len(word):], "metric", m.entries))
    return out


_OF_WORD = re.compile(r"\s*的\s*([\u4e00-\u9fff]{2,6})")


def of_glued(lex: Lexicon, t: Text, mentions: list[Mention]) -> list[Mention]:
    """订单的金额 / 采购订单的金额: a thing's word, 的, and a word that with it is a term of its own (订单金额 →
    revenue, 采购订单金额 → purchase_amount) is that term — not the thing's count with 金额 dropped."""
    out: list[Mention] = []
    for m in mentions:
        g = _OF_WORD.match(t.text, m.end) if m.term in lex.things or m.kind == "dataset" else None
        if g is not None and not any(t.taken[g.start(1):g.end(1)]):
            for k in range(len(g.group(1)), 1, -1):
                whole = m.term + g.group(1)[:k]
                entries = lex.terms.get(whole)
                if entries and any(e.kind == "metric" for e in entries):
                    end = g.start(1) + k
                    t.take(m.start, end)
                    m = Mention(m.start, end, whole, "metric", [e for e in entries if e.kind == "metric"][:1])
                    break
        out.append(m)
    return out
