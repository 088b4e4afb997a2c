"""The intents of an answer beyond one query, and the summary under every answer (service/ask.py calls
`apply_choice` after parsing and `complete` once the query has run).

- why: the attribution of POST /explain (service.insights.explain), as the asker (row rules apply),
  for the named period against the period before or a year before, with the question's filters and
  named dimensions → `explanation`.
- forecast: the forecast of POST /forecast (service.insights.forecast) by month, `horizon` months ahead,
  with the question's filters (one series per member of a named dimension) → `forecast`.
- yes/no: the compared output of the query's one row against the threshold → `yesno`.
- every answer gets `summary`, in the question's language (ParseResult.lang); a single number with a
  time range that is one whole period, or this year to date, costs one extra query (the same spec over
  the period before, or the same dates a year before) to say its change; nothing else is queried.
- a count over a having (去年下单超过20万的客户有几家: the parser lists the qualifying things and marks
  `intent_args["count_rows"]`, QuerySpec having no count of groups) is answered with one number, the
  listing's row count (`count_rows`); a listing cut at the row cap says so instead of a wrong number.
- the top N things together (`intent_args["sum_rows"]`: 前十大客户占总销售额多少比例) are one row, each metric
  column summed over the listed rows.
- two periods named (the parser's `intent_args`): `versus` (今年三季度的毛利率比一季度高了多少, 今年比去年全年多多少)
  runs the same spec over the earlier range and answers one row — the later value, the earlier value and the
  change (the difference, or the growth rate); `periods` (今年和去年1-10月对比, 去年底和今年10月底对比) runs the spec
  over each period and answers one row per period, labelled as the time column of the implied grain would be.
- two members of one field compared (`intent_args["members"]`: 常州工厂的不良率比苏州工厂高多少) run the spec for each
  member and answer one row: both values and the change, the first named against the second.
- the difference asked as the amount less (`intent_args["less"]`: 比9月少了多少) shows each difference column as
  the earlier (or second) value minus the later (first), labelled 少了 / less.
- a ranking cut to N (今年销售额前5的省份) whose rows include one without a value of a ranked dimension runs again
  without such rows (a `not_null` filter): the empty member takes no place.
- this period vs the same one before said side by side (`intent_args["earlier"]`) shows the earlier value beside
  each metric: the value less its difference column.
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

from shuzhi.errors import ShuzhiError
from shuzhi.service import ask_summary as S
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


_PERIODS_COUNTED = {"day": ("天数", "Number of days"), "week": ("周数", "Number of weeks"), "month": ("月数", "Number of months"),
                    "quarter": ("季度数", "Number of quarters"), "year": ("年数", "Number of years")}


def count_rows(parsed: Any, answer: dict[str, Any], lex: Any) -> None:
    """Answer a count over a having with one number: how many rows the listing has (see the docstring)."""
    result, spec = answer.get("result"), parsed.spec
    if not parsed.intent_args.get("count_rows") or result is None or not spec or not spec.get("dimensions"):
        return
    if result.get("truncated"):
        raise ShuzhiError("too_many_to_count", "满足条件的太多，超出了一次能列出的行数，没法准确计数；请加上筛选条件再问。",
                          "Too many qualify to count them exactly within one answer's row limit; add a filter and ask again.")
    dim = spec["dimensions"][0]
    ref = dim if isinstance(dim, str) else dim.get("field", "")
    ds = ref.split(".")[0] if "." in ref else ""
    ddef = lex.index.datasets.get(ds)
    zh = f"{(ddef.label if ddef and ddef.label else ref)}数"
    en = f"Number of {(ddef.label_en if ddef and getattr(ddef, 'label_en', None) else ds or ref)}"
    grain = None if isinstance(dim, str) else dim.get("grain")
    if grain in _PERIODS_COUNTED:  # 今年有几个月…: the periods that qualify
        zh, en = _PERIODS_COUNTED[grain]
    label = zh if parsed.lang == "zh" else en
    answer["result"] = {**result, "columns": [{"name": "count", "type": "integer", "label": label, "role": "metric"}],
                        "rows": [[len(result["rows"])]], "truncated": False}
    answer["chart"] = {"type": "kpi", "value": "count"}
    answer["interpretation"] = [*answer.get("interpretation", []), {
        "kind": "compute", "text": f"计数：满足条件的{zh}", "text_en": f"count: {en.lower()} that qualify",
        "value": "count_rows"}]


def complete(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
             db: Session | None = None) -> None:
    """Fill the answer's intent fields and its summary (see the module docstring); `lex` is the lexicon
    the question was parsed with (its model index names the metrics)."""
    answer.update({"intent": parsed.intent, "summary": None, "yesno": None, "explanation": None, "forecast": None})
    if parsed.intent == "query" and answer.get("result") is not None and parsed.spec:
        _rank_members(rt, user, parsed, answer, db)
        _sum_rows(parsed, answer)
        compared = _two_periods(rt, user, parsed, answer, lex, db) or _two_members(rt, user, parsed, answer, lex, db)
        _earlier(parsed, answer)
        _as_less(parsed, answer)
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


def _rank_members(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], db: Session | None) -> None:
    """A ranking cut to N members (今年销售额前5的省份) ranks the members named: when a row without a value of a
    ranked dimension (customers with no province) took a place, the spec runs again with those rows left out
    (a `not_null` filter on each such dimension) — one more query, only then; the answer's spec says it."""
    from shuzhi.service.query import query

    spec, result = parsed.spec, answer["result"]
    if not spec.get("limit") or not spec.get("order_by") or not spec.get("dimensions") or not result.get("rows"):
        return
    cols = result["columns"]
    empty = [c["name"] for i, c in enumerate(cols) if c.get("role") == "dimension" and "." in c["name"]
             and any(r[i] is None for r in result["rows"])]
    named = {d for d in spec["dimensions"] if isinstance(d, str)}
    empty = [f for f in empty if f in named]
    if not empty:
        return
    said = {w.get("field") for w in spec.get("where") or []}
    spec = {**spec, "where": [*(spec.get("where") or []), *({"field": f, "op": "not_null"} for f in empty if f not in said)]}
    try:
        answer["result"] = query(rt, spec, user, purpose="ui", db=db, freshness=True).to_json_obj()
    except ShuzhiError:
        return
    parsed.spec = spec
    answer["spec"] = spec


