"""Stage: the time range — one range, or the span of several (with a grain fitting the shortest);
去年同期 compares with last year, shifts a follow-up's range back a year, or reads as last year to date."""

from __future__ import annotations

import datetime as dt

from shuzhi.ai.nl.context import shift_year
from shuzhi.ai.nl.stages.state import ParseState


def time_range(st: ParseState) -> None:
    parts, ranges, today = st.parts, st.ranges, st.today
    if ranges:
        if len(ranges) == 1:
            parts.time_range = dict(ranges[0].range or {})
        else:
            spans = [r.dates(today) for r in ranges]
            s, e = min(x[0] for x in spans), max(x[1] for x in spans)
            parts.time_range = {"start": s.isoformat(), "end": e.isoformat()}
            if not parts.grain:
                days = min((x[1] - x[0]).days for x in spans)
                parts.grain = "year" if days > 200 else "quarter" if days > 60 else "month" if days > 20 else "day"
    if st.same_period:
        previous = st.follow_frame
        if ranges:
            parts.computes.append("yoy")
        elif previous is not None and previous.time_range:
            parts.time_range = shift_year(previous.time_range, today)  # 再看看去年同期
        else:
            parts.time_range = {"start": dt.date(today.year - 1, 1, 1).isoformat(),
                                "end": _minus_year(today).isoformat()}


def _minus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)
