"""Stage: each numeric condition → having on the metric named just before it (else just after).

A money amount (20万, 5000元, 1.5 million yuan) said of a count read from an everyday verb (下单超过20万 —
下单 is the order count's everyday word) measures the money of the same rows: the model's visible money
metric with the same dataset, filter and date (下单金额 = revenue), which then replaces the count in the
question (a customer does not place 200,000 orders). A condition on a numeric field of the thing counted
(预计金额超过50万的商机有几个) is a condition on each of its rows (where), not on a total."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.grounding import count_word_near, thing_measure
from shuzhi.ai.nl.measures import exact_count
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry

_MONEY = re.compile(r"万|亿|元|块|钱|¥|\byuan\b|\brmb\b|\bcny\b|\bmillion\b|\d\s*k\b")


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
        st.parts.having.append((target, op, value))


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