def _sum_rows(parsed: Any, answer: dict[str, Any]) -> None:
    """The top N things together (前十大客户占总销售额多少比例: `intent_args["sum_rows"]`): one row, each metric
    column summed over the listed rows (their amounts, and their shares of the whole)."""
    result = answer["result"]
    if not parsed.intent_args.get("sum_rows") or result.get("truncated") or not result["rows"]:
        return
    cols = [c for c in result["columns"] if c.get("role") == "metric"]
    idx = [i for i, c in enumerate(result["columns"]) if c.get("role") == "metric"]
    row = [sum(float(r[i]) for r in result["rows"] if isinstance(r[i], int | float)) for i in idx]
    zh = parsed.lang == "zh"
    n = len(result["rows"])
    answer["result"] = {**result, "columns": [{**c, "label": (f"前{n}合计{c.get('label') or c['name']}" if zh
                                                             else f"Top {n} together: {c.get('label') or c['name']}")}
                                              for c in cols], "rows": [row]}
    share = next((c["name"] for c in cols if c.get("compute") == "percent_of_total"), cols[-1]["name"] if cols else None)
    answer["chart"] = {"type": "kpi", "value": share}


def _two_members(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
                 db: Session | None) -> str | None:
    """Two members of one field compared (`intent_args["members"]`: 常州工厂的不良率比苏州工厂高多少): the spec runs for
    each member (its filter added) and the answer is one row — the first member's value, the second's and the
    change (the first against the second: the difference, or the growth); None when not such an answer or a
    member's value is missing."""
    from shuzhi.service.query import query

    args, spec, result = parsed.intent_args, parsed.spec, answer["result"]
    members = args.get("members")
    if not members:
        return None
    cols = result["columns"]
    i = next((k for k, c in enumerate(cols) if c.get("role") == "metric"), None)
    if i is None:
        return None
    values = []
    for v in members["values"]:
        kept = [w for w in spec.get("where") or [] if w.get("field") != members["field"]]
        one = {**spec, "where": [*kept, {"field": members["field"], "op": "=", "value": v}]}
        rows = query(rt, one, user, purpose="ui", db=db, freshness=True).to_json_obj()["rows"]
        x = rows[0][i] if len(rows) == 1 else None
        if not isinstance(x, int | float):
            return None
        values.append(x)
    (a, b), (va, vb) = members["values"], values
    diff = members.get("change") == "difference"
    change = va - vb if diff else (va / vb - 1 if vb else None)
    zh = parsed.lang == "zh"
    col = cols[i]
    label = col.get("label") or col["name"]
    col_a = {**col, "name": f"{col['name']}_first", "label": f"{label}（{a}）" if zh else f"{label} ({a})"}
    col_b = {**col, "name": f"{col['name']}_second", "label": f"{label}（{b}）" if zh else f"{label} ({b})"}
    change_col = ({**col, "name": f"{col['name']}_change", "label": f"{label}差值" if zh else f"{label} difference"}
                  if diff else {"name": f"{col['name']}_growth", "type": "number", "role": "metric", "format": "percent",
                                "unit": "%", "label": f"{label}增长率" if zh else f"{label} growth"})
    answer["result"] = {**result, "columns": [col_a, col_b, change_col], "rows": [[va, vb, change]]}
    answer["chart"] = {"type": "kpi", "value": change_col["name"]}
    return S.periods_summary(S.column_label(col, lex.index, parsed.lang), col.get("format"),
                             [(str(b), vb), (str(a), va)], parsed.lang, diff)


