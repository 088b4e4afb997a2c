"""Stage: the frame shaped for the intent read by the `intent` stage, and its arguments completed.

- why: one metric (the first asked) over the named period, no time axis, no computes, order or limit;
  `intent_args` = {"period", "compare_to", "by"}: periods as POST /explain reads them (2026-10,
  2026-Q3, 2026, 2026-10-15); the named period when it is one whole day, month, quarter or year, else
  the last complete month; compare_to is the period before, or the same period a year before
  (同比 / vs last year); by = the dimensions named in the question (empty: every candidate).
- forecast: one metric by month over the whole history (what the forecast reads); `intent_args` =
  {"horizon" (months), "grain": "month", "by": a named dimension or None}.
- yes/no: one number — the first metric (or its yoy / pop growth when that is what is asked) over the
  named period (default: this year so far; the last complete month for a change against the month before),
  no dimensions, order or limit; a threshold written as a percent against an amount filtered to some rows
  compares the model's share of those rows (新品占比, not 新品销售额); no number (有没有超过去年, 增长了吗) compares the growth with 0; `intent_args` = {"op",
  "threshold", "metric" (the output compared), "time_range"}; a threshold above 1 compared with a
  percent metric or a growth is read as percent (30 → 0.3), as having conditions are.

Invariants: nothing here reads the text; a question with no metric keeps intent "query" (it is not
understood, and says so); `spec` stays the frame's (the result stage derives it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.ai.nl.context_ratio import filtered_share
from shuzhi.ai.nl.frame import TIME, Frame
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.spec.time_ranges import relative_range

_PCT = ("percent", "percentage")
_GROWTH = ("yoy", "pop")


def intent_frame(st: ParseState) -> None:
    frame = st.frame
    if st.intent == "query" or not frame.metrics:
        # a plain query keeps what earlier stages said of its shape (count_rows: the answer is its row count;
        # sum_rows: the answer is the sum of its rows; versus: the earlier period the service compares the answer with; periods: the periods shown side by side;
        # less: the difference is asked as the amount less; members: two members compared, the first against the second;
        # earlier: the earlier period's value shown beside the later one)
        st.intent = "query"
        st.intent_args = {k: v for k, v in st.intent_args.items() if k in ("count_rows", "sum_rows", "versus", "periods", "less", "members", "earlier")}
        return
    {"why": _why, "forecast": _forecast, "yesno": _yesno}[st.intent](st, frame)


def _one_metric(frame: Frame) -> str:
    first = frame.metrics[0]
    frame.metrics = [first]
    frame.having = [h for h in frame.having if h["field"] == first]
    frame.order, frame.limit = None, None
    return first


def _why(st: ParseState, frame: Frame) -> None:
    _one_metric(frame)
    by = [f for f, _ in frame.dims if f != TIME]
    frame.dims, frame.computes, frame.having = [], [], []
    period, grain = _period(frame.time_range, st.today)
    if period is None:  # the last complete month
        first = st.today.replace(day=1) - relativedelta(months=1)
        period, grain = f"{first:%Y-%m}", "month"
    start, end = _bounds(period, grain)
    frame.time_range = {"start": start.isoformat(), "end": end.isoformat()}
    back = relativedelta(years=1) if st.intent_args.get("compare") == "year" else _STEP[grain]
    st.intent_args = {"period": period, "compare_to": _label(start - back, grain), "by": by}


def _forecast(st: ParseState, frame: Frame) -> None:
    _one_metric(frame)
    by = [f for f, _ in frame.dims if f != TIME]
    frame.computes, frame.having = [], []
    frame.dims = [(TIME, "month"), *((b, None) for b in by[:1])]
    frame.time_range = None  # the forecast reads the whole history; the answer's table shows it too
    st.intent_args = {"horizon": int(st.intent_args.get("horizon") or 3), "grain": "month",
                      "by": by[0] if by else None}


def _yesno(st: ParseState, frame: Frame) -> None:
    first = _one_metric(frame)
    growth = next(((k, m) for k, m in frame.computes if k in _GROWTH and m == first), None)
    if growth is None and st.intent_args.get("growth"):  # 有没有超过去年, 增长了吗: the growth against 0
        growth = (st.intent_args["growth"], first)
    frame.computes = [growth] if growth else []
    frame.dims, frame.having = [], []
    if frame.time_range is None:  # this year so far; a month-over-month change: the last complete month
        frame.time_range = {"relative": "last_month" if growth and growth[0] == "pop" else "ytd"}
    fmt = st.lex.index.metrics[first].format
    if not growth and st.intent_args.get("percent") and fmt not in _PCT:
        first = _share_asked(st, frame, first)  # 新品占收入超过20%了吗: the share is compared, not the amount
        fmt = st.lex.index.metrics[first].format
    compared = Frame.compute_name(*growth) if growth else first
    threshold = float(st.intent_args["threshold"])
    if (growth or fmt in _PCT) and abs(threshold) > 1:
        threshold /= 100
    st.intent_args = {"op": st.intent_args["op"], "threshold": threshold, "metric": compared,
                      "time_range": dict(frame.time_range)}


def _share_asked(st: ParseState, frame: Frame, metric: str) -> str:
    """A percent threshold on an amount filtered to some rows (did new products make up more than 20% of
    revenue): the model's share metric of those rows, when it has one (the filter is then the share's)."""
    for w in frame.where:
        share = filtered_share(st.lex, metric, w)
        if share:
            frame.metrics = [share]
            frame.where = [x for x in frame.where if x is not w]
            return share
    return metric


_STEP = {"day": relativedelta(days=1), "month": relativedelta(months=1), "quarter": relativedelta(months=3),
         "year": relativedelta(years=1)}


def _dates(tr: dict[str, Any], today: dt.date) -> tuple[dt.date, dt.date]:
    if "relative" in tr:
        return relative_range(tr["relative"], today)
    return dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"])


def _period(tr: dict[str, Any] | None, today: dt.date) -> tuple[str | None, str]:
    """A range that is one whole day, month, quarter or year → its period label and grain."""
    if not tr:
        return None, "month"
    s, e = _dates(tr, today)
    if s == e:
        return s.isoformat(), "day"
    nxt = e + dt.timedelta(days=1)
    if s.day == 1 and nxt.day == 1:
        months = (nxt.year - s.year) * 12 + nxt.month - s.month
        for n, grain in ((1, "month"), (3, "quarter"), (12, "year")):
            if months == n and (grain != "quarter" or s.month % 3 == 1) and (grain != "year" or s.month == 1):
                return _label(s, grain), grain
    return None, "month"


def _label(start: dt.date, grain: str) -> str:
    return {"day": start.isoformat(), "month": f"{start:%Y-%m}", "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
            "year": str(start.year)}[grain]


def _bounds(period: str, grain: str) -> tuple[dt.date, dt.date]:
    if grain == "day":
        d = dt.date.fromisoformat(period)
        return d, d
    if grain == "year":
        s = dt.date(int(period), 1, 1)
    elif grain == "quarter":
        y, q = period.split("-Q")
        s = dt.date(int(y), 3 * int(q) - 2, 1)
    else:
        s = dt.date.fromisoformat(period + "-01")
    return s, s + _STEP[grain] - dt.timedelta(days=1)
