"""Simple schedule phrases → five-field cron: 每天 8:00, 每周一 (8:00), 每月 1 日 (8:00), and English.

Accepted (spaces optional, the time optional and 8:00 by default, 「8点」「8点30」「08:30」 alike):
- 每天 8:00 · 每日 8点 · daily 8:00 · every day at 8:00            → 0 8 * * *
- 每周一 8:00 · 每星期五 · 周一 · weekly monday · every monday 9:30  → 0 8 * * 1 …
- 每月 1 日 8:00 · 每月15号 · monthly 1 · every month on the 1st     → 0 8 1 * * …
- 工作日 8:00 · weekdays 8:00                                        → 0 8 * * 1-5
A five-field cron expression is returned as it is (schedules.Timing validates it). Anything else is a
bilingual `schedule_phrase` error listing the forms.
"""

from __future__ import annotations

import re

from shuzhi.errors import ShuzhiError

_WEEKDAYS_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 0, "天": 0, "末": 6}
_WEEKDAYS_EN = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}
_TIME = r"(?:\s*(?:at\s*)?(?P<h>\d{1,2})\s*(?:[:：点时]\s*(?P<m>\d{1,2})?\s*分?)?\s*(?P<ampm>am|pm)?)?"
_FORMS_ZH = "每天 8:00、每周一 8:00、每月 1 日 8:00、工作日 8:00，或 5 个字段的 cron（如 0 8 * * 1）"
_FORMS_EN = (
    "daily 8:00, every monday 8:00, monthly 1 8:00, weekdays 8:00, or a five-field cron (e.g. 0 8 * * 1)"
)


def _bad(text: str) -> ShuzhiError:
    return ShuzhiError(
        "schedule_phrase",
        f"看不懂计划「{text}」；可以写：{_FORMS_ZH}。",
        f"Cannot read the schedule '{text}'; write one of: {_FORMS_EN}.",
    )


def _hm(m: re.Match[str], text: str) -> tuple[int, int]:
    h = int(m.group("h")) if m.group("h") else 8
    mi = int(m.group("m")) if m.group("m") else 0
    if m.group("ampm") == "pm" and h < 12:
        h += 12
    if m.group("ampm") == "am" and h == 12:
        h = 0
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        raise _bad(text)
    return h, mi


def to_cron(text: str) -> str:
    """The cron expression of a phrase (or of a cron expression: itself)."""
    raw = (text or "").strip()
    s = re.sub(r"\s+", " ", re.sub(r"[()（）]", " ", raw.lower())).strip()
    if not s:
        raise _bad(raw)
    if len(s.split(" ")) == 5 and re.fullmatch(r"[\d*/,\-a-z? ]+", s) and not re.search(r"[a-z]{4,}", s):
        return raw  # a cron expression (Timing.validate checks it)
    pats: list[tuple[str, str]] = [
        (r"(?:每天|每日|天天|daily|every ?day)(?: at)?", "day"),
        (r"(?:工作日|每个工作日|weekdays|every weekday)(?: at)?", "weekdays"),
        (r"(?:每)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末])", "week_zh"),
        (r"(?:weekly(?: on)? |every )(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*(?: at)?", "week_en"),
        (r"每(?:个)?月\s*(?P<d>\d{1,2})\s*(?:日|号)", "month"),
        (
            r"(?:monthly(?: on)?(?: the| day)?|every month on(?: the| day)?) ?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?: at)?",
            "month",
        ),
    ]
    for pat, kind in pats:
        m = re.fullmatch(pat + _TIME, s)
        if m is None:
            continue
        h, mi = _hm(m, raw)
        if kind == "day":
            return f"{mi} {h} * * *"
        if kind == "weekdays":
            return f"{mi} {h} * * 1-5"
        if kind == "week_zh":
            return f"{mi} {h} * * {_WEEKDAYS_ZH[m.group('wd')]}"
        if kind == "week_en":
            return f"{mi} {h} * * {_WEEKDAYS_EN[m.group('wd')]}"
        day = int(m.group("d"))
        if not 1 <= day <= 31:
            raise _bad(raw)
        return f"{mi} {h} {day} * *"
    raise _bad(raw)
