"""The one number formatter: values for people, in named styles, driven by one rules table.

Data stays raw everywhere else (fractions for ratios, 元 for money); this is only the last step.
A metric's display format (`number | integer | currency | percent | wan | yi`, model/schema.py) picks the
*kind*; the caller picks the *style*, the place the text goes:

- `sentence`  a number inside a sentence (alert, anomaly and attribution descriptions): 万/亿 (K/M in
  English) for large numbers, four significant digits for small ones, rates with two decimals (4.20%)
- `cli`       the terminal's result tables (`shuzhi query`, `shuzhi ask`)
- `compact`   the web's cards, tooltips and data labels (the frontend default)
- `table`     the web's full-precision table cells and tooltips (no 万/亿 scaling)
- `axis`      chart axis ticks: short, no currency sign
- `raw`       `shuzhi sql`'s table: no display format, integers as they are (ids stay ungrouped)

The frontend mirrors this module: scripts/export_format_rules.py writes RULES to
frontend/src/format.generated.ts, which frontend/src/format.ts interprets the same way; a test fails
when the committed file is stale. Change RULES, then run the script.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any, Literal

Style = Literal["sentence", "cli", "compact", "table", "axis", "raw"]
KINDS = ("number", "integer", "percent", "currency", "wan", "yi")

# One rule per (style, kind); a kind a style does not list uses its "number" rule. Rule fields:
#   units      "none" | "auto" (the largest of RULES["units"] the value reaches) | "fixed" (RULES["fixed_units"])
#   decimals   fraction digits (unit_decimals: once a unit applies, when different);  trim: drop trailing zeros (default true);  group: thousands separators (default true)
#   small      [below, decimals]: more decimals when |value| (before ×100) is below `below`
#   sig        significant digits instead of `decimals` when the value is not scaled (1,235, 12.35, 0.01235)
#   round      round to a whole number first;  symbol: the currency sign in front
#   plain_int  integers printed as they are;  huge: at or above this, six significant digits
#   bare_zero  zero prints "0", without a fixed unit
_FIXED = {"units": "fixed", "decimals": 2}  # the web: wan / yi always in 万 / 亿 (K / M)
_AUTO = {"units": "auto", "decimals": 2}  # the terminal and sentences: wan / yi as plain numbers in 万 / 亿
RULES: dict[str, Any] = {
    "missing": "—",
    "boolean": {"zh": ["是", "否"], "en": ["Yes", "No"]},
    "currency": "¥",
    "points": {"zh": " 个百分点", "en": " pp"},
    "units": {  # [at least, divide by, suffix], largest first
        "zh": [[1e8, 1e8, "亿"], [1e4, 1e4, "万"]],
        "en": [[1e9, 1e9, "B"], [1e6, 1e6, "M"], [1e4, 1e3, "K"]],
    },
    "fixed_units": {"wan": {"zh": [1e4, "万"], "en": [1e3, "K"]}, "yi": {"zh": [1e8, "亿"], "en": [1e6, "M"]}},
    "styles": {
        "sentence": {
            "number": {"units": "auto", "decimals": 2, "sig": 4},
            "integer": {"units": "none", "decimals": 0, "round": True},
            "percent": {"units": "none", "decimals": 2, "trim": False},
            "currency": {"units": "auto", "decimals": 2, "symbol": True},
            "wan": _AUTO, "yi": _AUTO,
        },
        "cli": {
            "number": {"units": "none", "decimals": 4},
            "integer": {"units": "none", "decimals": 0, "round": True},
            "percent": {"units": "none", "decimals": 1, "trim": False},
            "currency": {"units": "auto", "decimals": 2, "symbol": True},
            "wan": _AUTO, "yi": _AUTO,
        },
        "compact": {
            "number": {"units": "auto", "decimals": 2},
            "integer": {"units": "auto", "decimals": 2, "round": True},
            "percent": {"units": "none", "decimals": 1, "small": [0.1, 2]},
            "currency": {"units": "auto", "decimals": 2, "symbol": True},
            "wan": _FIXED, "yi": _FIXED,
        },
        "table": {
            "number": {"units": "none", "decimals": 4},
            "integer": {"units": "none", "decimals": 0, "round": True},
            "percent": {"units": "none", "decimals": 1, "small": [0.1, 2]},
            "currency": {"units": "none", "decimals": 2, "symbol": True},
            "wan": _FIXED, "yi": _FIXED,
        },
        "axis": {
            "number": {"units": "auto", "decimals": 2, "unit_decimals": 1},
            "percent": {"units": "none", "decimals": 1},
            "wan": {**_FIXED, "bare_zero": True}, "yi": {**_FIXED, "bare_zero": True},
        },
        "raw": {
            "missing": "∅",
            "boolean": {"zh": ["true", "false"], "en": ["true", "false"]},
            "number": {"units": "none", "decimals": 4, "plain_int": True, "huge": 1e15},
            "integer": None, "percent": None, "currency": None, "wan": None, "yi": None,  # raw ignores formats
        },
    },
}


def kind_of(fmt: str | None) -> str:
    """The kind of a display format (unknown and missing formats are plain numbers)."""
    return fmt if fmt in KINDS else "number"


def rule_of(style: str, fmt: str | None) -> dict[str, Any]:
    rules = RULES["styles"][style]
    return rules.get(kind_of(fmt)) or rules["number"]


def _digits(a: float, decimals: int, trim: bool, group: bool) -> str:
    text = f"{a:,.{decimals}f}" if group else f"{a:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if trim and "." in text else text


def _number(v: float | int, kind: str, rule: dict[str, Any], lang: str) -> str:
    """A finite number under one rule: sign, currency sign, digits, unit, percent sign."""
    lg = "en" if lang == "en" else "zh"
    if kind == "percent":
        v = v * 100
    elif rule.get("round"):
        v = round(v)
    if rule.get("plain_int") and isinstance(v, int):
        return str(v)
    a, unit = abs(v), ""
    if rule.get("huge") and a >= rule["huge"]:
        return f"{v:.6g}"
    decimals = rule.get("decimals", 2)
    small = rule.get("small")
    if small and a < small[0] * (100 if kind == "percent" else 1):
        decimals = small[1]
    units = rule.get("units", "none")
    if units == "fixed" and kind in RULES["fixed_units"]:
        div, unit = RULES["fixed_units"][kind][lg]
        if rule.get("bare_zero") and v == 0:
            return "0"
        a = a / div
    elif units == "auto":
        for at_least, div, suffix in RULES["units"][lg]:
            if a >= at_least:
                a, unit = a / div, suffix
                break
    if unit and rule.get("unit_decimals") is not None:
        decimals = rule["unit_decimals"]
    trim, group = rule.get("trim", True), rule.get("group", True)
    if rule.get("sig") and not unit and a > 0:  # significant digits, without an exponent
        decimals = max(0, rule["sig"] - 1 - math.floor(math.log10(a)))
    if isinstance(a, int) and trim:  # exact, however large
        digits = f"{a:,}" if group else str(a)
    else:
        digits = _digits(a, decimals, trim, group)
    if digits.strip("0.,") == "":  # -0.00001 shown as 0, not -0
        v = 0
    sign = "-" if v < 0 else ""
    symbol = RULES["currency"] if rule.get("symbol") else ""
    return f"{sign}{symbol}{digits}{unit}{'%' if kind == 'percent' else ''}"


def format_value(v: Any, fmt: str | None = None, lang: str = "zh", *, style: Style) -> str:
    """Any cell value for people, in `style`: numbers by the metric's display format `fmt`."""
    rules = RULES["styles"][style]
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return rules.get("missing", RULES["missing"])
    if isinstance(v, bool):
        yes, no = rules.get("boolean", RULES["boolean"])["en" if lang == "en" else "zh"]
        return yes if v else no
    if style == "raw":
        return _number(v, "number", rules["number"], lang) if isinstance(v, int | float) else str(v)
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        v = float(v)
        if not math.isfinite(v):
            return rules.get("missing", RULES["missing"])
    if isinstance(v, int | float):
        return _number(v, kind_of(fmt), rule_of(style, fmt), lang)
    return str(v)


def format_change(v: float | None, fmt: str | None = None, lang: str = "zh", *, style: Style = "sentence") -> str:
    """A signed difference of two values of one metric: +¥1.2万, -3.5; percentage points for rates
    (+1.58 个百分点 / +1.58 pp), since the difference of two rates is not a percent."""
    if v is None or not math.isfinite(v):
        return RULES["missing"]
    if kind_of(fmt) == "percent":
        rule = rule_of(style, fmt)
        text = _number(abs(v) * 100, "number", {**rule, "units": "none", "small": None}, lang)
        return ("+" if v >= 0 else "-") + text + RULES["points"]["en" if lang == "en" else "zh"]
    return ("+" if v >= 0 else "-") + format_value(abs(v), fmt, lang, style=style)


def format_growth(x: float | None, digits: int = 1) -> str:
    """A signed relative change given as a fraction: 0.153 → +15.3% (digits=0: +15%)."""
    if x is None or not math.isfinite(x):
        return RULES["missing"]
    return f"{x * 100:+,.{digits}f}%"
