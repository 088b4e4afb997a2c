"""Stage: each numeric condition → having on the metric named just before it (else just after); a count
condition qualifying the thing counted (赢单不少于2个的商机负责人有几个) is on the rows each thing has (the thing
split, the rows counted, `count_rows`), one on a row's own field (预计金额超过50万的商机有几个) holds for each row;
a threshold
written as money (超过20万, over 2 million yuan) on a count metric (下单超过20万的客户: 下单 read as orders) is on
the money the counted rows carry — the dataset's plain amount metric (its first currency sum over the same
rows: the count's own filter, 未取消)."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.stages.state import ParseState

# money written: a currency word, or 万/亿/million not followed by a count classifier (20万单 is a count)
_MONEY = re.compile(r"元|块|\byuan\b|\brmb\b|(?:万|亿|million|\bm\b|\bk\b)(?!\s*(?:单|个|件|笔|次|台|张|家|位|项|条|units?\b|orders?\b))")


_OF_THING = re.compile(r"\s*(?:个|家|位|张|件|单|笔|次|项|条|台|or more|or fewer)?\s*(?:的|\bwith\b)")


def metric_conditions(st: ParseState) -> None:
    for s, e, op, value in st.conditions:
        before = [m for m in st.metric_ms if m.end <= s]
        after = [m for m in st.metric_ms if m.start >= s]
        target = before[-1].entries[0].key if before else after[0].entries[0].key if after else None
        asked = target if target is not None else (st.parts.metrics[0] if st.parts.metrics else None)
        per_thing = _rows_per_thing(st, e, str(asked)) if asked is not None else None
        if per_thing is None and asked is not None:
            _each_row(st, e, str(asked))
        if per_thing is not None:  # 赢单不少于2个的商机负责人有几个: the rows each owner has, not the owners
            target = per_thing
        elif target is not None and _MONEY.search(st.t.text[s:e + 2]):
            amount = _amount_of_count(st.lex.index, str(target))
            if amount is not None:
                st.parts.metrics = [amount if m == target else m for m in st.parts.metrics]
                target = amount
        st.parts.having.append((target, op, value))


def _rows_per_thing(st: ParseState, end: int, target: str) -> str | None:
    """A count condition qualifying the thing counted (不少于2个的商机负责人, …的客户有几家, where the thing is a
    distinct count of a field): the condition is on the rows each such thing has — the thing becomes the split
    (the answer counts the rows that qualify: `count_rows`) and the condition's metric the dataset's row count."""
    lex, parts = st.lex, st.parts
    m = lex.measures.get(target)
    if m is None or m.aggregate != "count_distinct" or not _OF_THING.match(st.t.text, end):
        return None
    d = lex.index.datasets.get(m.dataset)
    pk = d.primary_key[0] if d is not None and d.primary_key and len(d.primary_key) == 1 else None
    rows = next((n for n, x in lex.measures.items() if x.dataset == m.dataset and x.field == pk
                 and x.aggregate == "count_distinct"), None)
    if rows is None or m.field == pk:
        return None
    field = f"{m.dataset}.{m.field}"
    parts.metrics = [rows if x == target else x for x in parts.metrics]
    if field not in parts.dims:
        parts.dims.append(field)
    st.intent_args["count_rows"] = True
    return rows


def _each_row(st: ParseState, end: int, target: str) -> None:
    """预计金额超过50万的在途商机有几个: a condition on a row's own field (an ad-hoc sum of it), qualifying the rows
    counted, holds for each row — split by the row's key, the rows that qualify counted (`count_rows`)."""
    lex, parts = st.lex, st.parts
    m = lex.measures.get(target)
    if m is None or m.aggregate != "sum" or parts.dims or not st.cue.get("COUNT") or not _OF_THING.match(st.t.text, end):
        return
    d = lex.index.datasets.get(m.dataset)
    pk = d.primary_key[0] if d is not None and d.primary_key and len(d.primary_key) == 1 else None
    fd = lex.index.fields.get((m.dataset, pk)) if pk else None
    if fd is None or not fd.dimension:
        return
    parts.dims.append(f"{m.dataset}.{pk}")
    st.intent_args["count_rows"] = True


def _amount_of_count(index: Any, name: str) -> str | None:
    """The plain amount metric of a count metric's dataset (order_count → revenue), else None."""
    m = index.metrics.get(name)
    if m is None or m.dataset is None or m.agg not in ("count", "count_distinct"):
        return None
    return next((n for n, x in index.metrics.items() if x.dataset == m.dataset and x.format == "currency"
                 and x.agg == "sum" and x.filter == m.filter and not x.hidden and not x.time_aggregation), None)
