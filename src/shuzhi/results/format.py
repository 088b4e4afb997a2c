"""Display formatting for people (CLI tables, messages): 万/亿 units, percentages, thousands.

Data stays raw everywhere else (fractions for ratios, 元 for money); this is only the last step.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def cn_number(v: float, digits: int = 2) -> str:
    """1.5e8 → '1.50亿', 35000 → '3.50万', 950 → '950'."""
    a = abs(v)
    if a >= 1e8:
        return f"{v / 1e8:,.{digits}f}亿"
    if a >= 1e4:
        return f"{v / 1e4:,.{digits}f}万"
    return f"{v:,.{digits}f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{int(v):,}"


def format_value(v: Any, fmt: str | None = None, lang: str = "zh") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("true" if v else "false")
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    if isinstance(v, int | float):
        if fmt == "percent":
            return f"{v * 100:,.1f}%"
        if fmt == "integer":
            return f"{int(round(v)):,}"
        if fmt in ("currency", "wan", "yi"):
            if lang == "zh":
                return ("¥" if fmt == "currency" else "") + cn_number(float(v))
            return f"¥{v:,.2f}"
        if isinstance(v, int):
            return f"{v:,}"
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def readable(v: float | None, fmt: str | None = None, lang: str = "zh") -> str:
    """A number inside a sentence (alert and anomaly descriptions): the metric's display format when it
    has one (¥294.95万, 4.22%: rates keep two decimals), else 万/亿 in Chinese and four significant digits."""
    if v is None or not math.isfinite(v):
        return "—"
    if fmt == "percent":
        return f"{v * 100:.2f}%"
    if fmt:
        return format_value(v, fmt, lang)
    return cn_number(v) if lang == "zh" and abs(v) >= 1e4 else f"{v:,.4g}"
