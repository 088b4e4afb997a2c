"""Reading words in the context of the whole question (used by the parser after the dictionary scan).

- qualifier words: an everyday metric word right before a metric of the same dataset only qualifies it
  (「商机赢单率」 is win_rate, not pipeline_amount + win_rate); a dataset's entity word next to one of its
  own dimensions or values names whose it is (「行业客户」 groups by industry; "overseas customers" is the
  customers' region); a thing's word before its own measure is whose it is (商机的平均预计金额);
- compounds: an everyday metric word glued to a word nobody understands is part of an unknown concept
  (「净利润」, 「库存周转天数」 are not gross profit or inventory value): reported, never guessed;
- partial words (层级, 成功率): kept only when one metric or dimension fits what else is asked;
- lower-is-better metrics read 最差/worst as their highest values; 去年同期 shifts a range a year back;
- a period said of counts whose rows have no date is dropped and reported (`undated_period`).
Ratio metrics are in context_ratio.py, counts in context_count.py, things, persons and verbs in
context_things.py; they import `_is_content` from here (never the other way).
Invariant: these only remove or re-label mentions the scanner found; every span stays masked once
understood, and anything dropped as unknown is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.glossary import LOWER_IS_BETTER
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.measures import AGG_WORDS
from shuzhi.ai.nl.numbers import NUMBER_RE
from shuzhi.ai.nl.types import Entry, Mention, Parts, Text
from shuzhi.ai.nl.unknown import suggest
from shuzhi.spec.time_ranges import relative_range

_GLUE = re.compile(r"^\s*(?:的)?\s*$")
_EN_RATE = re.compile(r" rate\b")
_HAVE = ("有", "一共有", "共有", "总共有", "有过", "一共", "总共", "共")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CUES = (C.TOP_DESC, C.TOP_ASC, C.SUPER_DESC, C.SUPER_ASC, C.RANK, C.GROW_FAST, C.DROP_FAST, C.SHARE, C.YOY,
         C.POP, C.POP_MONTH, C.POP_QUARTER, C.GROWTH, C.CUMUL, C.TOTAL, C.COUNT, C.LISTING, C.COMPARE, C.NEG,
         C.GROUP, C.WHICH, C.COMP_RE, NUMBER_RE, C.FOLLOW, C.ADD, C.REPLACE)


def drop_qualifier_metrics(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """An inexact metric word glued to an exact metric of the same dataset (商机赢单率, 生产计划完成率)."""
    keep = []
    for i, m in enumerate(mentions):
        if m.kind == "metric" and not m.entries[0].exact:
            mine = set(lex.metric_datasets(str(m.entries[0].key)))
            near = [x for x in (mentions[i - 1] if i else None, mentions[i + 1] if i + 1 < len(mentions) else None)
                    if x is not None and x.kind == "metric" and x.entries[0].exact
                    and _GLUE.match(text[min(m.end, x.end):max(m.start, x.start)])]
            if any(mine & set(lex.metric_datasets(str(x.entries[0].key))) for x in near):
                continue
        keep.append(m)
    return keep


def _is_content(lex: Lexicon, tok: str) -> bool:
    tok = tok.strip()
    # a partial word still free here was not grounded (销售费用: 费用 is not 研发费用), so it is content
    return bool(tok) and bool(_CJK.search(tok)) and tok not in C.STOP \
        and tok not in lex.terms and not any(p.fullmatch(tok) for p in _CUES) \
        and not any(p.fullmatch(tok) for _, p in AGG_WORDS)  # 平均计划数量: the aggregation asked, not a concept


_OF_MEASURE = re.compile(r"\s*(?:的)?\s*(?:平均|合计|总|最大|最小|average|total|avg)?\s*(?:的)?\s*")


def thing_of_measure(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """商机的平均预计金额 / 项目的预算: a thing's word (read as an everyday metric) right before a measure of its
    own dataset says whose the measure is; it is not a second metric."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        if a.kind == "metric" and not a.entries[0].exact and a.term in lex.things and b.kind == "metric" \
                and str(b.entries[0].key) in lex.measures and _OF_MEASURE.fullmatch(text[a.end:b.start]) \
                and lex.measures[lex.things[a.term]].dataset == lex.measures[str(b.entries[0].key)].dataset:
            a.kind, a.entries = "entity", [Entry("dataset", lex.measures[lex.things[a.term]].dataset, exact=False)]
    return mentions


