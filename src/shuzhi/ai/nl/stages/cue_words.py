"""Stage: cue words (从高到低 first, then 前五, 占比, 同比, 按, 除了, 哪个, 谁 …), with the comparison words read earlier and
cues read from context (a ratio's numerator split, a change as an adjective, which … more)."""

from __future__ import annotations

import re

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.context_ratio import numerator_share
from shuzhi.ai.nl.stages.state import ParseState

_MARK = re.match(r"", "")  # a cue read from context rather than from a word of its own
_RATE_OF_CHANGE = re.compile(r"(?:变化|变动|增长|下降|下滑|增加|减少|提高|降低|上升|上涨|涨|降|跌)了?\s*$"
                             r"|\b(?:grow|grew|grown|change[sd]?|rise|rose|risen|fall|fell|fallen|drop(?:ped)?|increase[sd]?|decrease[sd]?)\s+(?:by\s+)?(?:what|how many)?\s*$")
_NAMES = ("ORDER_DESC", "ORDER_ASC", "GROW_FAST", "DROP_FAST", "DIFF", "DECLINED", "ROSE", "TOP_DESC", "TOP_ASC", "RANK", "YOY", "POP_MONTH",
          "POP_QUARTER", "POP_WEEK", "POP", "SHARE", "CUMUL", "GROWTH", "SUPER_DESC", "SUPER_ASC", "WHICH", "COUNT",
          "TOTAL", "LISTING", "COMPARE", "NEG", "GROUP", "NUM_UNIT")


def cue_words(st: ParseState) -> None:
    t, mentions = st.t, st.mentions
    cue = {name: t.find(getattr(C, name)) for name in _NAMES}
    cue["YOY"] += st.early["YOY"]
    cue["WHICH"] += st.which_time
    cue["POP"] += st.early["POP"]
    cue["POP_MONTH"] += st.early["POP_MONTH"]
    cue["POP_QUARTER"] += st.early["POP_QUARTER"]
    cue["DIFF"] += st.early["DIFF"]
    # 各研发层级的研发投入占比: a ratio synonym ending in 占比 with a split only its numerator takes is that
    # numerator's share across the split
    if numerator_share(st.lex, mentions):
        cue["SHARE"].append(_MARK)
    # 变化了百分之几 / 增长了百分之多少 / grew by what percentage: a percent word right after a change word is the
    # change's rate (growth), not a share
    rate = [x for x in cue["SHARE"] if x is not _MARK and _RATE_OF_CHANGE.search(t.text[:x.start()])]
    if rate:
        cue["SHARE"] = [x for x in cue["SHARE"] if x not in rate]
        cue["GROWTH"] += rate
    # 专利里发明专利占多少比例 / what share of patents are inventions: a share with no metric word is a share of
    # the things counted
    if cue["SHARE"] and not cue["COUNT"] and not any(m.kind == "metric" for m in mentions):
        cue["COUNT"].append(_MARK)
    # 下降的产品: a change as an adjective on the thing asked for filters on the change
    cue["CHANGE_ADJ"] = [x for x in cue["DECLINED"] + cue["ROSE"] if C.CHANGE_ADJ.fullmatch(x.group())
                         and t.text[x.end():x.end() + 1] == "的"
                         and any(m.kind == "dim" and m.start == x.end() + 1 for m in mentions)]
    st.who = C.WHO.search(t.text)
    if st.who:
        cue["WHICH"].append(st.who)
    if cue["WHICH"] and not (cue["TOP_DESC"] or cue["TOP_ASC"] or cue["SUPER_DESC"] or cue["SUPER_ASC"]):
        # 哪个卖得多 / 哪个更低: which … more / less without 最 asks for the top (bottom) one
        for pat, name in ((C.WHICH_MORE, "SUPER_DESC"), (C.WHICH_LESS, "SUPER_ASC")):
            found = t.find(pat)
            if found:
                cue[name] += found
                break
    cue["WHICH_ANY"] = list(cue["WHICH"])  # which customers… (plural) still asks which ones
    cue["WHICH"] = [m for m in cue["WHICH"] if not C.PLURAL_AFTER.match(t.text, m.end())]
    cue["WHICH"] += [w for m in mentions if m.kind == "dim" and (w := C.WHICH.match(m.term))
                     and w.group() in ("哪个", "哪条", "哪家")]
    st.cue = cue
