"""What the stages of one parse share: the question's text (understood spans masked), the words and
cues found so far, the findings (`Parts`), and at the end the frame and the result."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from shuzhi.ai.nl.frame import Frame
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.timeexpr import TimeHit
from shuzhi.ai.nl.types import Mention, ParseResult, Parts, Text

Cues = dict[str, list[re.Match[str]]]


@dataclass
class ParseState:
    question: str
    lex: Lexicon
    today: dt.date
    previous: ParseResult | None
    t: Text
    repairable: bool = True          # False when reading a repaired question again
    parts: Parts = field(default_factory=Parts)
    unknown: list[dict[str, Any]] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    # numeric conditions (start, end, op, value); comparisons read before the time words
    conditions: list[tuple[int, int, str, Any]] = field(default_factory=list)
    early: Cues = field(default_factory=dict)
    # time words
    ranges: list[TimeHit] = field(default_factory=list)
    same_period: bool = False
    which_time: list[re.Match[str]] = field(default_factory=list)
    # dictionary words and what was read around them
    mentions: list[Mention] = field(default_factory=list)
    unknown_compounds: list[dict[str, Any]] = field(default_factory=list)
    compound_spans: list[tuple[int, int]] = field(default_factory=list)
    context_ds: set[str] = field(default_factory=set)
    # cue words
    cue: Cues = field(default_factory=dict)
    who: re.Match[str] | None = None
    is_follow: bool = False
    # grounding
    metric_ms: list[Mention] = field(default_factory=list)
    frame_metrics: list[str] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    conds: dict[tuple[str, str], tuple[list[Any], list[Any]]] = field(default_factory=dict)
    value_fields: dict[int, tuple[str, str]] = field(default_factory=dict)
    neg_spans: list[tuple[int, int]] = field(default_factory=list)
    # the kind of answer (ParseResult.intent / intent_args) and a question back instead of a guess
    intent: str = "query"
    intent_args: dict[str, Any] = field(default_factory=dict)
    clarify: dict[str, Any] | None = None
    choice_frames: list[Frame] = field(default_factory=list)  # the frames of clarify's choices, in order
    # the outcome
    frame: Frame = field(default_factory=Frame)
    repair: tuple[str, str, str] | None = None   # (repaired text, typed word, word read): parse again
    result: ParseResult | None = None

    @property
    def follow_frame(self) -> Frame | None:
        """The previous answer's frame when this question refines it."""
        if self.is_follow and self.previous is not None and self.previous.frame is not None:
            return self.previous.frame
        return None
