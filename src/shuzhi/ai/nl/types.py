"""The parser's types: vocabulary entries, the question's text with what is understood masked, the
words found in it (mentions), the findings of one question (parts) and the parse result.

Every module of the parser reads these; this module imports no other module of the parser but the
frame (the result carries the frame follow-ups refine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shuzhi.ai.nl.frame import Frame


@dataclass(frozen=True)
class Entry:
    kind: str          # metric | dim | value | dataset
    key: Any           # metric name | (dataset, field) | (dataset, field, value)
    exact: bool = True  # False for short forms and aliases


@dataclass
class Mention:
    start: int
    end: int
    term: str
    kind: str
    entries: list[Entry]


@dataclass
class Parts:
    metrics: list[str] = field(default_factory=list)
    dims: list[str] = field(default_factory=list)
    grain: str | None = None
    trend: bool = False
    where: list[dict[str, Any]] = field(default_factory=list)
    having: list[tuple[str | None, str, float]] = field(default_factory=list)
    time_range: dict[str, Any] | None = None
    computes: list[str] = field(default_factory=list)
    order: tuple[str, bool] | None = None     # ("metric" | compute kind, desc)
    limit: int | None = None
    add: bool = False
    change_filter: tuple[str, str] | None = None  # (compute kind, "<" | ">"): 哪些…下降了 / 增长了


@dataclass
class ParseResult:
    question: str
    spec: dict[str, Any] | None
    chart: dict[str, Any] | None
    interpretation: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    confidence: float
    frame: Frame | None = None
    # what kind of answer is asked: "query" (a table or a number), "why" (explain a change), "forecast",
    # "yesno" (is the number past a threshold); `intent_args` holds what it needs (see docs/ask.md)
    intent: str = "query"
    intent_args: dict[str, Any] = field(default_factory=dict)
    # a question back instead of a guess: {"text", "text_en", "choices": [{"text", "text_en", "spec"}]}
    # (2–3 choices); when set, `spec` is None and nothing is run until a choice is picked
    clarify: dict[str, Any] | None = None
    lang: str = "zh"                  # the question's language, for the summary: "zh" or "en"
    # the frames of clarify's choices, in order (clarify.choose turns a picked choice into the answer)
    choice_frames: list[Frame] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "spec": self.spec, "chart": self.chart,
                "interpretation": self.interpretation, "unknown": self.unknown,
                "alternatives": self.alternatives, "confidence": self.confidence,
                "intent": self.intent, "clarify": self.clarify}


class Text:
    """The normalised question and which of its characters are understood (taken): every understood
    span is masked before the next step reads the text, so a word is used once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.taken = [False] * len(text)

    def masked(self) -> str:
        return "".join("\x00" if t else c for c, t in zip(self.text, self.taken, strict=True))

    def take(self, s: int, e: int) -> None:
        for i in range(s, e):
            self.taken[i] = True

    def find(self, pattern: re.Pattern[str], take: bool = True) -> list[re.Match[str]]:
        found = [m for m in pattern.finditer(self.masked()) if m.end() > m.start()]
        if take:
            for m in found:
                self.take(m.start(), m.end())
        return found