def compound_unknowns(lex: Lexicon, t: Text, mentions: list[Mention]
                      ) -> tuple[list[Mention], list[dict[str, Any]], list[tuple[int, int]]]:
    """净利润 / 库存周转天数: an everyday metric word glued to unknown content is an unknown concept.
    Returns the mentions kept, the unknown entries and their spans."""
    keep, unknown, spans = [], [], []
    n = len(t.text)
    swallowed_to = -1
    for m in mentions:
        if (m.kind == "metric" and not m.entries[0].exact and swallowed_to >= 0
                and t.text[swallowed_to:m.start] in ("", " ")):
            swallowed_to = max(swallowed_to, m.end)  # net profit margin: margin belongs to the same phrase
            t.take(spans[-1][0], m.end)
            spans[-1] = (spans[-1][0], m.end)
            unknown[-1]["text"] = t.text[spans[-1][0]:m.end]
            continue
        rate = _EN_RATE.match(t.text, m.end)
        if m.kind == "metric" and not _CJK.search(m.term) and rate and not any(t.taken[m.end:rate.end()]) \
                and lex.index.metrics[str(m.entries[0].key)].format in ("currency", "integer"):
            # employee turnover rate: a rate of something the model only sums or counts is another concept
            s = m.start
            for left in reversed(list(re.finditer(r"[a-z]+ ", t.text[:m.start]))):
                if left.end() != s or any(t.taken[left.start():left.end()]) or left.group().strip() in C.STOP:
                    break
                s = left.start()
            t.take(s, rate.end())
            spans.append((s, rate.end()))
            unknown.append({"text": t.text[s:rate.end()], "reason": "模型里没有这个指标 / no such metric in the model",
                            "suggestions": suggest(lex, t.text[s:rate.end()])})
            continue
        if m.kind == "metric" and not m.entries[0].exact and not _CJK.search(m.term):
            left = re.search(r"([a-z]+) $", t.text[:m.start])
            if left and not any(t.taken[left.start(1):left.end(1)]) and left.group(1) not in C.STOP \
                    and left.group(1) not in lex.ascii_words() \
                    and not any(p.fullmatch(left.group(1)) for p in _CUES):  # net profit, operating margin: an unknown concept
                s = left.start(1)
                t.take(s, m.end)
                spans.append((s, m.end))
                swallowed_to = m.end
                unknown.append({"text": t.text[s:m.end], "reason": "模型里没有这个指标 / no such metric in the model",
                                "suggestions": suggest(lex, t.text[s:m.end])})
                continue
        if m.kind != "metric" or m.entries[0].exact or not _CJK.search(m.term):
            keep.append(m)
            continue
        s, e = m.start, m.end
        j = e
        while j < n and not t.taken[j] and t.text[j] != " ":
            j += 1
        right = t.text[e:j]
        if right[:1] == "率" and lex.index.metrics[str(m.entries[0].key)].format not in ("percent", "percentage"):
            e += 1  # 专利授权率: a rate of something the model only counts
        elif right[:1] == "的" and len(right) > 1:
            # 采购的平均交期: an unknown attribute of an everyday metric word's domain, not that metric
            grown = 0
            for tok in lex.tokenizer.lcut(right[1:]):
                if not _is_content(lex, tok) or tok.strip() in lex.partial:
                    break
                grown += len(tok)
            if grown:
                e += 1 + grown
        elif right and not any(p.match(right) for p in _CUES):
            for tok in lex.tokenizer.lcut(right):
                if not _is_content(lex, tok):
                    break
                e += len(tok)
        i = s
        while i > 0 and not t.taken[i - 1] and t.text[i - 1] != " ":
            i -= 1
        left = t.text[i:s]
        if left and not any(x.end() == len(left) for p in _CUES for x in p.finditer(left)):
            toks = lex.tokenizer.lcut(left)
            have = 0  # 客户投诉有多少单: the unknown thing before 有 is what is counted
            while toks and toks[-1] in _HAVE:
                have += len(toks.pop())
            grown = 0
            for tok in reversed(toks):
                if not _is_content(lex, tok):
                    break
                grown += len(tok)
            if grown:
                s -= have + grown
        if (s, e) == (m.start, m.end):
            keep.append(m)
            continue
        t.take(s, e)
        spans.append((s, e))
        word = t.text[s:e]
        unknown.append({"text": word, "reason": "模型里没有这个指标 / no such metric in the model",
                        "suggestions": suggest(lex, word)})
    return keep, unknown, spans


