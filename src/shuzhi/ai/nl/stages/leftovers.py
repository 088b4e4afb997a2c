"""Stage: what was not understood — unknown compounds and runs of content words left unmasked, with
suggestions; one wrong character or letter is repaired instead (the parse is run again on the
repaired text, never silently: the repair is reported and costs confidence)."""

from __future__ import annotations

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.unknown import chunks, unknown_words


def leftovers(st: ParseState) -> None:
    t, lex = st.t, st.lex
    st.unknown += st.unknown_compounds
    for s, e in chunks(t):
        st.unknown += unknown_words(lex, t.text[s:e])
    if st.unknown and st.repairable:  # one wrong character or letter: repair it and read the question again
        soft = [(m.start, m.end) for m in st.mentions if m.kind in ("metric", "dim", "value", "entity")]
        free = [not x for x in t.taken]
        for s, e in st.compound_spans:
            free[s:e] = [True] * (e - s)
        st.repair = lex.correct(t.text, free, soft)
