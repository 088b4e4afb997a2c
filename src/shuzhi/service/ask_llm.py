"""The optional LLM's part in answering (SHUZHI_LLM_URL set): rephrasings of a question the offline parser
could not fully read, read back by the offline parser (ai.nl.llm explains why the LLM writes no spec).

- Only a question with no spec or with words not understood, and no question back of its own, is sent (an
  innovation question, answered by its analysis, never is).
- Each rephrasing is parsed like any question; only those read completely (a spec, nothing unknown, no
  question back) count, and two with the same spec are one reading.
- One reading left: it is the answer, marked as rephrased by the LLM (a chip naming the rephrasing) and
  shown with confidence 0.7 at most (below the 0.75 of an answer read directly).
- Two or three: a question back whose choices are the rephrased questions (picked with `choice`, like the
  parser's own). None: the offline parser's answer stands.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

RELAYED_CONFIDENCE = 0.7


def llm_rephrased(rt: Runtime, question: str, lex: Any, parsed: Any) -> Any:
    """The answer with the LLM's rephrasings taken into account (see the module docstring)."""
    from shuzhi.ai.nl import parse_question
    from shuzhi.ai.nl.innovation import INTENTS
    from shuzhi.ai.nl.llm import llm_rephrase

    st = rt.settings
    if not st.llm_url or parsed.clarify is not None or (parsed.spec is not None and not parsed.unknown) \
            or parsed.intent in INTENTS:  # an innovation question is read: its analysis answers it
        return parsed
    today = st.today_date()
    texts = llm_rephrase(question, lex, today, url=st.llm_url, api_key=st.llm_api_key, model=st.llm_model,
                         timeout=st.llm_timeout_s)
    readings: dict[str, tuple[str, Any]] = {}
    for text in texts:
        r = parse_question(text, lex, today=today)
        if r.spec is not None and not r.unknown and r.clarify is None:
            readings.setdefault(json.dumps(r.spec, sort_keys=True, ensure_ascii=False, default=str), (text, r))
    if not readings:
        return parsed
    if len(readings) == 1:
        text, r = next(iter(readings.values()))
        r.question = parsed.question
        r.interpretation = [*r.interpretation, {"kind": "source", "text": f"由大模型改写为「{text}」",
                                                "text_en": f"rephrased by the LLM as “{text}”", "value": "llm"}]
        r.confidence = min(r.confidence, RELAYED_CONFIDENCE)
        return r
    parsed.spec, parsed.chart, parsed.frame = None, None, None
    parsed.clarify = {"text": "没能完全看懂这个问题，您想问的是下面哪一个？",
                      "text_en": "The question was not fully understood. Which of these did you mean?",
                      "choices": [{"text": text, "text_en": text, "spec": r.spec} for text, r in readings.values()]}
    parsed.choice_frames = [r.frame for _t, r in readings.values()]
    parsed.confidence = min(parsed.confidence, 0.5)
    return parsed
