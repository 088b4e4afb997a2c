"""Business time expressions (Chinese and English) → time ranges and grains, relative to `today`.

`find_time(text, today)` returns non-overlapping hits (leftmost, longest first), each a `TimeHit`:
kind "range" (a `range` dict for the QuerySpec: {"relative": ...} or {"start", "end"}), "grain"
(按月/weekly …), "trend" (趋势/over time: a grain is wanted) or "same_period" (去年同期 / same
period last year, resolved by the parser against the other range). Two ranges joined by 到/至/-/to
merge into one. The text is expected lower-cased with ASCII digits (the parser normalises it).

Conventions: weeks start on Monday; 近N个月 / last N months are the N whole months before the
current one (like `last_12_months`); 近N天 ends today and has N days; a quarter or month named
without a year is this year's, or last year's when it has not started yet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.ai.nl.numbers import cn_int
from shuzhi.spec.time_ranges import month_start, relative_range

_N = r"(\d+|[零一二两三四五六七八九十百]+)"
_Y = r"((?:19|20)\d\d)"
_MON = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"]
_MON_EN = "(" + "|".join(sorted({m for x in _MONTHS_EN for m in (x, x[:3])} | {"sept"}, key=len,
                                reverse=True)) + r")\.?"
_YEAR_WORD = r"(今年|本年|去年|上年|前年|this year|last year)"


@dataclass
class TimeHit:
    start: int
    end: int
    kind: str                      # range | grain | trend | same_period
    range: dict[str, Any] | None = None
    grain: str | None = None

    def dates(self, today: dt.date) -> tuple[dt.date, dt.date]:
        assert self.range is not None
        if "relative" in self.range:
            return relative_range(self.range["relative"], today)
        return dt.date.fromisoformat(self.range["start"]), dt.date.fromisoformat(self.range["end"])


def _span(s: dt.date, e: dt.date) -> dict[str, Any]:
    return {"start": s.isoformat(), "end": e.isoformat()}


def _month(y: int, m: int) -> dict[str, Any]:
    s = dt.date(y, m, 1)
    return _span(s, s + relativedelta(months=1) - dt.timedelta(days=1))


def _quarter(y: int, q: int) -> dict[str, Any]:
    s = dt.date(y, 3 * (q - 1) + 1, 1)
    return _span(s, s + relativedelta(months=3) - dt.timedelta(days=1))


def _year_of(word: str | None, today: dt.date) -> int | None:
    if not word:
        return None
    if word in ("今年", "本年", "this year"):
        return today.year
    if word in ("去年", "上年", "last year"):
        return today.year - 1
    if word == "前年":
        return today.year - 2
    return int(word)


def _unstarted(y: int | None, first_day: dt.date, today: dt.date) -> int:
    """The year for a month/quarter named without one: this year's, else last year's."""
    if y is not None:
        return y
    return today.year if first_day <= today else today.year - 1


def _num(s: str | None, default: int = 1) -> int:
    return default if not s else (cn_int(s) or default)


def _last_days(n: int, today: dt.date) -> dict[str, Any]:
    if n in (7, 30, 90):
        return {"relative": f"last_{n}_days"}
    return _span(today - dt.timedelta(days=n - 1), today)


def _last_months(n: int, today: dt.date) -> dict[str, Any]:
    if n == 12:
        return {"relative": "last_12_months"}
    e = month_start(today) - dt.timedelta(days=1)
    return _span(month_start(e) - relativedelta(months=n - 1), e)


def _last_years(n: int, today: dt.date) -> dict[str, Any]:
    if n == 1:
        return {"relative": "last_12_months"}
    return _span(dt.date(today.year - n + 1, 1, 1), today)


Handler = Callable[[re.Match[str], dt.date], "TimeHit | None"]
_RULES: list[tuple[re.Pattern[str], Handler]] = []


def rule(pattern: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        _RULES.append((re.compile(pattern), fn))
        return fn
    return deco


def _r(m: re.Match[str], rng: dict[str, Any]) -> TimeHit:
    return TimeHit(m.start(), m.end(), "range", rng)


_REL = {
    "today": r"今天|今日|当天|\btoday\b", "yesterday": r"昨天|昨日|\byesterday\b",
    "this_week": r"本周|这周|这一周|本星期|这个星期|\bthis week\b|\bcurrent week\b",
    "last_week": r"上周|上一周|上个星期|上星期|\blast week\b|\bprevious week\b",
    "this_month": r"本月|这个月|当月|这月|\bthis month\b|\bcurrent month\b",
    "last_month": r"上个月|上一个月|上月|\blast month\b|\bprevious month\b|\bprior month\b",
    "this_quarter": r"本季度|这个季度|这季度|本季|当季|\bthis quarter\b|\bcurrent quarter\b",
    "last_quarter": r"上季度|上个季度|上一季度|上一个季度|上季|\blast quarter\b|\bprevious quarter\b",
    "this_year": r"今年(?:到|至|截至|截止到?)?(?:目前|现在|今天|今日|当前)(?:为止)?|今年迄今|今年以来|今年|本年度|本年"
                 r"|\bthis year\b|\bcurrent year\b|\bso far this year\b",
    "last_year": r"去年|上一年|上年度|上年|\blast year\b|\bprevious year\b|\bprior year\b",
    "ytd": r"年初至今|年初到现在|年初到今天|年初以来|本年累计|\byear[- ]to[- ]date\b|\bytd\b",
    "mtd": r"月初至今|本月至今|月初到现在|\bmonth[- ]to[- ]date\b|\bmtd\b",
    "qtd": r"季初至今|本季度至今|\bquarter[- ]to[- ]date\b|\bqtd\b",
}
for _name, _pat in _REL.items():
    _RULES.append((re.compile(_pat), (lambda n: lambda m, t: _r(m, {"relative": n}))(_name)))


@rule(r"前年|\bthe year before last\b")
def _before_last(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _span(dt.date(t.year - 2, 1, 1), dt.date(t.year - 2, 12, 31)))


@rule(r"前天|\bday before yesterday\b")
def _day_before(m: re.Match[str], t: dt.date) -> TimeHit:
    d = t - dt.timedelta(days=2)
    return _r(m, _span(d, d))


@rule(r"去年同期|上年同期|同期|\bsame (?:period|time) (?:last|a|of last|the previous) year\b|\bsame period\b")
def _same(m: re.Match[str], t: dt.date) -> TimeHit:
    return TimeHit(m.start(), m.end(), "same_period")


@rule(rf"(?:{_Y}|{_YEAR_WORD})?\s*年?\s*第?([1-4一二三四])\s*季度?(?!度)|{_Y}\s*年?\s*q([1-4])(?![0-9a-z])"
      rf"|(?<![a-z0-9])q([1-4])(?![0-9a-z])(?:\s*(?:of\s*)?{_Y})?")
def _quarter_hit(m: re.Match[str], t: dt.date) -> TimeHit | None:
    g = m.groups()
    if g[2] is not None and "季" not in m.group(0):
        return None  # "三" alone is not a quarter
    y = _year_of(g[0] or g[1] or g[3] or g[6], t)
    q = _num(g[2] or g[4] or g[5])
    y = _unstarted(y, dt.date(y or t.year, 3 * (q - 1) + 1, 1), t)
    return _r(m, _quarter(y, q))


@rule(rf"{_YEAR_WORD}\s*q([1-4])(?![0-9a-z])")
def _yearword_quarter(m: re.Match[str], t: dt.date) -> TimeHit:
    y = _year_of(m.group(1), t) or t.year
    return _r(m, _quarter(y, int(m.group(2))))


@rule(rf"(?:{_Y}\s*年?|{_YEAR_WORD})?\s*前([一二三123])个?季度")
def _first_quarters(m: re.Match[str], t: dt.date) -> TimeHit:
    """今年前三季度: from January to the end of the Nth quarter."""
    n = _num(m.group(3))
    y = _year_of(m.group(1) or m.group(2), t)
    y = _unstarted(y, dt.date(y or t.year, 1, 1), t)
    return _r(m, _span(dt.date(y, 1, 1), dt.date(y, 3 * n, 1) + relativedelta(months=1) - dt.timedelta(days=1)))


@rule(rf"(?:{_Y}\s*年?|{_YEAR_WORD})\s*前{_N}个月")
def _first_months(m: re.Match[str], t: dt.date) -> TimeHit | None:
    """今年前三个月 / 2025年前6个月: January to the Nth month of that year."""
    n = _num(m.group(3))
    if not 1 <= n <= 12:
        return None
    y = _year_of(m.group(1) or m.group(2), t) or t.year
    return _r(m, _span(dt.date(y, 1, 1), dt.date(y, n, 1) + relativedelta(months=1) - dt.timedelta(days=1)))


@rule(r"(?<![\d.])(\d\d)\s*年(?![代前后内来度])")
def _short_year(m: re.Match[str], t: dt.date) -> TimeHit | None:
    """25年 → 2025 (a two-digit year no later than next year)."""
    y = 2000 + int(m.group(1))
    if y > t.year + 1:
        return None
    return _r(m, _span(dt.date(y, 1, 1), dt.date(y, 12, 31)))


@rule(rf"(?<![\d.])(\d\d)\s*年\s*(?:(上|下)半年|第?([1-4一二三四])\s*季度|q([1-4])(?![0-9a-z])|{_MON}\s*(?:月份|月(?!度)))")
def _short_year_period(m: re.Match[str], t: dt.date) -> TimeHit | None:
    """25年下半年, 25年Q3, 25年3月: a period of a two-digit year (longer than 25年 alone, so it wins)."""
    y = 2000 + int(m.group(1))
    if y > t.year + 1:
        return None
    half, q, mon = m.group(2), m.group(3) or m.group(4), m.group(5)
    if half:
        s = dt.date(y, 1 if half == "上" else 7, 1)
        return _r(m, _span(s, s + relativedelta(months=6) - dt.timedelta(days=1)))
    if q:
        return _r(m, _quarter(y, _num(q)))
    return _r(m, _month(y, _num(mon)))


@rule(rf"(?:{_Y}\s*年?|{_YEAR_WORD})?\s*(上|下)半年|\b(first|second) half(?: of)?(?: {_Y}| (this|last) year)?"
      rf"|\bh([12])\b(?:\s*{_Y})?")
def _half(m: re.Match[str], t: dt.date) -> TimeHit:
    g = m.groups()
    first = g[2] == "上" or g[3] == "first" or g[6] == "1"
    yword = g[0] or g[1] or g[4] or (f"{g[5]} year" if g[5] else None) or g[7]
    y = _year_of(yword, t)
    if y is None:
        y = t.year if (first or t.month >= 7) else t.year - 1
    s = dt.date(y, 1 if first else 7, 1)
    return _r(m, _span(s, s + relativedelta(months=6) - dt.timedelta(days=1)))


@rule(rf"(?:{_Y}\s*年|{_YEAR_WORD}|{_Y}\s*[-/.])?\s*(?<![个每按近前后第]){_MON}\s*(?:月份|月(?!度))"
      rf"|\b{_Y}[-/.](1[0-2]|0?[1-9])\b(?![-/.]\d)")
def _month_hit(m: re.Match[str], t: dt.date) -> TimeHit:
    g = m.groups()
    if g[4] is not None:
        return _r(m, _month(int(g[4]), int(g[5])))
    y = _year_of(g[0] or g[1] or g[2], t)
    mo = _num(g[3])
    return _r(m, _month(_unstarted(y, dt.date(y or t.year, mo, 1), t), mo))


@rule(rf"(?:{_Y}\s*年|{_YEAR_WORD})?\s*{_MON}\s*月?\s*(?:-|到|至|~|—)\s*{_MON}\s*(?:月份|月)")
def _month_span(m: re.Match[str], t: dt.date) -> TimeHit | None:
    g = m.groups()
    y = _year_of(g[0] or g[1], t)
    a, b = _num(g[2]), _num(g[3])
    if a > b:
        return None
    y = _unstarted(y, dt.date(y or t.year, a, 1), t)
    s = dt.date(y, a, 1)
    return _r(m, _span(s, dt.date(y, b, 1) + relativedelta(months=1) - dt.timedelta(days=1)))


@rule(rf"\b{_MON_EN}(?:\s*,?\s*{_Y})?\b|\b{_Y}\s+{_MON_EN}\b")
def _month_en(m: re.Match[str], t: dt.date) -> TimeHit | None:
    g = m.groups()
    name, y = (g[0], g[1]) if g[0] else (g[3], g[2])
    if name == "may" and not y:
        return None  # the modal verb
    if name in ("mar", "jun", "jan", "dec", "oct", "aug") and not y and len(name) == 3:
        pass
    mo = next(i + 1 for i, x in enumerate(_MONTHS_EN) if x.startswith(name[:3]))
    yy = int(y) if y else None
    return _r(m, _month(_unstarted(yy, dt.date(yy or t.year, mo, 1), t), mo))


@rule(rf"{_Y}\s*(?:年度|年|财年|全年|整年)|\b(?:fy\s*)?{_Y}\b")
def _year_hit(m: re.Match[str], t: dt.date) -> TimeHit:
    y = int(m.group(1) or m.group(2))
    return _r(m, _span(dt.date(y, 1, 1), dt.date(y, 12, 31)))


@rule(rf"(?:自|从|自从)?\s*{_Y}\s*年\s*{_MON}\s*月份?\s*(?:以来|至今|到现在|到今天|开始|起)")
def _since_month(m: re.Match[str], t: dt.date) -> TimeHit:
    """2025年3月以来: from the first day of that month to today."""
    return _r(m, _span(dt.date(int(m.group(1)), _num(m.group(2)), 1), t))


@rule(rf"{_Y}\s*年?\s*(?:、|和|与|及|跟|,|，)\s*{_Y}\s*(?:两|二)?\s*(?:年|年度)|\b{_Y}\s*(?:and|&)\s*{_Y}\b")
def _two_years(m: re.Match[str], t: dt.date) -> TimeHit | None:
    """2024、2025两年 / 2024和2025年 / 2024 and 2025: both whole years (read by year when a grain says so)."""
    ys = sorted(int(g) for g in m.groups() if g)
    if ys[1] - ys[0] > 10:
        return None
    return _r(m, _span(dt.date(ys[0], 1, 1), dt.date(ys[1], 12, 31)))


@rule(rf"(?:自|从|自从)?\s*(?:{_Y}\s*年?|(去年|前年|上年))\s*(?:以来|至今|起至今|开始至今|到现在|到今天|到目前为止|以后|开始|起)"
      rf"|\bsince\s+(?:the start of\s+|the beginning of\s+|january\s+)?(?:{_Y}|(last year))\b"
      rf"|\bfrom\s+{_Y}\s+(?:to date|until now|onwards?)\b")
def _since(m: re.Match[str], t: dt.date) -> TimeHit:
    """自2024年以来, 2024年至今, 去年以来, since 2024: from the first day of that year to today."""
    word = next(g for g in m.groups() if g)
    y = _year_of(word, t) if not word.isdigit() else int(word)
    assert y is not None
    return _r(m, _span(dt.date(y, 1, 1), t))


@rule(rf"(?:近|最近|过去|前)\s*{_N}\s*(?:天|日)|\b(?:last|past|previous|trailing)\s+(\d+|\w+)\s+days?\b")
def _days(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _last_days(_num(m.group(1) or m.group(2), 7), t))


@rule(rf"(?:近|最近|过去)\s*{_N}?\s*个?(?:周|星期)|\b(?:last|past|previous|trailing)\s+(\d+|\w+)\s+weeks?\b")
def _weeks(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _last_days(7 * _num(m.group(1) or m.group(2)), t))


@rule(rf"(?:近|最近|过去|前)\s*{_N}?\s*个月|\b(?:last|past|previous|trailing)\s+(\d+|\w+)\s+months?\b")
def _months(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _last_months(_num(m.group(1) or m.group(2)), t))


@rule(r"(?:近|最近|过去)\s*半年|\b(?:last|past|previous|trailing) half[\s-]year\b")
def _half_year(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _last_months(6, t))


@rule(rf"(?:近|最近|过去)\s*{_N}?\s*年|\b(?:last|past|previous|trailing)\s+(\d+|\w+)\s+years?\b")
def _years(m: re.Match[str], t: dt.date) -> TimeHit:
    return _r(m, _last_years(_num(m.group(1) or m.group(2)), t))


_GRAINS = {
    "month": r"哪一?个月份?|哪月|按月份?|每月|每个月|月度|分月|逐月|各月份?|各个月|月份|月均|\bmonthly\b|\b(?:by|per|each) month\b"
             r"|\bmonth by month\b",
    "week": r"哪一?周|按周|每周|每个星期|每星期|周度|分周|逐周|各周|\bweekly\b|\b(?:by|per|each) week\b",
    "quarter": r"哪一?个季度|按季度?|每季度?|每个季度|季度|分季度?|逐季|各季度?|\bquarterly\b|\b(?:by|per|each) quarter\b",
    "year": r"哪一?年|按年度?|每年|每一年|年度|分年|逐年|各年|历年|\byearly\b|\bannual(?:ly)?\b|\b(?:by|per|each) year\b",
    "day": r"哪一?天|按天|按日|每天|每日|日度|逐日|分天|各天|\bdaily\b|\b(?:by|per|each) day\b|\bday by day\b",
}
for _g, _pat in _GRAINS.items():
    _RULES.append((re.compile(_pat), (lambda g: lambda m, t: TimeHit(m.start(), m.end(), "grain", grain=g))(_g)))
_RULES.append((re.compile(r"趋势|走势|变化情况|变化|波动|\btrend(?:s|ed|ing)?\b|\bover time\b|\bover the (?:months|years)\b"),
               lambda m, t: TimeHit(m.start(), m.end(), "trend")))

_JOIN = re.compile(r"\s*(?:到|至|~|-|—|–|、|\bto\b|\bthrough\b|\buntil\b|\band\b)\s*")


def find_time(text: str, today: dt.date) -> list[TimeHit]:
    cands: list[TimeHit] = []
    for pat, fn in _RULES:
        for m in pat.finditer(text):
            if m.end() > m.start():
                hit = fn(m, today)
                if hit is not None:
                    cands.append(hit)
    cands.sort(key=lambda h: (h.start, -(h.end - h.start)))
    hits: list[TimeHit] = []
    for h in cands:
        if hits and h.start < hits[-1].end:
            continue
        hits.append(h)
    return _merge_ranges(text, hits, today)


def _merge_ranges(text: str, hits: list[TimeHit], today: dt.date) -> list[TimeHit]:
    out: list[TimeHit] = []
    for h in hits:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == h.kind == "range"
                and _JOIN.fullmatch(text[prev.end:h.start])):
            s, _ = prev.dates(today)
            _, e = h.dates(today)
            if s <= e:
                out[-1] = TimeHit(prev.start, h.end, "range", _span(s, e))
                continue
        out.append(h)
    return out
