"""Stage: the result — the spec from the frame (a listing may have dimensions only), `no_metric` when
there is none, alternatives for ambiguous words, a question back instead of a guess (clarify.py), the
confidence, the chart and the interpretation chips.

Confidence: 1.0, less 0.25 per unknown word, 0.1 per ambiguous word, 0.15 for a metric read from an
everyday word; an answer is shown with 0.75 or more only when every meaning-bearing word was understood:
a content word left unknown (reported without a reason) or a split the model cannot make caps it at 0.7.
When the parser asks back (`clarify`), `spec` and `chart` are None and nothing runs until a choice is
picked; the interpretation chips still say what was understood."""

from __future__ import annotations

from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.clarify import best_without_metric, clarification, content_unknowns
from shuzhi.ai.nl.clarify_settle import settle_by_unit
from shuzhi.ai.nl.context import undated_period
from shuzhi.ai.nl.frame import spec_alternatives
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import ParseResult
from shuzhi.ai.nl.unknown import suggest

SHOWN_UNSURE = 0.7  # the most an answer gets while a meaning-bearing word is not understood


def _one_member_share(st: ParseState) -> None:
    """华东占全公司的比例 / what share of revenue comes from overseas customers: one number — the share is
    computed over every member of the field, then the asked member is kept (a having on the dimension column,
    applied after the computes), not a breakdown by the field."""
    frame = st.frame
    if st.is_follow or len(frame.dims) != 1 or frame.dims[0][1] is not None or frame.having:
        return
    if not any(k == "percent_of_total" for k, _ in frame.computes):
        return
    field = frame.dims[0][0]
    for (ds, f), (pos, negs) in st.conds.items():
        if (f"{ds}.{f}" if ds else f) == field and len(set(pos)) == 1 and not negs:
            frame.having.append({"field": field, "op": "=", "value": pos[0]})
            frame.order = frame.limit = None
            return


def question_lang(question: str) -> str:
    """zh when the question has any CJK character, else en."""
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en"


def result(st: ParseState) -> None:
    lex, frame, unknown, question = st.lex, st.frame, st.unknown, st.question
    _one_member_share(st)
    settle_by_unit(st)
    spec = frame.to_spec() if frame.metrics else None
    if spec is None and frame.dims and st.cue["LISTING"]:
        spec = frame.to_spec()
    if spec is None and st.clarify is None:  # the best salesperson, by no measure: ask which measure
        st.clarify = best_without_metric(st)
    if spec is None and st.clarify is None and not any(u.get("reason") == "no_metric" for u in unknown):
        unknown.append({"text": question.strip(), "reason": "no_metric",
                        "message": "没有找到要看的指标 / no metric found in the question",
                        "suggestions": suggest(lex, " ".join(u["text"] for u in unknown) or question)})
    alternatives = spec_alternatives(frame, st.ambiguous) if spec else []
    confidence = 0.0 if spec is None else max(0.05, min(1.0, 1.0 - 0.25 * len(unknown) - 0.1 * len(st.ambiguous)
                                                       - (0.15 if any(not m.entries[0].exact for m in st.metric_ms)
                                                          else 0)))
    if spec is not None and (content_unknowns(unknown) or any(u.get("suggestions") is not None and u.get("reason")
                                                              and "按「" not in u["reason"] for u in unknown)):
        confidence = min(confidence, SHOWN_UNSURE)
    if spec is not None and frame.metrics and st.clarify is None:
        st.clarify = clarification(st, spec)
    if spec is not None and st.clarify is None and (dropped := undated_period(lex, frame, st)) is not None:
        unknown.append(dropped)  # 今年…供应商有几家: the rows have no date — answered without the period, said why
        spec, confidence = frame.to_spec(), min(confidence, SHOWN_UNSURE)
    chips = frame.chips(lex, st.today) if spec else []
    if st.clarify is not None:  # a question back: nothing runs until a choice is picked
        spec, alternatives, confidence = None, [], min(confidence, 0.5)
    chart = recommend_chart(spec, index=lex.index) if spec else None
    st.result = ParseResult(question, spec, chart, chips, unknown, alternatives,
                            round(confidence, 2), frame if spec else None, st.intent, st.intent_args,
                            st.clarify, question_lang(question),
                            st.choice_frames if st.clarify is not None else [])
