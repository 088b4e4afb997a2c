"""The parser's stages, in order (listed once here); each module is one stage over a ParseState.

Each stage reads the normalised question with what earlier stages understood masked, so a word is
used once; what it finds goes into the state (`Parts`, conditions, ambiguities, unknown words).
`shuzhi.ai.nl.parser.parse_question` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable

from shuzhi.ai.nl.stages.apply_frame import apply_frame
from shuzhi.ai.nl.stages.compare_cues import compare_cues
from shuzhi.ai.nl.stages.computes import computes
from shuzhi.ai.nl.stages.cue_words import cue_words
from shuzhi.ai.nl.stages.dimensions import dimensions
from shuzhi.ai.nl.stages.filters import filters
from shuzhi.ai.nl.stages.follow_up import follow_up
from shuzhi.ai.nl.stages.innovation import innovation
from shuzhi.ai.nl.stages.intent import intent
from shuzhi.ai.nl.stages.intent_frame import intent_frame
from shuzhi.ai.nl.stages.leftovers import leftovers
from shuzhi.ai.nl.stages.metric_conditions import metric_conditions
from shuzhi.ai.nl.stages.metrics import metrics
from shuzhi.ai.nl.stages.numeric_conditions import numeric_conditions
from shuzhi.ai.nl.stages.result import result
from shuzhi.ai.nl.stages.scan_words import scan_words
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.stages.time_range import time_range
from shuzhi.ai.nl.stages.time_words import time_words
from shuzhi.ai.nl.stages.values import values
from shuzhi.ai.nl.stages.words_in_context import words_in_context

STAGES: tuple[Callable[[ParseState], None], ...] = (
    innovation,          # 哪些技术方向在升温, 3000万研发预算怎么分, 离小巨人还差什么: answered by an analysis; the parse ends
    numeric_conditions,  # 大于100万, 500万以上 → conditions, masked first
    intent,              # 为什么 / 预测 / 达到5%了吗: why, forecast or yes/no (a yes/no threshold leaves the conditions)
    compare_cues,        # 比去年, 比上个月: comparisons, so their time word is not a range
    time_words,          # time expressions → ranges, grain, trend, 去年同期
    scan_words,          # dictionary scan: metric, dimension, value and dataset words
    words_in_context,    # ratios, qualifiers, partial words, unknown compounds, entity words, counted things
    cue_words,           # 前五, 占比, 同比, 按, 除了, 哪个, 谁
    follow_up,           # a follow-up refines the previous answer (加上 adds, 换成 replaces)
    time_range,          # ranges → the time range
    metrics,             # the asked metrics, else the count of the thing asked about
    values,              # values → conditions (negated or not) on the field they mean
    dimensions,          # dimension words → group by, yes/no conditions, qualifiers; 谁 → the person
    filters,             # conditions → where (a share or a comparison also splits)
    metric_conditions,   # numeric conditions → having on the nearest metric
    computes,            # comparisons, share, cumulative, rank, order, limit
    apply_frame,         # the findings onto a new frame or the previous answer's
    intent_frame,        # the frame shaped for the intent (why: one period; forecast: by month; yes/no: one number)
    leftovers,           # what was not understood (or a typo to repair)
    result,              # spec, alternatives, confidence, chart, chips
)

__all__ = ["STAGES", "ParseState"]
