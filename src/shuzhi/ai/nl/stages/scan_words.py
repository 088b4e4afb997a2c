"""Stage: the dictionary scan — the longest metric, dimension, value, dataset and qualifier words at each
free position, left to right; each found word is masked. 底/末 right after a period (上个月底) is read as
that period."""

from __future__ import annotations

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention


def scan_words(st: ParseState) -> None:
    t = st.t
    for r in st.ranges:  # 上个月底 / 去年年末: the period's end, read as the period (a snapshot is read at its end)
        if r.kind == "range" and r.end < len(t.text) and t.text[r.end] in "底末" and not t.taken[r.end] \
                and t.text[r.end - 1] in "月年季度":
            t.take(r.end, r.end + 1)
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
