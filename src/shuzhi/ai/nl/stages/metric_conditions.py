"""Stage: each numeric condition → having on the metric named just before it (else just after); a threshold
written as money (超过20万, over 2 million yuan) on a count metric (下单超过20万的客户: 下单 read as orders) is on
the money the counted rows carry — the dataset's plain amount metric (its first currency sum over the same
rows: the count's own filter, 未取消)."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.stages.state import ParseState

# money written: a currency word, or 万/亿/million not followed by a count classifier (20万单 is a count)
_MONEY = re.compile(r"元|块|\byuan\b|\brmb\b|(?:万|亿|million|\bm\b|\bk\b)(?!\s*(?:单|个|件|笔|次|台|张|家|位|项|条|units?\b|orders?\b))")


def metric_conditions(st: ParseState) -> None:
    for s, e, op, value in st.conditions:
        before = [m for m in st.metric_ms if m.end <= s]
        after = [m for m in st.metric_ms if m.start >= s]
        target = before[-1].entries[0].key if before else after[0].entries[0].key if after else None
        if target is not None and _MONEY.search(st.t.text[s:e + 2]):
            amount = _amount_of_count(st.lex.index, str(target))
            if amount is not None:
                st.parts.metrics = [amount if m == target else m for m in st.parts.metrics]
                target = amount
        st.parts.having.append((target, op, value))


def _amount_of_count(index: Any, name: str) -> str | None:
    """The plain amount metric of a count metric's dataset (order_count → revenue), else None."""
    m = index.metrics.get(name)
    if m is None or m.dataset is None or m.agg not in ("count", "count_distinct"):
        return None
    return next((n for n, x in index.metrics.items() if x.dataset == m.dataset and x.format == "currency"
                 and x.agg == "sum" and x.filter == m.filter and not x.hidden and not x.time_aggregation), None)
