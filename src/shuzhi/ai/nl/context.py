"""Reading words in the context of the whole question (used by the parser after the dictionary scan).

- ratio metrics: 「研发投入占营业收入的比例」, "R&D as a percentage of revenue", 「销售额除以订单数」 name the
  model's metric whose formula is exactly A / B (rd_intensity, avg_order_value), never two metrics;
- qualifier words: an everyday metric word right before a metric of the same dataset only qualifies it
  (「商机赢单率」 is win_rate, not pipeline_amount + win_rate); a dataset's entity word next to one of its
  own dimensions or values names whose it is (「行业客户」 groups by industry; "overseas customers" is the
  customers' region);
- compounds: an everyday metric word glued to a word nobody understands is part of an unknown concept
  (「净利润」, 「库存周转天数」 are not gross profit or inventory value): reported, never guessed;
- partial words (层级, 成功率): kept only when one metric or dimension fits what else is asked;
- lower-is-better metrics read 最差/worst as their highest values.
Invariant: these only remove or re-label mentions the scanner found; every span stays masked once
understood, and anything dropped as unknown is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.glossary import LOWER_IS_BETTER
from shuzhi.ai.nl.grounding import CLASSIFIERS, count_metric, pick_dim
from shuzhi.ai.nl.lexicon import Lexicon, normalize
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


def _ratios(lex: Lexicon) -> dict[tuple[str, str], str]:
    """(numerator, denominator) → the visible metric whose formula is exactly `a / b`."""
    out: dict[tuple[str, str], str] = {}
    for name, m in lex.index.metrics.items():
        f = re.fullmatch(r"\s*(\w+)\s*/\s*(\w+)\s*", m.formula or "")
        if f and not m.hidden:
            out.setdefault((f.group(1), f.group(2)), name)
    return out


def _metric(m: Mention) -> str | None:
    return str(m.entries[0].key) if m.kind == "metric" else None


def ratio_metrics(lex: Lexicon, t: Text, mentions: list[Mention]) -> list[Mention]:
    ratios = _ratios(lex)
    metric_ms = [m for m in mentions if m.kind == "metric"]
    drop: set[int] = set()
    added: list[Mention] = []
    for a, b in zip(metric_ms, metric_ms[1:], strict=False):
        if id(a) in drop:
            continue
        between, after = t.text[a.end:b.start], t.text[b.end:]
        tail = C.RATIO_AFTER.match(after)
        name = ratios.get((_metric(a) or "", _metric(b) or ""))
        if name and (_connects(lex, between, C.RATIO_STRONG) or (_connects(lex, between, C.RATIO_WEAK) and tail)):
            pass
        elif (name := ratios.get((_metric(b) or "", _metric(a) or ""))) and C.RATIO_REVERSED.match(between) and (
                (tail := C.RATIO_AFTER_REVERSED.match(after)) or C.RATIO_OF.search(t.text[:a.start])):
            pass  # 销售额里毛利占多少 / what fraction of revenue is gross profit
        else:
            continue
        start = a.start
        of = C.RATIO_OF.search(t.text[:a.start])
        if of and not any(t.taken[of.start():of.end()]):
            start = of.start()
        end = b.end + (tail.end() if tail else 0)
        t.take(start, end)
        drop |= {id(a), id(b)}
        added.append(Mention(start, end, t.text[start:end], "metric", [Entry("metric", name)]))
    return sorted([m for m in mentions if id(m) not in drop] + added, key=lambda m: m.start)


def _connects(lex: Lexicon, between: str, pattern: re.Pattern[str]) -> bool:
    """The words between two metrics are the connector (占, as a percentage of), perhaps after
    function words (研发花的钱占营业额: 花的钱 says nothing)."""
    if pattern.match(between):
        return True
    toks = lex.tokenizer.lcut(between)
    for k in range(1, len(toks)):
        if all(x.strip() in C.STOP or not x.strip() for x in toks[:k]) and pattern.match("".join(toks[k:])):
            return True
    return False


_SHARE_TAIL = re.compile(r"(?:占比|比例|比重)$")


def numerator_share(lex: Lexicon, mentions: list[Mention]) -> bool:
    """研发投入占比 is a synonym of rd_intensity (rd_spend / revenue), but 「各研发层级的研发投入占比」 splits
    by a field only rd_spend reaches: it asks for rd_spend's share across that split. Re-labels the
    mention to the numerator and returns True (the caller adds the share)."""
    dims = [m for m in mentions if m.kind == "dim"]
    for m in mentions:
        if m.kind != "metric" or not _SHARE_TAIL.search(m.term):
            continue
        name = str(m.entries[0].key)
        parts = next((nd for nd, r in _ratios(lex).items() if r == name), None)
        if parts is None or lex.index.metrics[parts[0]].hidden:
            continue
        for d in dims:
            cands = [e.key for e in d.entries]
            if pick_dim(lex, cands, [name])[0] is None and pick_dim(lex, cands, [parts[0]])[0] is not None:
                m.entries = [Entry("metric", parts[0], exact=False)]
                return True
    return False


def filtered_share(lex: Lexicon, metric: str, cond: dict[str, Any]) -> str | None:
    """The visible metric A / `metric` where A is `metric` restricted by the boolean condition `cond`
    (新品 share of revenue → new_product_revenue_share, 进口 share of purchases → import_share)."""
    if cond.get("op") != "=" or not isinstance(cond.get("value"), bool):
        return None
    for name, (num, den) in _ratio_parts(lex).items():
        if den != metric:
            continue
        a, b = lex.index.metrics.get(num), lex.index.metrics.get(den)
        if a is None or b is None or not a.dataset or (a.dataset, a.agg, a.expr) != (b.dataset, b.agg, b.expr):
            continue
        extra = _conjuncts(a.filter) - _conjuncts(b.filter)
        if not _conjuncts(b.filter) <= _conjuncts(a.filter) or len(extra) != 1:
            continue
        m = re.fullmatch(r"(not\s+)?([a-z_][\w]*(?:\.[a-z_]\w*)?)", next(iter(extra)))
        if not m:
            continue
        ref = m.group(2) if "." in m.group(2) else f"{a.dataset}.{m.group(2)}"
        if ref == cond["field"] and (m.group(1) is None) == cond["value"]:
            return name
    return None


def _ratio_parts(lex: Lexicon) -> dict[str, tuple[str, str]]:
    return {name: nd for nd, name in _ratios(lex).items()}


def _conjuncts(sql: str | None) -> set[str]:
    return {re.sub(r"\s+", " ", c.strip().lower()) for c in re.split(r"(?i)\s+and\s+", sql or "") if c.strip()}


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
