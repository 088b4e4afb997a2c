"""Stage: time expressions → ranges, a grain (哪个月 asks for the top period), a trend, 去年同期.

A year holding the other ranges only says their year (Q3 vs Q1 this year); a period named without a year right
after one with it is of that year (2025年上半年和下半年). Periods counted (今年有几个月…超过, in how many months) are the grain, and the answer is the row count
(`intent_args["count_rows"]`). Two readings over the hits: the same span named twice (近三个月（8到10月）) is one range; months named once
for two years (今年和去年1-10月, 2026 vs 2025 for January through October) apply to both years — each year
becomes those months of it (the shared months are not a third range)."""

from __future__ import annotations

import datetime as dt
import re

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.timeexpr import TimeHit, find_time

# 今年有几个月销售额超过250万 / in how many months: the periods counted — by that grain, the answer its row count
_COUNTED_PERIODS = re.compile(r"(?<![近过前去])(?:多少|几)\s*个?\s*(?P<zh>月|季度|星期|周)(?!度|份|底|末|初)"
                              r"|有(?:多少|几)\s*(?P<zh2>天|年)(?!度|级|份|底|末|初)"
                              r"|\bhow many (?P<en>months|quarters|weeks|days|years)\b|\bnumber of (?P<en2>months|quarters|weeks|days|years)\b")
_PERIOD_GRAIN = {"月": "month", "季度": "quarter", "星期": "week", "周": "week", "天": "day", "年": "year"}
_YEAR_NAMED = re.compile(r"(?:19|20)\d\d|今年|去年|前年|本年|上年|\bthis year\b|\blast year\b")
_AND = re.compile(r"\s*(?:和|与|跟|及|、|,|，|对比|比|\band\b|\bvs\.?|\bversus\b|\bcompared (?:to|with)\b)\s*")

_AMOUNT_OF_CHANGE = re.compile(r"了?\s*(?:百分之|多少|几成|几个点|多大|\s*by how much)")


def time_words(st: ParseState) -> None:
    t = st.t
    for m in t.find(_COUNTED_PERIODS):
        word = m.group("zh") or m.group("zh2") or m.group("en") or m.group("en2")
        st.parts.grain = _PERIOD_GRAIN.get(word) or word.rstrip("s")
        st.intent_args["count_rows"] = True
    for h in find_time(t.masked(), st.today):
        t.take(h.start, h.end)
        if h.kind == "range":
            st.ranges.append(h)
        elif h.kind == "grain":
            st.parts.grain = h.grain
            if t.text[h.start] == "哪":  # 哪个月卖得最多: which period → the top one
                st.which_time = list(C.WHICH.finditer(t.text[h.start:h.end]))
        elif h.kind == "trend":
            if not _AMOUNT_OF_CHANGE.match(t.text, h.end):  # 变化了百分之几 / 变化了多少: the change's size, not a series
                st.parts.trend = True
        else:
            st.same_period = True
    st.ranges = _shared_months(st, _year_carried(st, _year_of_others(st, _one_span_once(st.ranges, st.today))))


def _one_span_once(ranges: list[TimeHit], today: dt.date) -> list[TimeHit]:
    """近三个月（8到10月）: a span named twice is one range."""
    out: list[TimeHit] = []
    for h in ranges:
        if not any(o.dates(today) == h.dates(today) for o in out):
            out.append(h)
    return out


def _year_of_others(st: ParseState, ranges: list[TimeHit]) -> list[TimeHit]:
    """How much higher was Q3 than Q1 this year / Q2 vs Q4 last year: a whole year said with two or more periods
    named without a year only says their year (each period of it; the year is not a range of its own)."""
    today, text = st.today, st.t.text
    if len(ranges) < 3:
        return ranges
    for h in ranges:
        year = _year_of_whole(h, today)
        rest = [r for r in ranges if r is not h]
        if year is None or any(_YEAR_NAMED.search(text[r.start:r.end]) or _year_of_whole(r, today) is not None
                               or r.dates(today)[0].year != r.dates(today)[1].year for r in rest):
            continue
        return [_within(r, year, *r.dates(today), today) for r in rest]
    return ranges


def _year_carried(st: ParseState, ranges: list[TimeHit]) -> list[TimeHit]:
    """2025年上半年和下半年 / 去年3月和5月: a period named without a year right after one with a year, joined by
    和 / 与 / vs, is of that year."""
    today, text, out = st.today, st.t.text, list(ranges)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if not (a.end <= b.start and _AND.fullmatch(text[a.end:b.start])):
            continue
        if not _YEAR_NAMED.search(text[a.start:a.end]) or _YEAR_NAMED.search(text[b.start:b.end]):
            continue
        (sa, ea), (sb, eb) = a.dates(today), b.dates(today)
        if sa.year == ea.year and sb.year == eb.year and sb.year != sa.year and _year_of_whole(b, today) is None:
            out[i] = _within(b, sa.year, sb, eb, today)
    return out


def _year_of_whole(h: TimeHit, today: dt.date) -> int | None:
    """The year a hit is, when it is one whole calendar year (or this year to date)."""
    s, e = h.dates(today)
    if s.month == 1 and s.day == 1 and s.year == e.year and (e == dt.date(s.year, 12, 31) or e == today):
        return s.year
    return None


def _shared_months(st: ParseState, ranges: list[TimeHit]) -> list[TimeHit]:
    today, text = st.today, st.t.text
    years = [(h, y) for h in ranges if (y := _year_of_whole(h, today)) is not None]
    subs = [h for h in ranges if _year_of_whole(h, today) is None]
    if len(subs) != 1 or not years:
        return ranges
    sub = subs[0]
    s, e = sub.dates(today)
    if s.year != e.year:
        return ranges
    named = _YEAR_NAMED.match(text, sub.start) is not None
    if len(years) == 2 and not _YEAR_NAMED.search(text[sub.start:sub.end]):
        # 2026 vs 2025 revenue for January through October: both years, those months of each
        return [_within(h, y, s, e, today) for h, y in years]
    (first, y), = years if len(years) == 1 else [(None, 0)]
    if first is not None and named and first.end <= sub.start and _AND.fullmatch(text[first.end:sub.start]) \
            and y != s.year:
        # 今年和去年1-10月: the months said once, after the second year, are the first year's too
        return [_within(first, y, s, e, today), sub]
    return ranges


def _within(h: TimeHit, year: int, s: dt.date, e: dt.date, today: dt.date) -> TimeHit:
    start = s.replace(year=year)
    try:
        end = e.replace(year=year)
    except ValueError:
        end = e.replace(year=year, day=28)
    end = min(end, today) if start <= today else end
    return TimeHit(h.start, h.end, "range", {"start": start.isoformat(), "end": end.isoformat()})
