"""Stage: time expressions → ranges, a grain (哪个月 asks for the top period), a trend, 去年同期."""

from __future__ import annotations

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.timeexpr import find_time


def time_words(st: ParseState) -> None:
    t = st.t
    for h in find_time(t.masked(), st.today):
        t.take(h.start, h.end)
        if h.kind == "range":
            st.ranges.append(h)
        elif h.kind == "grain":
            st.parts.grain = h.grain
            if t.text[h.start] == "哪":  # 哪个月卖得最多: which period → the top one
                st.which_time = list(C.WHICH.finditer(t.text[h.start:h.end]))
        elif h.kind == "trend":
            st.parts.trend = True
        else:
            st.same_period = True
