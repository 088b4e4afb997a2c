"""Dates the semantic tests pin."""

import datetime as dt

TODAY = dt.date(2026, 11, 26)
END = dt.date(2026, 10, 31)
