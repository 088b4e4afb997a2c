"""Counts read in the context of the whole question (used by the words_in_context and metrics stages).

- a verb qualifying a counted thing is the thing's count (下单的客户有多少家, how many customers placed orders →
  customer_count: `counted_things`);
- a count that stops at an unknown word counts that word, not the thing (客户投诉多少次: `counts_other`);
- a dataset's plain COUNT metric (`dataset_count_metric`);
- a count of pieces said of a money word or a verb is the quantity metric of the same rows (卖出去多少台, how
  many units: `counted_pieces`).
Invariant: these only re-label mentions the scanner found (a count metric only where the model or the
lexicon's measures has one); a unit word taken is masked.
"""

from __future__ import annotations

import re

from shuzhi.ai.nl.context import _is_content
from shuzhi.ai.nl.grounding import CLASSIFIERS, count_metric
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.types import Entry, Mention, Text

_HOW_MANY_AFTER = re.compile(r"\s*(?:一共|总共|共)?(?:有)?\s*(?:多少|几)")


def counted_things(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """下单的客户有多少家: an everyday verb (下单, 采购) qualifying a thing that is counted is the thing's
    count metric (下单客户数 = customer_count), not the verb's metric."""
    out, skip = [], -1
    for i, a in enumerate(mentions):
        if i == skip:
            continue
        x = mentions[i + 1] if i + 1 < len(mentions) else None
        if (a.kind == "metric" and not a.entries[0].exact and x is not None and x.kind in ("dim", "entity")
                and re.fullmatch(r"\s*(?:过)?的\s*", text[a.end:x.start]) and _HOW_MANY_AFTER.match(text, x.end)):
            cm = count_metric(lex, x)
            if cm:
                out.append(Mention(a.start, x.end, text[a.start:x.end], "metric", [Entry("metric", cm, exact=False)]))
                skip = i + 1
                continue
        if (a.kind in ("dim", "entity") and x is not None and x.kind in ("verb", "metric") and lex.verb_of.get(x.term)
                and (x.kind == "verb" or not x.entries[0].exact) and _HOW_MANY_BEFORE.search(text[:a.start])
                and re.fullmatch(r"\s*(?:have|had|who|that)?\s*", text[a.end:x.start])):
            cm = count_metric(lex, a)  # how many customers placed orders: the buying customers (customer_count)
            if cm:
                out.append(Mention(a.start, x.end, text[a.start:x.end], "metric", [Entry("metric", cm, exact=False)]))
                skip = i + 1
                continue
        out.append(a)
    return out


_HOW_MANY_BEFORE = re.compile(r"\bhow many\s+$|\bnumber of\s+$")


def counts_other(lex: Lexicon, text: str, m: Mention, counts: list[re.Match[str]]) -> bool:
    """An unknown word sits between the thing and its nearest 多少 (客户投诉多少次): the question counts
    that unknown thing, not the customers."""
    if not counts:
        return False
    c = min(counts, key=lambda x: min(abs(x.start() - m.end), abs(m.start - x.end())))
    gap = text[m.end:c.start()] if c.start() >= m.end else text[c.end():m.start]
    if c.start() < m.end:  # 多少张采购单 / 几次检验: the count's classifier is part of the count word
        gap = re.sub(rf"^\s*[{CLASSIFIERS}]", "", gap)
    gap = re.sub(r"各自|各|分别|都|一共|总共|共", "", gap)  # 专利各有多少件: function words of the count
    return any(_is_content(lex, tok) for tok in lex.tokenizer.lcut(gap))


def dataset_count_metric(lex: Lexicon, ds: str) -> str | None:
    """The visible plain COUNT metric of a dataset (专利 → patent_applications), if there is one."""
    for name, m in lex.index.metrics.items():
        if not m.hidden and m.dataset == ds and m.agg == "count" and not m.filter:
            return name
    return None


# a count of pieces: 多少台 / 几件 / how many units — the quantity, not the money
_PIECES = re.compile(r"(?:多少|几)\s*(?:台|件|套|只|个|支|pcs)|\bhow many (?:units|pieces|pcs|items)\b")
_PIECE_WORD = re.compile(r"\b(?:units|pieces|pcs|items)\b")


def counted_pieces(lex: Lexicon, t: Text, mentions: list[Mention]) -> list[Mention]:
    """卖出去多少台 / how many units did we sell: a count of pieces said of an everyday money word or a verb is
    the model's quantity metric of the same rows (same dataset, filter and date, a sum the model counts in
    pieces: format integer) — 卖出 is revenue, 卖出多少台 the sales quantity."""
    pieces = _PIECES.search(t.text)
    if pieces is None:
        return mentions
    exact = [m for m in mentions if m.kind == "metric" and m.entries[0].exact]
    for m in mentions:
        if exact or m.kind not in ("metric", "verb") or (m.kind == "metric" and m.entries[0].exact):
            continue
        if m.kind == "verb":
            cands = lex.verb_metrics.get(str(m.entries[0].key), [])
            qty = [c for c in cands if _is_pieces(lex, c)]
        else:
            md = lex.index.metrics[str(m.entries[0].key)]
            if md.format != "currency" or not md.dataset:
                continue
            qty = [n for n, x in lex.model_index.metrics.items() if not x.hidden and x.dataset == md.dataset
                   and x.filter == md.filter and x.time == md.time and _is_pieces(lex, n)]
            if not qty and not md.filter:  # 多少件库存: the dataset's quantity field, read as the metric reads its money
                last = md.time_aggregation == "last"
                qty = [x.name for x in lex.measures.values() if x.dataset == md.dataset and x.words
                       and (x.how == "期末") == last and x.aggregate == "sum"
                       and lex.index.fields[(x.dataset, x.field)].type == "integer"]
        if not qty:
            continue
        m.kind, m.entries = "metric", [Entry("metric", qty[0], exact=False)]
        word = _PIECE_WORD.search(t.text, pieces.start())
        if word is not None and word.end() <= pieces.end():
            t.take(word.start(), word.end())
        break
    return mentions


def _is_pieces(lex: Lexicon, name: str) -> bool:
    md = lex.index.metrics[name]
    return md.agg == "sum" and md.format == "integer" and not md.formula
