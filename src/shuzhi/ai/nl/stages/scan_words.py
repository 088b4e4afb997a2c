"""Stage: the dictionary scan — the longest metric, dimension, value and dataset words at each free
position, left to right; each found word is masked."""

from __future__ import annotations

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry, Mention


def scan_words(st: ParseState) -> None:
    t = st.t
    st.mentions = [Mention(s, e, term, _kind(ents), ents) for s, e, term, ents in st.lex.scan(t.text, t.taken)]
    for m in st.mentions:
        t.take(m.start, m.end)


def _kind(entries: list[Entry]) -> str:
    kinds = {e.kind for e in entries}
    for k in ("metric", "value", "dim", "dataset", "qualifier"):
        if k in kinds:
            entries.sort(key=lambda e: (e.kind != k, not e.exact))
            return k
    return "dim"
