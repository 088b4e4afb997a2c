"""Stage: a follow-up (再按月看, 只看伺服电机, "now by channel") refines the previous answer: a follow-up
word, or no metric of its own; 加上/also adds to it, 换成/instead replaces."""

from __future__ import annotations

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.stages.state import ParseState


def follow_up(st: ParseState) -> None:
    t, previous = st.t, st.previous
    st.is_follow = previous is not None and previous.frame is not None and (
        bool(C.FOLLOW.search(t.text)) or not any(m.kind == "metric" for m in st.mentions))
    if st.is_follow:
        st.parts.add = bool(C.ADD.search(t.text)) and not C.REPLACE.search(t.text)
    for pat in (C.FOLLOW, C.ADD, C.REPLACE):
        t.find(pat)
