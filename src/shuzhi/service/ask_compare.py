"""Two periods or two members compared in one answer (service/ask_intents.py `complete` calls these):
- two periods named (the parser's `intent_args`): `versus` (今年三季度的毛利率比一季度高了多少, 今年比去年全年多多少)
  runs the same spec over the earlier range and answers one row — the later value, the earlier value and the
  change (the difference, or the growth rate); `periods` (今年和去年1-10月对比, 去年底和今年10月底对比) runs the spec
  over each period and answers one row per period, labelled as the time column of the implied grain would be
  (`two_periods`).
- two members of one field compared (`intent_args["members"]`: 常州工厂的不良率比苏州工厂高多少) run the spec for each
  member and answer one row: both values and the change, the first named against the second (`two_members`).
Invariants: one extra query per period or member, QuerySpecs only (service.query, as the asker); each returns the
summary saying both values, or None (not such an answer, or a value missing) leaving the answer as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.service import ask_summary as S
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def two_members(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
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
    zh = parsed.lang == "zh"
    col = cols[i]
    label = col.get("label") or col["name"]
    col_a = {**col, "name": f"{col['name']}_first", "label": f"{label}（{a}）" if zh else f"{label} ({a})"}
    col_b = {**col, "name": f"{col['name']}_second", "label": f"{label}（{b}）" if zh else f"{label} ({b})"}
    change, change_col = _change(col, va, vb, diff, zh)
    answer["result"] = {**result, "columns": [col_a, col_b, change_col], "rows": [[va, vb, change]]}
    answer["chart"] = {"type": "kpi", "value": change_col["name"]}
    return S.periods_summary(S.column_label(col, lex.index, parsed.lang), col.get("format"),
                             [(str(b), vb), (str(a), va)], parsed.lang, diff)


def _change(col: dict[str, Any], later: float, before: float, diff: bool, zh: bool) -> tuple[float | None, dict[str, Any]]:
    """The change from `before` to `later` (the difference, or the growth rate) and its column."""
    label = col.get("label") or col["name"]
    if diff:
        return later - before, {**col, "name": f"{col['name']}_change", "label": f"{label}差值" if zh else f"{label} difference"}
    return (later / before - 1 if before else None), {
        "name": f"{col['name']}_growth", "type": "number", "role": "metric", "format": "percent", "unit": "%",
        "label": f"{label}增长率" if zh else f"{label} growth"}


_GRAIN_LABEL = {"year": ("年份", "Year"), "quarter": ("季度", "Quarter"), "month": ("月份", "Month"),
                "day": ("日期", "Date")}


def two_periods(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], lex: Any,
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
        col = cols[i]
        label = col.get("label") or col["name"]
        period = S.period_text({"start": versus["start"], "end": versus["end"]}, today, parsed.lang)
        before_col = {**col, "name": f"{col['name']}_before", "label": f"{label}（{period}）" if zh else f"{label} ({period})"}
        change, change_col = _change(col, later_v, before_v, diff, zh)
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
