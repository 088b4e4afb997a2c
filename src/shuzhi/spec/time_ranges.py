"""Relative time ranges → inclusive [start, end] dates, given "today" (SHUZHI_TODAY when pinned).

Weeks start on Monday (ISO). "this_*" and "*td" ranges end today; "last_N_days" ends today and has N
days; "last_12_months" is the 12 whole months ending with the previous complete month.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def week_start(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def relative_range(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    day = dt.timedelta(days=1)
    if name == "today":
        return today, today
    if name == "yesterday":
        return today - day, today - day
    if name == "this_week":
        return week_start(today), today
    if name == "last_week":
        s = week_start(today) - dt.timedelta(days=7)
        return s, s + dt.timedelta(days=6)
    if name.startswith("last_") and name.endswith("_days"):
        n = int(name.split("_")[1])
        return today - dt.timedelta(days=n - 1), today
    if name in ("this_month", "mtd"):
        return month_start(today), today
    if name == "last_month":
        e = month_start(today) - day
        return month_start(e), e
    if name in ("this_quarter", "qtd"):
        return quarter_start(today), today
    if name == "last_quarter":
        e = quarter_start(today) - day
        return quarter_start(e), e
    if name in ("this_year", "ytd"):
        return dt.date(today.year, 1, 1), today
    if name == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if name == "last_12_months":
        e = month_start(today) - day
        return month_start(e) - relativedelta(months=11), e
    raise ValueError(f"unknown relative range {name}")


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """Number of whole calendar months in [start, end], or None if not month-aligned."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return None
    nxt = end + dt.timedelta(days=1)
    return (nxt.year - start.year) * 12 + (nxt.month - start.month)


def previous_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before [start, end] of equal length (whole months stay whole months).

    A period-to-date range — from the first day of a month, quarter or year to a day inside it (本月至今,
    本季度至今, 今年至今) — compares with the same days of the period before (12-01…12-07 with
    11-01…11-07), like with like."""
    months = whole_months(start, end)
    if months:
        s = start - relativedelta(months=months)
        return s, start - dt.timedelta(days=1)
    if start.day == 1:
        for step in (1, 3, 12):
            aligned = (start.month - 1) % step == 0
            if aligned and end < start + relativedelta(months=step):
                return start - relativedelta(months=step), end - relativedelta(months=step)
    n = (end - start).days + 1
    return start - dt.timedelta(days=n), start - dt.timedelta(days=1)


def year_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return start - relativedelta(years=1), end - relativedelta(years=1)


# Presets that end with the last complete period (anchored the day after the data's last date).
_COMPLETE = {"yesterday", "last_week", "last_month", "last_quarter", "last_year", "last_12_months"}


def anchored_range(relative: str | None, start: dt.date | None, end: dt.date | None, first: dt.date,
                   last: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of the same kind as the one asked for that has data in [first, last].

    - A relative preset is computed as if today were the data's last date (今年 → the year of the last
      date, 本月 → its month, 近30天 → the 30 days ending on it); presets of complete periods (上月,
      去年, 近12个月, …) as if today were the day after it, so a last date on a month's end makes
      that month 上月.
    - An explicit range moves by whole years towards the data (2026-01-01…2026-06-30 → 2025-01-01…
      2025-06-30 when the data ends in 2025); when no whole-year move reaches the data, the range of
      the same length ending on the last date.
    An open start is read as the first date, an open end as today."""
    if relative:
        anchor = last + dt.timedelta(days=1) if relative in _COMPLETE else last
        return relative_range(relative, anchor)
    s = start or first
    e = end or max(today, s)
    years = 0
    if s > last:
        while s - relativedelta(years=years) > last:
            years += 1
        years = -years
    elif e < first:
        while e + relativedelta(years=years) < first:
            years += 1
    ns, ne = s + relativedelta(years=years), e + relativedelta(years=years)
    if ns <= last and ne >= first:
        return ns, ne
    n = (e - s).days
    return last - dt.timedelta(days=n), last
