"""The 36-month history window and how business activity is spread over it.

Invariants:
- The window is the 36 whole calendar months ending with the month of `end`; the last month is
  covered only up to `end` (inclusive). Nothing sampled here is ever after `end`.
- Dates are numpy datetime64[D]; months are datetime64[M]. Month index 0 is the first month.
- `activity(i)` is the relative business volume of month i: ~15 %/yr compound growth, a
  Spring-Festival dip in January/February, a year-end peak in December, scaled down for the
  partial last month by the share of (weighted) working days it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

HISTORY_MONTHS = 36
ANNUAL_GROWTH = 0.15

# Relative volume by month of year (Jan..Dec): Spring Festival dip, National-Day dip in October,
# quarter-end pushes and a strong December (year-end delivery and budget spending).
SEASON = np.array([0.84, 0.64, 1.02, 0.98, 0.98, 1.06, 0.95, 0.95, 1.06, 0.93, 1.07, 1.32])
SEASON = SEASON / SEASON.mean()

# Working-day weights by ISO weekday (Mon..Sun): B2B orders and production happen on weekdays.
WEEKDAY_WEIGHT = np.array([1.0, 1.05, 1.05, 1.0, 0.95, 0.3, 0.12])


@dataclass(frozen=True)
class Window:
    """The history window ending at `end` (inclusive)."""

    end: date
    months: np.ndarray  # datetime64[M], length HISTORY_MONTHS, ascending

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def start(self) -> np.datetime64:
        return self.months[0].astype("datetime64[D]")

    @property
    def end_day(self) -> np.datetime64:
        return np.datetime64(self.end, "D")

    def month_start(self, i: int) -> np.datetime64:
        return self.months[i].astype("datetime64[D]")

    def month_last_day(self, i: int) -> np.datetime64:
        """Last day of month i that lies in the window (== end for the last month)."""
        last = (self.months[i] + 1).astype("datetime64[D]") - 1
        return min(last, self.end_day)

    def month_days(self, i: int) -> np.ndarray:
        """All window days of month i, ascending."""
        return np.arange(self.month_start(i), self.month_last_day(i) + 1, dtype="datetime64[D]")

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """Month index (0..n-1) of each date; dates must lie in the window."""
        return (days.astype("datetime64[M]") - self.months[0]).astype(np.int64)

    @property
    def month_ends(self) -> np.ndarray:
        """Calendar month ends that are not after `end` (a partial last month has none)."""
        ends = (self.months + 1).astype("datetime64[D]") - 1
        return ends[ends <= self.end_day]

    @property
    def month_of_year(self) -> np.ndarray:
        return (self.months.astype(np.int64) % 12) + 1

    @property
    def years(self) -> np.ndarray:
        return self.months.astype(np.int64) // 12 + 1970


def make_window(end: date, n_months: int = HISTORY_MONTHS) -> Window:
    last = np.datetime64(end, "M")
    return Window(end=end, months=np.arange(last - (n_months - 1), last + 1, dtype="datetime64[M]"))


def day_weights(days: np.ndarray) -> np.ndarray:
    """Relative activity of each date: weekdays, with public-holiday weeks damped."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (ISO weekday 3, Mon=0)
    w = WEEKDAY_WEIGHT[weekday].copy()
    month = days.astype("datetime64[M]")
    dom = (days - month.astype("datetime64[D]")).astype(np.int64) + 1
    moy = month.astype(np.int64) % 12 + 1
    holiday = ((moy == 10) & (dom <= 7)) | ((moy == 5) & (dom <= 3)) | ((moy == 1) & (dom == 1))
    w[holiday] *= 0.15
    return w


def covered_share(window: Window) -> np.ndarray:
    """Share of each month's weighted working days inside the window (1.0 except the last)."""
    share = np.ones(window.n_months)
    i = window.n_months - 1
    full = np.arange(
        window.month_start(i), (window.months[i] + 1).astype("datetime64[D]"), dtype="datetime64[D]"
    )
    share[i] = day_weights(window.month_days(i)).sum() / day_weights(full).sum()
    return share


def activity(window: Window, growth: float = ANNUAL_GROWTH) -> np.ndarray:
    """Relative business volume per month (growth x seasonality x covered share)."""
    t = np.arange(window.n_months)
    return (1.0 + growth) ** (t / 12.0) * SEASON[window.month_of_year - 1] * covered_share(window)


def sample_days_in_month(rng: np.random.Generator, window: Window, i: int, n: int) -> np.ndarray:
    """n dates of month i drawn by working-day weight, sorted ascending."""
    days = window.month_days(i)
    w = day_weights(days)
    return np.sort(rng.choice(days, size=n, p=w / w.sum()))


def sample_days(rng: np.random.Generator, window: Window, month_idx: np.ndarray) -> np.ndarray:
    """One working-day-weighted date per element, inside the given month (not sorted)."""
    out = np.empty(len(month_idx), dtype="datetime64[D]")
    order = np.argsort(month_idx, kind="stable")
    counts = np.bincount(month_idx, minlength=window.n_months)
    pos = 0
    for i, c in enumerate(counts):
        if c:
            days = window.month_days(i)
            w = day_weights(days)
            out[order[pos : pos + c]] = rng.choice(days, size=c, p=w / w.sum())
            pos += c
    return out


def to_days(d: date) -> np.datetime64:
    return np.datetime64(d, "D")
