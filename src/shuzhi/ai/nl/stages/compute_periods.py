"""Helper of the `computes` stage (not a stage): two periods compared.

Two periods named are one comparison: with a change asked, one number (yoy / pop by the query for the same
dates a year apart or back-to-back whole periods, else `intent_args["versus"]`: the earlier range); with none,
side by side (yoy_value / pop_value for whole aligned periods, else `intent_args["periods"]`, each labelled as
the time column would be). A rate this year against 去年 said plainly is against last year's whole-year rate;
vs / 对比 without a change word shows the earlier value (`intent_args["earlier"]`). Functions read and write
only the given ParseState; date arithmetic is calendar-exact (29 Feb + 1 year → 28 Feb)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.spec.time_ranges import relative_range


def earlier_side_by_side(st: ParseState) -> None:
    """Revenue this year vs the same period last year / 各产品线销售额和去年同期对比: a comparison with the same period
    a year (or a period) before said with vs / 对比 and no growth or difference word is the two side by side —
    the earlier value shown too (`intent_args["earlier"]`: the service shows it, the value less its difference,
    yoy_value / pop_value added here), with the change kept."""
    parts, cue = st.parts, st.cue
    kinds = [c for c in parts.computes if c in ("yoy", "pop")]
    if len(kinds) != 1 or not cue["COMPARE"] or parts.limit or st.intent_args.get("versus"):
        return
    if any(cue[k] for k in ("GROWTH", "DIFF", "ROSE", "DECLINED", "GROW_FAST", "DROP_FAST")):
        return
    if f"{kinds[0]}_value" not in parts.computes:
        parts.computes.append(f"{kinds[0]}_value")
    st.intent_args["earlier"] = True


_LAST_YEAR_SAID = re.compile(r"(?:比|较|和|跟|与|相比|对比)\s*去年(?!同期|同一时期|的同期|.{0,3}(?:\d|一|二|三|四|五|六|七|八|九|十|前|上|下|底|末|年底))"
                             r"|\bthan last year\b(?! (?:same|so far|to date|at this time))")


_SAME_DATES = re.compile(r"同期|同比|同一时期|截至同|截止同|\bsame period\b|\bso far\b|\bto date\b|\byoy\b|\by/y\b")


def rate_against_last_year(st: ParseState) -> None:
    """今年毛利率比去年高了多少 / is this year's win rate higher than last year's: a rate (percent metric) of this
    year so far against 去年 said plainly (no 同期 / same period) compares with last year's rate — the whole
    year's (a rate does not grow with the days counted, so the year's rate is what 去年 names); the service
    runs the spec over last year (`intent_args["versus"]`). A total keeps the same dates a year before."""
    parts, text, lex = st.parts, st.t.text, st.lex
    if ("yoy_value" not in parts.computes or len(parts.metrics) != 1 or parts.dims or parts.grain
            or (parts.time_range or {}).get("relative") not in ("this_year", "ytd", "year_to_date")):
        return
    mdef = lex.index.metrics.get(parts.metrics[0])
    if mdef is None or mdef.format not in ("percent", "percentage"):
        return
    if _SAME_DATES.search(text) or not _LAST_YEAR_SAID.search(text):
        return
    this_year = st.today.year
    parts.computes = [c for c in parts.computes if c != "yoy_value"]
    if parts.order and parts.order[0] == "yoy_value":
        parts.order = None
    st.intent_args["versus"] = {"start": dt.date(this_year - 1, 1, 1).isoformat(),
                                "end": dt.date(this_year - 1, 12, 31).isoformat(), "change": "difference"}


_CHANGE = ("yoy", "pop", "yoy_value", "pop_value")


def two_periods(st: ParseState) -> None:
    """Two periods named (2025年比2024年, 去年和今年, 三季度比一季度, 去年底和今年10月底) read as one comparison:
    with a change asked (增长, 同比, 环比, growth, 多了多少, 高了多少) one number — the later period against the
    earlier: yoy / pop computed by the query when the periods are the same dates a year apart or back to back,
    else `intent_args["versus"]` (the earlier range; the service runs the same spec over it and says the
    change, growth or difference — 今年比去年全年多多少, 三季度比一季度高了多少); with no change asked, both periods
    side by side: the difference as a column (yoy_value / pop_value) for whole aligned periods (去年和今年), else
    `intent_args["periods"]` (今年和去年1-10月, 去年底和今年10月底: the service runs the spec over each period, one
    row each, labelled by the period's first day of the implied grain — its last for 年底 / year-end)."""
    parts, cue, today = st.parts, st.cue, st.today
    if len(st.ranges) != 2 or st.is_follow:
        return
    (s1, e1, h1), (s2, e2, h2) = sorted((*r.dates(today), r) for r in st.ranges)
    if e1 >= s2:
        return  # overlapping ranges: one span, not two periods
    days = min((e1 - s1).days, (e2 - s2).days)
    implied = "year" if days > 200 else "quarter" if days > 60 else "month" if days > 20 else "day"
    if parts.grain != implied:
        return  # 2024年和2025年按月: a grain of its own, a series
    yearly = (s2, e2) == (_plus_year(s1), _plus_year(e1)) or (
        s2 == _plus_year(s1) and e2 >= today - dt.timedelta(days=1) and not _whole_year_said(st))
    # back to back whole periods (the later one may be the current one so far: 本月比上月, unless the earlier
    # is said whole — 去年全年 — when the query's like-for-like pop is not what is asked)
    adjacent = (s2 == e1 + dt.timedelta(days=1) and _whole(s1, e1, implied, today, to_date=False)
                and _whole(s2, e2, implied, today, to_date=not _whole_year_said(st)))
    kind = "yoy" if yearly else "pop"
    asked_change = bool(cue["YOY"] or cue["GROWTH"] or cue["DIFF"] or cue["ROSE"] or cue["DECLINED"]
                        or cue["GROW_FAST"] or cue["DROP_FAST"] or cue["POP"]) or any(c in _CHANGE for c in parts.computes)
    rest = [c for c in parts.computes if c not in _CHANGE]
    if asked_change:  # 2025年销售额比2024年增长了多少: one number, the later period against the earlier
        parts.grain, parts.trend = None, False
        parts.time_range = {"start": s2.isoformat(), "end": e2.isoformat()}
        if yearly or adjacent:
            parts.computes = [f"{kind}_value" if cue["DIFF"] else kind, *rest]
            if parts.order and parts.order[0] in _CHANGE:
                parts.order = (parts.computes[0], parts.order[1])
        else:  # 三季度比一季度高了多少 / this year vs the whole of last year: the service runs the earlier range too
            parts.computes = rest
            st.intent_args["versus"] = {"start": s1.isoformat(), "end": e1.isoformat(),
                                        "change": "difference" if cue["DIFF"] else "growth"}
    elif ((yearly and s2 == e1 + dt.timedelta(days=1)) or adjacent) and all(
            _whole(s, e, implied, today) for s, e in ((s1, e1), (s2, e2))):  # no period between them
        if parts.dims or cue["COMPARE"]:  # 去年和今年各大区毛利率对比: side by side, and the difference
            parts.computes = [*rest, f"{kind}_value"]
    elif cue["COMPARE"] or parts.dims:
        # 今年和去年1-10月对比 / 去年底和今年10月底对比: the two periods side by side, not the series between them
        # (the service runs the spec over each: `intent_args["periods"]`, labelled as the time column would be)
        parts.grain, parts.trend = None, False
        parts.time_range = {"start": s2.isoformat(), "end": e2.isoformat()}
        # the same months of two years are the two years (a whole month or quarter keeps its own label)
        grain = "year" if yearly and not _whole(s1, e1, implied, today) else implied
        st.intent_args["periods"] = [{"start": s.isoformat(), "end": e.isoformat(), "grain": grain,
                                      "label": _bucket(st, h, s, e, grain)} for s, e, h in ((s1, e1, h1), (s2, e2, h2))]


def _whole(s: dt.date, e: dt.date, grain: str, today: dt.date, to_date: bool = True) -> bool:
    """The range is one whole period of `grain` (or, `to_date`, the current one up to today)."""
    if grain == "day":
        return s == e
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    if s.day != 1 or (s.month - 1) % months:
        return False
    last = s + relativedelta(months=months) - dt.timedelta(days=1)
    return e == last or (to_date and s <= today <= last and e >= today - dt.timedelta(days=1))


def _whole_year_said(st: ParseState) -> bool:
    """去年全年 / 上个月整月 / the whole of last year: the earlier period is meant whole, not the same dates as the
    later one's."""
    return bool(re.search(r"全年|整年|全月|整月|整个月|整个季度|全季度|\bfull (?:year|month|quarter)\b"
                          r"|\bwhole (?:of )?(?:last )?(?:year|month|quarter)\b", st.t.text))


_END = re.compile(r"\s*(?:年|月)?(?:底|末|終|终)|\s*(?:year|month|quarter)?[- ]?end\b")


def _bucket(st: ParseState, hit: Any, s: dt.date, e: dt.date, grain: str) -> str:
    """The `grain` period a named period stands for, as the time column shows it (its first day): its last
    one when the text says its end (去年底, 年末, year-end), else its first."""
    end = bool(_END.match(st.t.text, hit.end)) or bool(re.search(r"\bend of\s*(?:the\s*)?$", st.t.text[:hit.start]))
    d = e if end else s
    if grain == "year":
        return dt.date(d.year, 1, 1).isoformat()
    if grain == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1).isoformat()
    if grain == "month":
        return d.replace(day=1).isoformat()
    return d.isoformat()


def _plus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28)


def one_period(tr: dict[str, Any], grain: str, today: dt.date) -> bool:
    """The range is one calendar period of `grain` (up to today for the current one)."""
    s, e = relative_range(tr["relative"], today) if "relative" in tr else (
        dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"]))
    if grain == "week":
        return s.weekday() == 0 and (e - s).days <= 6
    months = {"month": 1, "quarter": 3}.get(grain)
    if months is None or s.day != 1 or (s.month - 1) % months:
        return False
    last = s + relativedelta(months=months) - dt.timedelta(days=1)
    return e <= last and (e == last or e == today)
