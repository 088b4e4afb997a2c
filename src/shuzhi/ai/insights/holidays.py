"""Spring Festival (春节, Chinese New Year's Day) dates, 2015–2035, and the holiday-window dummy.

The dates are public facts (the first day of the first lunar month), written down here so that
forecasts work offline. The *effect window* is a modelling choice: factories and customers slow
down from about a week before New Year's Day (workers travel home) until the Lantern Festival
(元宵节, day 15); the official 7-day break sits inside it. For daily data a day is in the window
when it lies in [New Year's Day − 7, New Year's Day + 15]; for weekly data the dummy is the
share of the week's days in the window (0 … 1).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

SPRING_FESTIVAL: dict[int, dt.date] = {
    2015: dt.date(2015, 2, 19), 2016: dt.date(2016, 2, 8), 2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16), 2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12), 2022: dt.date(2022, 2, 1), 2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26), 2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3), 2031: dt.date(2031, 1, 23), 2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31), 2034: dt.date(2034, 2, 19), 2035: dt.date(2035, 2, 8),
}
WINDOW_BEFORE = 7
WINDOW_AFTER = 15


def in_window(d: dt.date) -> bool:
    """True when d is in a Spring Festival effect window (years outside 2015–2035: False)."""
    for year in (d.year, d.year + 1):
        sf = SPRING_FESTIVAL.get(year)
        if sf and -WINDOW_BEFORE <= (d - sf).days <= WINDOW_AFTER:
            return True
    return False


def covered(periods: list[dt.date]) -> bool:
    """Whether the shipped calendar covers these periods."""
    return bool(periods) and min(SPRING_FESTIVAL) <= periods[0].year and periods[-1].year <= max(SPRING_FESTIVAL)


def dummy(periods: list[dt.date], grain: str) -> np.ndarray:
    """Spring Festival exposure per period: 0/1 for days, the share of days in the window for weeks;
    zeros for other grains (monthly seasonality already carries the January/February dip)."""
    if grain == "day":
        return np.array([1.0 if in_window(p) else 0.0 for p in periods])
    if grain == "week":
        return np.array([sum(in_window(p + dt.timedelta(days=i)) for i in range(7)) / 7 for p in periods])
    return np.zeros(len(periods))
