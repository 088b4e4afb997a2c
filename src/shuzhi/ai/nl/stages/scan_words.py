"""Stage: the dictionary scan — the longest metric, dimension, value, dataset and qualifier words at each
free position, left to right; each found word is masked. 底/末 right after a period (上个月底) is read as
that period, and so is "at the end of" before one."""

from __future__ import annotations

import re

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention

_END_OF = re.compile(r"(?:\bat\s+)?(?:\bthe\s+)?\bend\s+of\s+$")


def scan_words(st: ParseState) -> None:
    t = st.t
    for r in st.ranges:  # 上个月底 / 去年年末: the period's end, read as the period (a snapshot is read at its end)
        if r.kind == "range" and r.end < len(t.text) and t.text[r.end] in "底末" and not t.taken[r.end] \
                and t.text[r.end - 1] in "月年季度":
            t.take(r.end, r.end + 1)
        end_of = _END_OF.search(t.text[:r.start]) if r.kind == "range" else None
        if end_of and not any(t.taken[end_of.start():end_of.end()]):  # at the end of last month
            t.take(end_of.start(), end_of.end())
    st.mentions = [Mention(s, e, term, _kind(ents), ents) for s, e, term, ents in st.lex.scan(t.text, t.taken)]
    for m in st.mentions:
        t.take(m.start, m.end)


def _kind(entries: list[Entry]) -> str:
    kinds = {e.kind for e in entries}
    for k in ("metric", "value", "dim", "dataset", "qualifier", "verb"):
        if k in kinds:
            entries.sort(key=lambda e: (e.kind != k, not e.exact))
            return k
    return "dim"
