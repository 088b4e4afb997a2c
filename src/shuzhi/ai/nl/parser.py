"""Question → QuerySpec: a deterministic, offline parser over the semantic model.

The stages (shuzhi.ai.nl.stages.STAGES) run in order over the normalised question; each masks what it
understood, so later stages never re-read it: numeric conditions (大于100万) → time expressions →
dictionary scan of metrics, dimensions and values (longest match first), read in context → cue words
(前五, 占比, 同比, 按, 除了 …) → grounding in the model → what is left is tokenised with jieba and
reported as not understood. The findings become `Parts`, which are applied to an empty Frame, or to
the previous answer's Frame for a follow-up.
"""

from __future__ import annotations

import datetime as dt

from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.stages import STAGES, ParseState
from shuzhi.ai.nl.types import ParseResult, Text

__all__ = ["ParseResult", "parse_question"]


def parse_question(question: str, lex: Lexicon, today: dt.date | None = None,
                   previous: ParseResult | None = None, *, _text: str | None = None) -> ParseResult:
    today = today or _today()
    st = ParseState(question, lex, today, previous, Text(_text if _text is not None else normalize(question)),
                    repairable=_text is None)
    for stage in STAGES:
        stage(st)
        if st.result is not None:  # an innovation question is answered by its analysis (stages/innovation.py)
            break
        if st.repair is not None:  # one wrong character or letter: read the repaired question again
            fixed, wrong, right = st.repair
            r = parse_question(question, lex, today, previous, _text=fixed)
            r.unknown.insert(0, {"text": wrong, "reason": f"按「{right}」理解 / read as {right}", "suggestions": [right]})
            r.confidence = round(max(0.05, r.confidence - 0.25), 2) if r.spec else 0.0
            return r
    assert st.result is not None
    return st.result


def _today() -> dt.date:
    from shuzhi.settings import get_settings

    return get_settings().today_date()
