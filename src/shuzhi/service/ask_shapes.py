"""The shape of a query's answer reworked after it has run (service/ask_intents.py `complete` calls these;
service/ask.py calls `count_rows`), each driven by the parser's `intent_args`:
- a count over a having (去年下单超过20万的客户有几家: the parser lists the qualifying things and marks
  `intent_args["count_rows"]`, QuerySpec having no count of groups) is answered with one number, the
  listing's row count (`count_rows`); a listing cut at the row cap says so instead of a wrong number.
- a ranking cut to N (今年销售额前5的省份) whose rows include one without a value of a ranked dimension runs again
  without such rows (a `not_null` filter): the empty member takes no place (`rank_members`).
- the top N things together (`intent_args["sum_rows"]`: 前十大客户占总销售额多少比例) are one row, each metric
  column summed over the listed rows (`sum_rows`).
- this period vs the same one before said side by side (`intent_args["earlier"]`) shows the earlier value beside
  each metric: the value less its difference column (`earlier_beside`).
- the difference asked as the amount less (`intent_args["less"]`: 比9月少了多少) shows each difference column as
  the earlier (or second) value minus the later (first), labelled 少了 / less (`as_less`).
Invariants: without its intent argument each leaves the answer as it is; only `rank_members` queries (once, a
QuerySpec through service.query, as the asker); nothing here builds SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


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


def rank_members(rt: Runtime, user: UserContext, parsed: Any, answer: dict[str, Any], db: Session | None) -> None:
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


def sum_rows(parsed: Any, answer: dict[str, Any]) -> None:
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


def earlier_beside(parsed: Any, answer: dict[str, Any]) -> None:
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


def as_less(parsed: Any, answer: dict[str, Any]) -> None:
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