def _earlier(parsed: Any, answer: dict[str, Any]) -> None:
    """The two periods side by side (`intent_args["earlier"]`: this year vs the same period last year): beside each
    metric the earlier period's value — the value less its difference column (yoy_value / pop_value) — is
    shown, labelled 去年同期 / 上期."""
    result = answer["result"]
    if not parsed.intent_args.get("earlier") or not result.get("rows"):
        return
    zh, cols = parsed.lang == "zh", result["columns"]
    rows = [list(r) for r in result["rows"]]
    out_cols = list(cols)
    for k, c in enumerate(cols):
        if c.get("compute") not in ("yoy_value", "pop_value"):
            continue
        base = next((j for j, b in enumerate(cols) if b.get("role") == "metric" and not b.get("compute")
                     and b.get("metric") == c.get("metric")), None)
        if base is None:
            continue
        yoy = c["compute"] == "yoy_value"
        label = cols[base].get("label") or cols[base]["name"]
        when = ("去年同期", "same period last year") if yoy else ("上期", "previous period")
        new = {**cols[base], "name": f"{cols[base]['name']}_earlier", "label": f"{label}（{when[0]}）" if zh else f"{label} ({when[1]})"}
        at = out_cols.index(cols[base]) + 1
        out_cols.insert(at, new)
        for r, orig in zip(rows, result["rows"], strict=True):
            v, d = orig[base], orig[k]
            r.insert(at, v - d if isinstance(v, int | float) and isinstance(d, int | float) else None)
    answer["result"] = {**result, "columns": out_cols, "rows": rows}


def _as_less(parsed: Any, answer: dict[str, Any]) -> None:
    """The difference asked as the amount less (`intent_args["less"]`: 比9月少了多少): each difference column
    (yoy_value / pop_value, or the `versus` change) shows the earlier value minus the later, labelled 少了 /
    less — a value that rose instead shows negative; nothing else changes."""
    result = answer["result"]
    if not parsed.intent_args.get("less") or not result.get("rows"):
        return
    zh = parsed.lang == "zh"
    idx = [i for i, c in enumerate(result["columns"])
           if c.get("compute") in ("yoy_value", "pop_value") or str(c.get("name", "")).endswith("_change")]
    if not idx:
        return
    cols = list(result["columns"])
    for i in idx:
        if cols[i]["name"].endswith("_change"):  # the service's own change column: its metric's label
            label = (cols[i].get("label") or cols[i]["name"]).removesuffix("差值").removesuffix(" difference")
        else:
            base = next((c for c in cols if c.get("role") == "metric" and not c.get("compute")
                         and c.get("metric") and c.get("metric") == cols[i].get("metric")), cols[i])
            label = base.get("label") or base["name"]
        cols[i] = {**cols[i], "name": f"{cols[i]['name']}_less", "label": f"{label}少了" if zh else f"{label}: less by"}
    rows = [[(-v if i in idx and isinstance(v, int | float) else v) for i, v in enumerate(r)] for r in result["rows"]]
    answer["result"] = {**result, "columns": cols, "rows": rows}
    chart = answer.get("chart") or {}
    if chart.get("type") == "kpi" and chart.get("value") in {result["columns"][i]["name"] for i in idx}:
        answer["chart"] = {**chart, "value": f"{chart['value']}_less"}


