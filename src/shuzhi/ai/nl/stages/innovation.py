"""Stage: an innovation question (ai/nl/innovation.py) is answered by its analysis, not by a query — hot spots,
white spaces, the allocation of an R&D budget, the 专精特新 self-assessment (docs/ask-innovation.md).

Runs first, before any number or word is read as a condition or a metric (3000万 is the budget, not a
having). When it reads one, the parse ends here: `intent` is the analysis, `intent_args` its arguments
(hotspots / whitespace: field, years, direction; allocate: budget in 元, headcount; assess: year, level),
`spec` None, the chips say what was understood, confidence 1.0 (every cue and argument word is known; the
words left are the question's frame). A follow-up of such an answer that names a new argument (那2000万呢,
精密传动呢) keeps the analysis and changes that argument. Every other question passes through untouched.
"""

from __future__ import annotations

from typing import Any

from shuzhi.ai.nl import innovation as I
from shuzhi.ai.nl.stages.result import question_lang
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import ParseResult

_NAMES = {"hotspots": ("技术热点", "technology hot spots"), "whitespace": ("专利空白", "patent white spaces"),
          "allocate": ("研发预算分配", "R&D budget allocation"), "assess": ("专精特新自评", "专精特新 self-assessment")}


def innovation(st: ParseState) -> None:
    reading = I.read(st.t.text, st.lex, st.today, st.previous)
    if reading is None:
        return
    for s, e in reading.spans:
        st.t.take(s, e)
    st.intent, st.intent_args = reading.intent, reading.args
    st.result = ParseResult(st.question, None, None, chips(reading.intent, reading.args), [], [], 1.0, None,
                            reading.intent, reading.args, None, question_lang(st.question))


def chips(intent: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    """How the question was understood: the analysis, then each argument read."""
    zh, en = _NAMES[intent]
    out: list[dict[str, Any]] = [{"kind": "analysis", "text": zh, "text_en": en, "value": intent}]
    if args.get("direction") == "falling":
        out.append({"kind": "order", "text": "降温的方向", "text_en": "falling topics", "value": "falling"})
    if args.get("field"):
        out.append({"kind": "filter", "text": f"技术领域 = {args['field']}", "text_en": f"tech field = {args['field']}",
                    "value": args["field"]})
    if args.get("years"):
        out.append({"kind": "time", "text": f"近 {args['years']} 年", "text_en": f"last {args['years']} years",
                    "value": args["years"]})
    if args.get("budget") is not None:
        b = float(args["budget"])
        out.append({"kind": "budget", "text": f"预算 {_wan(b)}", "text_en": f"budget ¥{b / 1e6:,.4g}M", "value": b})
    if args.get("headcount") is not None:
        out.append({"kind": "headcount", "text": f"人力 {args['headcount']} 人", "text_en": f"headcount {args['headcount']}",
                    "value": args["headcount"]})
    if args.get("year"):
        out.append({"kind": "time", "text": f"{args['year']} 年", "text_en": str(args["year"]), "value": args["year"]})
    if intent == "assess":
        lv = args.get("level") == "小巨人"
        out.append({"kind": "filter", "text": "国家级「小巨人」" if lv else "省级专精特新",
                    "text_en": "national little giant" if lv else "provincial 专精特新", "value": args.get("level")})
    return out


def _wan(v: float) -> str:
    if v >= 1e8:
        return f"{v / 1e8:,.4g}亿"
    if v >= 1e4:
        return f"{v / 1e4:,.6g}万"
    return f"{v:,.0f}元"
