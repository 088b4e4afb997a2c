"""Stage: each numeric condition → having on the metric named just before it (else just after).

A money amount (20万, 5000元, 1.5 million yuan) said of a count read from an everyday verb (下单超过20万 —
下单 is the order count's everyday word) measures the money of the same rows: the model's visible money
metric with the same dataset, filter and date (下单金额 = revenue), which then replaces the count in the
question (a customer does not place 200,000 orders)."""

from __future__ import annotations

import re

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
        st.parts.having.append((target, op, value))


def _money_of(st: ParseState, name: str) -> str | None:
    """The visible money metric over the same rows as the count `name` (same dataset, filter and date)."""
    idx = st.lex.model_index
    md = idx.metrics.get(name)
    if md is None or md.formula or md.agg not in ("count", "count_distinct") or not md.dataset:
        return None
    return next((n for n, x in idx.metrics.items() if not x.hidden and not x.formula and x.format == "currency"
                 and x.dataset == md.dataset and x.filter == md.filter and x.time == md.time), None)
