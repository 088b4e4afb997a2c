"""When the parser asks back instead of answering (ParseResult.clarify; docs/ask-clarify.md).

A question back — {"text", "text_en", "choices": [{"text", "text_en", "spec"}]}, two or three runnable
choices — replaces the answer (the result's spec is None, nothing runs until a choice is picked) when:

1. qualifier: a word nobody understood qualifies the metric or the thing counted. It is a content word
   (not filler or neutral: cues.FILLER_RE, cues.FILLER, cues.NEUTRAL; not reported with a reason of its
   own) and only glue (cues.GLUE: 的 了 过 有 多少 个 …, did we, were) stands between it and an asked
   metric's word, the thing or dataset counted, or the count word (新建档的客户有多少家, 赢了多少单,
   新建了多少个商机, customers were newly onboarded). A word joined by 和/and, or after 按/各/by/per, is
   not a qualifier: it is reported and the rest is answered, with confidence below 0.75.
   Choices: the metrics whose own words contain it (新建档 → 新增客户数, 赢 → 赢单数), the count of the
   thing counted, the answer without the word, then the nearest metrics by spelling, then the answer split
   by the thing's status, stage or type field (作废的订单: the word is most likely one of its values).
2. close readings: a value word the model has on two fields the asked metrics reach (海外: 销售渠道 or
   大区), unless the question settles it — it names one of the fields (各大区, 海外渠道), or the two
   fields are levels of one hierarchy (北京市 as province and as city: the same rows); a dimension word
   on two fields both of, or neither of, the datasets the question is about. Choices: one per reading.
   A person or a metric: revenue's everyday word 销售, the stem of a person field (销售代表), before 的 and
   another metric (销售的赢单率). Choices: that metric by the person field, that metric alone, both as read.
3. a count answered by an amount: 多少个 / 几家 / how many asked (cues.COUNT_THINGS) but the metric read
   is an amount or a rate (商机多少个 → 商机金额). Choices: the count of the thing, the metric read.
4. a ranking of nothing: an order, a top N or a rank with no dimension (销售前五, 销售排名). Choices: by
   the person field the metric reaches (when 销售/sales/谁/who is said), by the top hierarchy levels.

5. on file or active: only the thing and a count word are said (我们有多少客户, 今年有多少家供应商) and the thing
   is both its dataset's rows and countable by its key in a dated dataset it fans out to; asked when a period
   is given or the active count was read. Choices: the rows on file, the active counts. Likewise 今年有多少订单
   when the count read counts one part of a composite key: the distinct things or the rows (lines).
6. growth with no base: a growth word read as year on year or period on period, nothing saying against what
   (同比, 环比, 比, vs, over). Choices: both. Not for a yes/no question.
7. a loose word other metrics share: an everyday word read as the one metric is inside another metric's own
   words (卖了多少 → 卖了多少钱, 销售 → 销售量), asked with an open 多少/几 or a judging word (最好, best); a unit
   settles it (多少件, 多少钱); a breakdown without a judging word is answered. Choices: the reading, the others.
   近三个月 for one number, nothing else fixing the window: the last N whole months or N months back to today.
8. the best X by no measure (best_without_metric, when no metric was found): one choice per first amount,
   quantity and count metric that reaches the thing.
Settled without asking (clarify_settle.py, before the spec): a money bar over a count word (下单超过20万) takes
the word's amount metric; a pieces unit over an amount takes the word's only quantity metric; a count asked
of a thing whose amount stood in for it (商机赢了多少个) is the thing's count; a count asked over a bar on an
amount or rate with no breakdown lists the things or periods counted (几个月) meeting it (count_rows); a
ranking of the one thing named (预算最高的5个研发项目) ranks by the field naming it (thing_field).
A unit or classifier (张, 小时, units), a verb between two understood words (工时超过计划工时, customers placed
orders), a Chinese word after its thing (不良率控制在) and a word the metric already says (建档的新客户) are
never qualifiers (rule 1); a count over a having on listed things (采购额超过5万的供应商有几家) is not rule 3.

Every choice is parsed and resolved against the model as the system (no SQL runs here); a choice that does
not resolve is dropped, and with fewer than two left the parser answers instead (its confidence lowered).
The choices' frames are kept (ParseResult.choice_frames): `choose(result, i, …)` turns a picked choice into the
answer, so a follow-up question refines the reading the user picked (an ad-hoc count starts afresh).

This module holds the entry points (`clarification` tries the rules in the order above, `choose`) and re-exports
what callers import; the rules live by kind in clarify_rules_words.py (1, 2, 2b), clarify_rules_counts.py
(3, 5, 5b) and clarify_rules_measure.py (4, 6, 7, 7b, 8), the shared choice building in clarify_choices.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.clarify_choices import content_unknowns, count_item, runnable
from shuzhi.ai.nl.clarify_rules_counts import (
    _all_or_subset,
    _count_by_amount,
    _rows_or_activity,
    _things_or_lines,
    activity_counts,
)
from shuzhi.ai.nl.clarify_rules_measure import (
    _growth_without_base,
    _rank_of_nothing,
    _rolling_or_calendar,
    _shared_word,
    best_without_metric,
    shared_measures,
)
from shuzhi.ai.nl.clarify_rules_words import (
    _close_readings,
    _person_or_metric,
    _qualifier,
    close_readings,
    qualifier_words,
)
from shuzhi.ai.nl.frame import Frame
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.types import ParseResult


def clarification(st: Any, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The question back for this parse (see the module docstring), or None to answer."""
    lex: Lexicon = st.lex
    frame: Frame = st.frame
    for ask in (_qualifier, _close_readings, _person_or_metric, _count_by_amount, _rank_of_nothing,
                _rows_or_activity, _things_or_lines, _all_or_subset, _growth_without_base, _shared_word, _rolling_or_calendar):
        st.choice_frames = []
        out = ask(st, lex, frame, spec)
        if out is not None:
            st.choice_frames = st.choice_frames[:len(out["choices"])]
            return out
    st.choice_frames = []
    return None


def choose(result: ParseResult, i: int, lex: Lexicon, today: dt.date) -> ParseResult:
    """The answer for the picked choice `i` of a question back: its spec, chart, chips and frame (so a
    follow-up refines it; not for an ad-hoc count), confidence 1.0 (the reading is the user's own). Raises IndexError for a choice
    that does not exist."""
    if result.clarify is None or not 0 <= i < len(result.choice_frames):
        raise IndexError(i)
    frame = result.choice_frames[i].copy()
    spec = result.clarify["choices"][i]["spec"]
    # an ad-hoc count is not a model metric the follow-up stages can ground: such a pick starts afresh
    kept = None if frame.items else frame
    return ParseResult(result.question, spec, recommend_chart(spec, index=lex.index), frame.chips(lex, today),
                       [], [], 1.0, kept, result.intent, dict(result.intent_args), None, result.lang)


__all__ = ["activity_counts", "best_without_metric", "choose", "clarification", "close_readings", "content_unknowns",
           "count_item", "qualifier_words", "runnable", "shared_measures"]
