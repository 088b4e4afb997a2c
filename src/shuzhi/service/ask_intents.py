"""The intents of an answer beyond one query, and the summary under every answer (service/ask.py calls
`apply_choice` after parsing and `complete` once the query has run).

- why: the attribution of POST /explain (service.insights.explain), as the asker (row rules apply),
  for the named period against the period before or a year before, with the question's filters and
  named dimensions → `explanation`.
- forecast: the forecast of POST /forecast (service.insights.forecast) by month, `horizon` months ahead,
  with the question's filters (one series per member of a named dimension) → `forecast`.
- yes/no: the compared output of the query's one row against the threshold → `yesno`.
- hotspots, whitespace, allocate, assess: the innovation analysis, run by ask_innovation.py → `innovation`
  (a small table and the link to its page) and the summary.
- every answer gets `summary`, in the question's language (ParseResult.lang); a single number with a
  time range that is one whole period, or this year to date, costs one extra query (the same spec over
  the period before, or the same dates a year before) to say its change; nothing else is queried.
- the shape of a query's answer (count_rows, rank_members, sum_rows, earlier_beside, as_less) is reworked by
  ask_shapes.py; two periods or two members compared (two_periods, two_members) by ask_compare.py.
- a clarification answered with `choice` N (1-based) answers choices[N-1].spec; a bad N is refused in
  Chinese and English (bad_choice).

Invariants: an insight that cannot be computed (too short a history, no dimension to explain by)
leaves its field null and says why in the summary — the query's answer stands; nothing here builds
SQL (QuerySpecs only, through service.query and service.insights).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from shuzhi.ai.nl.innovation import INTENTS as INNOVATION_INTENTS
from shuzhi.errors import ShuzhiError
from shuzhi.service import ask_summary as S
from shuzhi.service.ask_compare import two_members, two_periods
from shuzhi.service.ask_shapes import as_less, earlier_beside, rank_members, sum_rows
from shuzhi.spec.resolve import UserContext
from shuzhi.spec.time_ranges import relative_range

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

_STEPS = {1: ("month", ("比上月", "vs the month before")), 3: ("quarter", ("比上季度", "vs the quarter before")),
          12: ("year", ("比上年", "vs the year before"))}


def apply_choice(parsed: Any, choice: int | None, lex: Any, today: Any) -> Any:
    """The answer for clarification choice `choice` (1-based) of the re-parsed question (ai.nl.clarify.choose:
    its spec, chart, chips and frame, so a follow-up refines the picked reading); `parsed` itself when no
    choice is given; a bad choice is refused."""
    if choice is None:
        return parsed
    from shuzhi.ai.nl.clarify import choose

    choices = (parsed.clarify or {}).get("choices") or []
    if not choices:
        raise ShuzhiError("bad_choice", "这个问题不需要选择：请去掉 choice（--choice）再问。",
                          "This question offers no choices: ask it without choice (--choice).")
    if not 1 <= choice <= len(choices):
        raise ShuzhiError("bad_choice", f"choice（--choice）须在 1 到 {len(choices)} 之间，不能是 {choice}。",
                          f"choice (--choice) must be between 1 and {len(choices)}, not {choice}.")
    picked = choices[choice - 1]
    answer = choose(parsed, choice - 1, lex, today)
    answer.interpretation = [*answer.interpretation, {
        "kind": "source", "text": f"按「{picked['text']}」理解", "text_en": f"read as: {picked.get('text_en') or picked['text']}",
        "value": choice}]
    return answer


def complete(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
             db: Session | None = None) -> None:
    """Fill the answer's intent fields and its summary (see the module docstring); `lex` is the lexicon
    the question was parsed with (its model index names the metrics)."""
    answer.update({"intent": parsed.intent, "summary": None, "yesno": None, "explanation": None, "forecast": None,
                   "innovation": None})
    if parsed.intent in INNOVATION_INTENTS:  # answered by an innovation analysis (service/ask_innovation.py)
        from shuzhi.service.ask_innovation import answer as innovation_answer

        innovation_answer(rt, user, parsed, answer)
        return
    if parsed.intent == "query" and answer.get("result") is not None and parsed.spec:
        rank_members(rt, user, parsed, answer, db)
        sum_rows(parsed, answer)
        compared = two_periods(rt, user, parsed, answer, lex, db) or two_members(rt, user, parsed, answer, lex, db)
        earlier_beside(parsed, answer)
        as_less(parsed, answer)
        if compared:
            answer["summary"] = compared
            return
    spec, result, lang = parsed.spec, answer.get("result"), parsed.lang
    if spec is None or result is None:
        return
    idx, today = lex.index, rt.settings.today_date()
    metric = spec["metrics"][0] if isinstance(spec["metrics"][0], str) else spec["metrics"][0]["name"]
    label = S.metric_label(idx, metric, lang)
    args = parsed.intent_args
    where = spec.get("where") or None
    if parsed.intent == "why":
        from shuzhi.service.insights import explain

        try:
            ex = explain(rt, user, metric, args["period"], args["compare_to"], by=args.get("by") or None, where=where)
        except ShuzhiError as exc:
            answer["summary"] = _cannot(exc, lang)
            return
        answer["explanation"] = ex
        answer["summary"] = S.why_summary(ex, lang)
    elif parsed.intent == "forecast":
        from shuzhi.service.insights import forecast

        try:
            fc = forecast(rt, user, metric, args.get("grain", "month"), int(args["horizon"]), by=args.get("by"), where=where)
        except ShuzhiError as exc:
            answer["summary"] = _cannot(exc, lang)
            return
        answer["forecast"] = fc
        answer["summary"] = S.forecast_summary(fc, label, _additive(idx, metric), lang)
    elif parsed.intent == "yesno":
        answer["yesno"], answer["summary"] = _yesno(result, args, idx, today, lang)
    else:
        compared = args.get("versus") or args.get("periods") or args.get("members")  # two periods: the answer is already the comparison
        before, against = (None, None) if compared else _before(rt, user, spec, result, today, db)
        answer["summary"] = S.query_summary(result, spec, idx, today, lang, before=before, against=against,
                                            additive=_additive(idx, metric))


def _cannot(exc: ShuzhiError, lang: str) -> str:
    return f"无法计算：{exc.zh}" if lang == "zh" else f"Could not compute it: {exc.en}"


def _additive(idx: Any, metric: str) -> bool:
    from shuzhi.ai.insights.metric_kind import name_kind

    try:
        return name_kind(idx, metric).kind == "additive"
    except (ShuzhiError, KeyError):
        return False


def _yesno(result: dict[str, Any], args: dict[str, Any], idx: Any, today: dt.date, lang: str
           ) -> tuple[dict[str, Any], str]:
    cols, rows = result["columns"], result["rows"]
    i = next((k for k, c in enumerate(cols) if c["name"] == args["metric"]), None)
    value = rows[0][i] if rows and i is not None else None
    value = float(value) if isinstance(value, int | float) else None
    op, threshold = args["op"], float(args["threshold"])
    ok = value is not None and {">": value > threshold, ">=": value >= threshold, "<": value < threshold,
                                "<=": value <= threshold, "=": abs(value - threshold) < 1e-9}.get(op, False)
    fmt = cols[i].get("format") if i is not None else None
    period = S.period_text(args.get("time_range"), today, lang)
    label = S.column_label(cols[i], idx, lang) if i is not None else args["metric"]
    yn = {"answer": ok, "value": value, "threshold": threshold, "op": op, "metric": args["metric"],
          "period": period or None}
    growth = cols[i].get("compute") if i is not None else None
    return yn, S.yesno_summary(ok, value, threshold, op, label, fmt, period, lang, growth)


def _before(rt: Runtime, user: UserContext, spec: dict[str, Any], result: dict[str, Any], today: dt.date,
            db: Session | None) -> tuple[float | None, tuple[str, str] | None]:
    """The single number's value over the comparison period (one query), and how to name it; (None, None)
    when the answer is not one plain number over one whole period or this year to date."""
    from shuzhi.service.query import query

    tr = spec.get("time_range")
    plain = all(isinstance(m, str) for m in spec["metrics"])
    if not tr or not plain or spec.get("dimensions") or spec.get("having") or len(result.get("rows") or []) != 1:
        return None, None
    s, e = (relative_range(tr["relative"], today) if "relative" in tr
            else (dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"])))
    nxt = e + dt.timedelta(days=1)
    months = (nxt.year - s.year) * 12 + nxt.month - s.month if s.day == 1 and nxt.day == 1 else 0
    if months in _STEPS and not (months == 12 and s.month != 1):
        step = relativedelta(months=months)
        s0, e0, against = s - step, s - dt.timedelta(days=1), _STEPS[months][1]
    elif s == dt.date(today.year, 1, 1) and e <= today:  # this year so far: the same dates a year before
        s0, e0, against = s - relativedelta(years=1), e - relativedelta(years=1), ("比去年同期", "vs the same period last year")
    else:
        return None, None
    shifted = {**spec, "time_range": {"field": tr.get("field", "time"), "start": s0.isoformat(), "end": e0.isoformat()}}
    try:
        rows = query(rt, shifted, user, purpose="ui", db=db).to_json_obj()["rows"]
    except ShuzhiError:
        return None, None
    v = rows[0][0] if rows and rows[0] else None
    return (float(v) if isinstance(v, int | float) else None), against
