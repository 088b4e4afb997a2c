"""Stage: comparison words read before the time words, so that their time word is not a range:
比去年 / vs last year (year over year), 比上个月 / than last month (the previous period), 环比变化
(not a trend), 多卖了多少钱 (多 before the verb's metric word: a difference)."""

from __future__ import annotations

import re

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.stages.state import ParseState

_WHOLE_YEAR = re.compile(r"\s*(?:的)?\s*(?:全年|整年|一整年|全年度|\bas a whole\b|\bin full\b)")


def compare_cues(st: ParseState) -> None:
    t = st.t
    st.early = {
        # 比去年全年多多少: the whole of last year is a period of its own, not the same dates a year before
        "YOY": [m for m in C.YOY.finditer(t.masked()) if re.search("去年|last year|变化", m.group())
                and not _WHOLE_YEAR.match(t.text, m.end())],
        "POP": [m for m in C.POP.finditer(t.masked()) if "变化" in m.group()],
        "POP_MONTH": [m for m in C.POP_MONTH.finditer(t.masked()) if re.search("上|前|last", m.group())],
        "POP_QUARTER": [m for m in C.POP_QUARTER.finditer(t.masked()) if re.search("上|last", m.group())],
        "DIFF": list(C.EARLY_DIFF.finditer(t.masked())),
    }
    for found in st.early.values():
        for m in found:
            t.take(m.start(), m.end())