_GRAIN_LABEL = {"year": ("年份", "Year"), "quarter": ("季度", "Quarter"), "month": ("月份", "Month"),
                "day": ("日期", "Date")}


def _two_periods(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
                 db: Session | None) -> str | None:
    """Two periods compared (see the module docstring): `versus` → one row with the change, `periods` → one row
    per period; returns the summary saying both (None: not such an answer, or the query's summary fits). The
    spec's own result is the later period's; nothing happens without those arguments."""
    from shuzhi.service.query import query

    args, spec, result = parsed.intent_args, parsed.spec, answer["result"]
    versus, periods = args.get("versus"), args.get("periods")
    if not versus and not periods:
        return None
    zh, today = parsed.lang == "zh", rt.settings.today_date()

    def run(rng: dict[str, Any]) -> dict[str, Any]:
        tr = {"field": (spec.get("time_range") or {}).get("field", "time"), "start": rng["start"], "end": rng["end"]}
        return query(rt, {**spec, "time_range": tr}, user, purpose="ui", db=db, freshness=True).to_json_obj()

    cols = result["columns"]
    if versus:
        i = next((k for k, c in enumerate(cols) if c.get("role") == "metric"), None)
        if i is None or len(result["rows"]) != 1:
            return None
        earlier = run(versus)["rows"]
        later_v = result["rows"][0][i]
        before_v = earlier[0][i] if len(earlier) == 1 else None
        if not isinstance(later_v, int | float) or not isinstance(before_v, int | float):
            return None
        diff = versus.get("change") == "difference"
        change = later_v - before_v if diff else (later_v / before_v - 1 if before_v else None)
        col = cols[i]
        label = col.get("label") or col["name"]
        period = S.period_text({"start": versus["start"], "end": versus["end"]}, today, parsed.lang)
        before_col = {**col, "name": f"{col['name']}_before", "label": f"{label}（{period}）" if zh else f"{label} ({period})"}
        change_col = ({**col, "name": f"{col['name']}_change", "label": f"{label}差值" if zh else f"{label} difference"}
                      if diff else {"name": f"{col['name']}_growth", "type": "number", "role": "metric", "format": "percent",
                                    "unit": "%", "label": f"{label}增长率" if zh else f"{label} growth"})
        answer["result"] = {**result, "columns": [col, before_col, change_col], "rows": [[later_v, before_v, change]]}
        answer["chart"] = {"type": "kpi", "value": change_col["name"]}
        later = S.period_text(spec.get("time_range"), today, parsed.lang)
        return S.periods_summary(S.column_label(col, lex.index, parsed.lang), col.get("format"),
                                 [(period, before_v), (later, later_v)], parsed.lang, diff)
    grain = periods[0].get("grain") or "year"
    rows = []
    for p in periods:
        got = result if p is periods[-1] else run(p)
        rows += [[p["label"], *r] for r in got["rows"]]
    zh_l, en_l = _GRAIN_LABEL.get(grain, ("时间", "Time"))
    answer["result"] = {**result, "rows": rows, "columns": [
        {"name": f"time_{grain}", "type": "date", "label": zh_l if zh else en_l, "role": "dimension"}, *cols]}
    answer["chart"] = {"type": "bar", "x": f"time_{grain}", "y": [c["name"] for c in cols if c.get("role") == "metric"]}
    i = next((k for k, c in enumerate(cols) if c.get("role") == "metric"), None)
    names = [S.period_text(p, today, parsed.lang) for p in periods]
    if i is None or len(rows) != len(periods) or any(len(r) != len(cols) + 1 for r in rows):
        # split by a dimension too: the rows say it
        return f"{'、'.join(names)}并列对比。" if zh else f"{' and '.join(names)} side by side."
    values = [(S.period_text(p, today, parsed.lang), r[i + 1] if isinstance(r[i + 1], int | float) else None)
              for p, r in zip(periods, rows, strict=True)]
    return S.periods_summary(S.column_label(cols[i], lex.index, parsed.lang), cols[i].get("format"), values, parsed.lang)


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
