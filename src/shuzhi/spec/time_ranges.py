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
    """The period just before [start, end] of equal length (whole months stay whole months)."""
    months = whole_months(start, end)
    if months:
        s = start - relativedelta(months=months)
        return s, start - dt.timedelta(days=1)
    n = (end - start).days + 1
    return start - dt.timedelta(days=n), start - dt.timedelta(days=1)


def year_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return start - relativedelta(years=1), end - relativedelta(years=1)
