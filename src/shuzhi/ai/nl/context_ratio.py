"""Ratio metrics read in the context of the whole question (used by the words_in_context, cue_words, filters,
computes and intent_frame stages).

- 「研发投入占营业收入的比例」, "R&D as a percentage of revenue", 「销售额除以订单数」 name the model's metric whose
  formula is exactly A / B (rd_intensity, avg_order_value), never two metrics; named denominator first
  (销售额里毛利占多少) or with function words between (研发花的钱占营业额);
- 研发投入占比 split by a field only the numerator reaches is the numerator's share (`numerator_share`);
- a boolean condition on a metric names the model's filtered-share metric (新品占收入的比例 →
  new_product_revenue_share, `filtered_share`).
Invariant: only visible metrics whose formula is exactly `a / b` are named; the two metric mentions are
replaced by one spanning both, and that span is masked.
"""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.grounding import pick_dim
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.types import Entry, Mention, Text


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
