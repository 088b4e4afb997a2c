"""Stage: the result — the spec from the frame (a listing may have dimensions only), `no_metric` when
there is none, alternatives for ambiguous words, confidence, the chart and the interpretation chips."""

from __future__ import annotations

from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.frame import spec_alternatives
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import ParseResult
from shuzhi.ai.nl.unknown import suggest


def question_lang(question: str) -> str:
    """zh when the question has any CJK character, else en."""
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en"


def result(st: ParseState) -> None:
    lex, frame, unknown, question = st.lex, st.frame, st.unknown, st.question
    spec = frame.to_spec() if frame.metrics else None
    if spec is None and frame.dims and st.cue["LISTING"]:
        spec = frame.to_spec()
    if spec is None and not any(u.get("reason") == "no_metric" for u in unknown):
        unknown.append({"text": question.strip(), "reason": "no_metric",
                        "message": "没有找到要看的指标 / no metric found in the question",
                        "suggestions": suggest(lex, " ".join(u["text"] for u in unknown) or question)})
    alternatives = spec_alternatives(frame, st.ambiguous) if spec else []
    confidence = 0.0 if spec is None else max(0.05, min(1.0, 1.0 - 0.25 * len(unknown) - 0.1 * len(st.ambiguous)
                                                       - (0.15 if any(not m.entries[0].exact for m in st.metric_ms)
                                                          else 0)))
    chart = recommend_chart(spec, index=lex.index) if spec else None
    st.result = ParseResult(question, spec, chart, frame.chips(lex, st.today) if spec else [], unknown, alternatives,
                            round(confidence, 2), frame if spec else None, st.intent, st.intent_args,
                            st.clarify, question_lang(question))
