"""Helper of the `computes` stage (not a stage): the computes, order and limit the cue words ask.

yoy / pop (their differences for 多了多少), share, cumulative (only over a grain or trend), rank; a top N sets
the limit and the direction; a superlative orders by the metric; the direction as written (从高到低 / lowest
first) wins over a superlative inside it; 哪5个 / 最低的产品线 limit to the number asked (else one). Reads the
cues only and writes only the given Parts."""

from __future__ import annotations

import re

from shuzhi.ai.nl.numbers import cn_int
from shuzhi.ai.nl.stages.state import Cues
from shuzhi.ai.nl.types import Parts

_WHICH_N = re.compile(r"\s*(\d{1,3}|[一二两三四五六七八九十]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
                      r"(?![\d%.万亿])\s*(?:个|家|款|位|条|种|名|项)?")


_EN_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


# a superlative right before the thing the question ends on (…最低的产品线, …最多的负责人是谁)
_SUPER_THING = re.compile(r"的?\s*\x00+\s*(?:是哪(?:个|家|位|条|款|一个)|是谁|是什么)?\s*[?？。!！]*\s*$")


def _which_count(m: re.Match[str]) -> int | None:
    """哪5个产品 / which 5 products: the number right after the which word is how many are asked (else one)."""
    n = _WHICH_N.match(m.string, m.end())
    if n is None:
        return None
    word = n.group(1)
    return _EN_N.get(word) or cn_int(word)


def _num_of(match: re.Match[str]) -> int | None:
    for g in match.groups():
        if g:
            return cn_int(g)
    return None


def order_and_computes(parts: Parts, cue: Cues) -> None:
    pop = bool(cue["POP"] or cue["POP_MONTH"] or cue["POP_QUARTER"] or cue["POP_WEEK"])
    if cue["POP_MONTH"] and not parts.grain:
        parts.grain = "month"
    if cue["POP_QUARTER"] and not parts.grain:
        parts.grain = "quarter"
    if cue["POP_WEEK"] and not parts.grain:
        parts.grain = "week"
    if cue["GROW_FAST"] or cue["DROP_FAST"]:
        kind = "pop" if pop else "yoy"
        parts.computes.append(kind)
        parts.order = (kind, bool(cue["GROW_FAST"]))
    else:
        changed = cue["DECLINED"] or cue["ROSE"]
        if cue["YOY"] or ((cue["GROWTH"] or changed) and not pop):
            parts.computes.append("yoy")
        if pop:
            parts.computes.append("pop")
        if changed and (cue["LISTING"] or cue["WHICH_ANY"] or cue["CHANGE_ADJ"]):
            parts.change_filter = ("pop" if pop else "yoy", "<" if cue["DECLINED"] else ">")
    if cue["DIFF"]:  # 多了多少钱: the difference, not the growth rate
        parts.computes = [f"{k}_value" if k in ("yoy", "pop") else k for k in parts.computes]
    if cue["SHARE"]:
        parts.computes.append("percent_of_total")
    if cue["CUMUL"] and (parts.grain or parts.trend):
        parts.computes.append("cumulative")
    if cue["RANK"]:
        parts.computes.append("rank")
    for name, desc in (("TOP_DESC", True), ("TOP_ASC", False)):
        for m in cue[name]:
            n = _num_of(m)
            if n:
                parts.limit = n
                if parts.order is None:
                    parts.order = ("metric", desc)
                else:
                    parts.order = (parts.order[0], desc if parts.order[0] == "metric" else parts.order[1])
    if parts.order is None:
        if cue["SUPER_ASC"]:
            parts.order = ("metric", False)
        elif cue["SUPER_DESC"] or cue["RANK"]:
            parts.order = ("metric", True)
    for name, desc in (("ORDER_DESC", True), ("ORDER_ASC", False)):
        if cue[name]:  # 从高到低 / from highest to lowest: the direction as written wins over 最高/lowest inside it
            parts.order = (parts.order[0] if parts.order else "metric", desc)
    if parts.order and parts.limit is None:
        counted = [m for m in cue["NUM_UNIT"]]
        if counted:
            parts.limit = _num_of(counted[0])
        elif cue["WHICH"]:
            parts.limit = _which_count(cue["WHICH"][0]) or 1
        elif any(_SUPER_THING.match(m.string, m.end()) for k in ("SUPER_DESC", "SUPER_ASC") for m in cue[k]):
            parts.limit = 1  # 毛利率最低的产品线, 赢单金额最多的负责人: the superlative names one thing
