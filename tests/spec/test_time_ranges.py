"""Time ranges: a period-to-date compares with the same days of the period before; the latest period with data."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.spec.time_ranges import anchored_range, previous_range

D = dt.date


@pytest.mark.parametrize(("start", "end", "before"), [
    (D(2026, 12, 1), D(2026, 12, 7), (D(2026, 11, 1), D(2026, 11, 7))),          # 本月至今: same days
    (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),           # a whole month
    (D(2026, 3, 1), D(2026, 3, 30), (D(2026, 2, 1), D(2026, 2, 28))),           # 30 days of March → February's
    (D(2026, 10, 1), D(2026, 11, 15), (D(2026, 7, 1), D(2026, 8, 15))),         # 本季度至今
    (D(2026, 1, 1), D(2026, 12, 7), (D(2025, 1, 1), D(2025, 12, 7))),           # 今年至今
    (D(2026, 12, 3), D(2026, 12, 9), (D(2026, 11, 26), D(2026, 12, 2))),        # any 7 days: the 7 before
])
def test_previous_range(start, end, before) -> None:  # type: ignore[no-untyped-def]
    assert previous_range(start, end) == before


FIRST, LAST, TODAY = D(2023, 1, 1), D(2025, 12, 31), D(2026, 12, 7)


@pytest.mark.parametrize(("relative", "expected"), [
    ("this_year", (D(2025, 1, 1), D(2025, 12, 31))),
    ("ytd", (D(2025, 1, 1), D(2025, 12, 31))),
    ("this_month", (D(2025, 12, 1), D(2025, 12, 31))),
    ("this_quarter", (D(2025, 10, 1), D(2025, 12, 31))),
    ("last_month", (D(2025, 12, 1), D(2025, 12, 31))),       # complete periods: the day after the last date
    ("last_year", (D(2025, 1, 1), D(2025, 12, 31))),
    ("last_12_months", (D(2025, 1, 1), D(2025, 12, 31))),
    ("last_30_days", (D(2025, 12, 2), D(2025, 12, 31))),
])
def test_presets_anchor_at_the_last_date(relative, expected) -> None:  # type: ignore[no-untyped-def]
    assert anchored_range(relative, None, None, FIRST, LAST, TODAY) == expected


def test_explicit_ranges_move_by_whole_years_towards_the_data() -> None:
    assert anchored_range(None, D(2026, 1, 1), D(2026, 6, 30), FIRST, LAST, TODAY) == (D(2025, 1, 1), D(2025, 6, 30))
    assert anchored_range(None, D(2020, 3, 1), D(2020, 3, 31), FIRST, LAST, TODAY) == (D(2023, 3, 1), D(2023, 3, 31))
    # no whole-year move reaches data that covers a few weeks: the same length ending on the last date
    assert anchored_range(None, D(2026, 3, 1), D(2026, 3, 10), D(2025, 11, 1), D(2025, 11, 20), TODAY) == (
        D(2025, 11, 11), D(2025, 11, 20))