def ground_partials(lex: Lexicon, mentions: list[Mention], partials: list[Mention]) -> list[Mention]:
    """Keep a partial word when exactly one metric (or a dimension pick_dim can place) fits the question."""
    asked = [str(m.entries[0].key) for m in mentions if m.kind == "metric"]
    ctx = {str(m.entries[0].key) for m in mentions if m.kind == "dataset"}
    ctx |= {e.key[0] for m in mentions if m.kind in ("dim", "value") for e in m.entries}
    ctx |= {d for x in asked for d in lex.metric_datasets(x)}
    out = list(mentions)
    for p in partials:
        metrics = list(dict.fromkeys(str(e.key) for e in p.entries if e.kind == "metric"))
        dims = [e for e in p.entries if e.kind == "dim"]
        if metrics and not asked:
            fit = [x for x in metrics if set(lex.metric_datasets(x)) & ctx] if len(metrics) > 1 else metrics
            if len(fit) == 1:
                p.kind, p.entries = "metric", [Entry("metric", fit[0], exact=False)]
                out.append(p)
                asked.append(fit[0])
            continue
        if set(metrics) & set(asked):
            p.kind, p.entries = "metric", [Entry("metric", next(x for x in metrics if x in asked), exact=False)]
            out.append(p)  # the same metric said again; _apply keeps it once
            continue
        if dims:
            p.kind, p.entries = "dim", dims
            out.append(p)
    return sorted(out, key=lambda m: m.start)


def entity_qualifiers(lex: Lexicon, text: str, mentions: list[Mention]) -> list[Mention]:
    """行业客户 / customer industry: the entity word next to its own field names whose it is."""
    drop: set[int] = set()
    for i, m in enumerate(mentions):
        ds = lex.entity_of.get(m.term)
        if ds is None or m.kind not in ("dim", "dataset"):
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(mentions) or j in drop:
                continue
            x = mentions[j]
            gap = text[x.end:m.start] if j < i else text[m.end:x.start]
            if x.kind not in ("dim", "value") or not _GLUE.match(gap) or (j > i and "的" in gap):
                continue
            own = [e for e in x.entries if e.key[0] == ds]
            if own and x.term not in lex.entity_of:
                x.entries = own
                drop.add(i)
                break
    for i in drop:  # kept as the thing a count counts (浙江的客户有多少), never as a dimension
        mentions[i].kind = "entity"
    return mentions


def flip_for_lower_is_better(lex: Lexicon, parts: Parts, cue: dict[str, list[re.Match[str]]],
                             metrics: list[str]) -> None:
    first = (parts.metrics or metrics or [None])[0]
    if not parts.order or parts.order[0] != "metric" or first is None:
        return
    m = lex.index.metrics[first]
    words = f"{first} {m.label} {m.label_en or ''}".lower()
    evaluative = any(C.EVALUATIVE.search(x.group()) for k in ("TOP_DESC", "TOP_ASC", "SUPER_DESC", "SUPER_ASC")
                     for x in cue[k])
    if evaluative and any(w in words for w in LOWER_IS_BETTER):
        parts.order = ("metric", not parts.order[1])


def shift_year(tr: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The same range one year earlier (再看看去年同期 after 「本季度…」)."""
    if "relative" in tr:
        s, e = relative_range(tr["relative"], today)
    else:
        s, e = dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"])

    def back(d: dt.date) -> dt.date:
        try:
            return d.replace(year=d.year - 1)
        except ValueError:
            return d.replace(year=d.year - 1, day=28)
    return {"start": back(s).isoformat(), "end": back(e).isoformat()}


def undated_period(lex: Lexicon, frame: Any, st: Any) -> dict[str, Any] | None:
    """今年有多少家供应商 (answered, not asked back) / suppliers on file this year: a period on the shared time axis
    said of counts whose rows have no date (suppliers on file) cannot filter them; the period is dropped from the
    frame and returned as an unknown with its reason — a period never makes a question fail. Derived metrics and
    a range on a named date field are left alone (they have a date or say which)."""
    tr = frame.time_range
    if not tr or tr.get("field", "time") != "time" or not frame.metrics:
        return None
    for name in frame.metrics:
        md = lex.index.metrics.get(name)
        if md is None or md.is_derived or md.time is not None:
            return None
    frame.time_range = None
    hit = next((h for h in st.ranges if h.kind == "range"), None)
    said = st.t.text[hit.start:hit.end] if hit is not None else st.question
    labels = "、".join(lex.index.metrics[n].label or n for n in frame.metrics)
    return {"text": said, "reason": f"{labels}没有日期，不能按时间筛选，按全部记录回答 / {labels} has no date, so the "
            "period cannot filter it; answered over all records", "suggestions": []}
