"""Stage: each numeric condition → having on the metric named just before it (else just after).

A money amount (20万, 5000元, 1.5 million yuan) said of a count read from an everyday verb (下单超过20万 —
下单 is the order count's everyday word) measures the money of the same rows: the model's visible money
metric with the same dataset, filter and date (下单金额 = revenue), which then replaces the count in the
question (a customer does not place 200,000 orders). A condition on a numeric field of the thing counted
(预计金额超过50万的商机有几个) is a condition on each of its rows (where), not on a total."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.grounding import count_word_near, exact_metric, thing_measure, thing_of
from shuzhi.ai.nl.measures import exact_count
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry

_MONEY = re.compile(r"万|亿|元|块|钱|¥|\byuan\b|\brmb\b|\bcny\b|\bmillion\b|\d\s*k\b")

# money written: a currency word, or 万/亿/million not followed by a count classifier (20万单 is a count)
_MONEY = re.compile(r"元|块|\byuan\b|\brmb\b|(?:万|亿|million|\bm\b|\bk\b)(?!\s*(?:单|个|件|笔|次|台|张|家|位|项|条|units?\b|orders?\b))")


_OF_THING = re.compile(r"\s*(?:个|家|位|张|件|单|笔|次|项|条|台|or more|or fewer)?\s*(?:的|\bwith\b)")


def metric_conditions(st: ParseState) -> None:
    for s, e, op, value in st.conditions:
        before = [m for m in st.metric_ms if m.end <= s]
        after = [m for m in st.metric_ms if m.start >= s]
        target_m = before[-1] if before else after[0] if after else None
        target = target_m.entries[0].key if target_m is not None else None
        if target_m is not None and _MONEY.search(st.t.text[s:e]):
            money = _money_of(st, str(target))
            if money is not None and not target_m.entries[0].exact:
                st.parts.metrics = [money if x == target else x for x in st.parts.metrics]
                st.frame_metrics = [money if x == target else x for x in st.frame_metrics]
                target_m.entries = [Entry("metric", money, exact=False)]
                target = money
        if target is not None and op in (">", ">=", "<", "<=") and _row_condition(st, str(target), op, value):
            continue
        if not before:
            target = _count_of_value(st, s) or target
        st.parts.having.append((target, op, value))


def _count_of_value(st: ParseState, s: int) -> str | None:
    """赢单不少于2个的商机负责人有几个: a count condition right after a status value (赢单) counts the value's rows
    (won opportunities) per member of the field whose members are counted (商机负责人), and the answer is how
    many members qualify (count_rows). Returns the count the condition is on, or None."""
    lex, parts = st.lex, st.parts
    if len(parts.metrics) != 1:
        return None
    measure = lex.measures.get(parts.metrics[0])
    if measure is None or measure.aggregate != "count_distinct" \
            or lex.value_count.get((measure.dataset, measure.field)) != measure.name:
        return None
    ds = measure.dataset
    for v in st.mentions:
        if v.kind not in ("value", "counted") or not re.fullmatch(r"\s*(?:的|了|有)?\s*", st.t.text[v.end:s]):
            continue
        e = next((x for x in v.entries if x.kind == "value" and x.key[0] == ds), None)
        if e is None:
            continue
        cond = {"field": f"{ds}.{e.key[1]}", "op": "=", "value": e.key[2]}
        thing = thing_of(lex, ds)
        count = exact_metric(lex, ds, [cond]) or (exact_count(lex.model_index, lex.measures[thing]) if thing else None) \
            or thing
        if count is None:
            return None
        parts.metrics = [count]
        st.frame_metrics = [count]
        dim = f"{ds}.{measure.field}"
        if dim not in parts.dims:
            parts.dims.append(dim)
        if cond not in parts.where:
            parts.where.append(cond)
        st.intent_args["count_rows"] = True
        return count
    return None


def _row_condition(st: ParseState, target: str, op: str, value: Any) -> bool:
    """预计金额超过50万的在途商机有几个: a condition on a numeric field of the thing counted (one row per thing) is a
    condition on each row (where expected_amount > 500000), and the question counts those things. True when so."""
    lex, parts = st.lex, st.parts
    measure = lex.measures.get(target)
    if measure is None or measure.aggregate.startswith("count") or measure.how == "期末" or parts.dims:
        return False
    for m in st.mentions:
        if m.kind not in ("dim", "entity", "dataset") or not count_word_near(st.t.text, m.start, m.end):
            continue
        name = thing_measure(lex, m)
        thing = lex.measures.get(name) if name else None
        if thing is None or thing.dataset != measure.dataset \
                or thing.field not in (lex.index.datasets[thing.dataset].primary_key or []):
            continue
        count = exact_count(lex.model_index, thing) or thing.name
        parts.where.append({"field": f"{measure.dataset}.{measure.field}", "op": op, "value": value})
        parts.metrics = [count if x == target else x for x in parts.metrics]
        st.frame_metrics = [count if x == target else x for x in st.frame_metrics]
        st.intent_args.pop("count_rows", None)
        return True
    return False


def _money_of(st: ParseState, name: str) -> str | None:
    """The visible money metric over the same rows as the count `name` (same dataset, filter and date)."""
    idx = st.lex.model_index
    md = idx.metrics.get(name)
    if md is None or md.formula or md.agg not in ("count", "count_distinct") or not md.dataset:
        return None
    return next((n for n, x in idx.metrics.items() if not x.hidden and not x.formula and x.format == "currency"
                 and x.dataset == md.dataset and x.filter == md.filter and x.time == md.time), None)
