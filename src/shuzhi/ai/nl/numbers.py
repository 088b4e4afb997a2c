"""Numbers in questions: Arabic and Chinese numerals (cn2an), 万/亿 units, percentages, English words.

`parse_number("两千万") == 20_000_000`, `parse_number("百分之二十") == 0.2`, `parse_number("1.5万") == 15000`,
`parse_number("20%") == 0.2`, `parse_number("1.2 million") == 1_200_000` (a currency word after it, yuan / 元,
is part of it), `parse_number("five") == 5`.
`NUMBER_RE` finds number expressions inside a question (its spans are used by the parser).
"""

from __future__ import annotations

import re

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_NUM = f"[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?"
_AR_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_EN_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
    "hundred": 100,
}
_EN_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
             "b": 1e9, "bn": 1e9, "billion": 1e9}
_CURRENCY = r"yuan\b|rmb\b|cny\b|元|块"
_EN_WORD_RE = "|".join(sorted(_EN_WORDS, key=len, reverse=True))
_EN_SCALE_RE = "|".join(sorted(_EN_SCALE, key=len, reverse=True))

# One number expression: percent forms, Arabic with optional 万/亿/English scale, Chinese numerals.
NUMBER_RE = re.compile(
    rf"百分之(?:{_CN_NUM}|{_AR_NUM})"
    rf"|{_AR_NUM}\s*(?:%|％|个百分点|percent\b|per cent\b|pct\b)"
    rf"|[一二三四五六七八九]成[一二三四五六七八九]?(?![\u4e00-\u9fff]*本)"
    rf"|(?:{_CN_NUM}|{_AR_NUM})个(?:亿|万)"
    rf"|{_AR_NUM}\s*(?:千万|百万|万|亿|千)(?:元|块)?"
    rf"|(?<![A-Za-z]){_AR_NUM}\s*(?:{_EN_SCALE_RE})\b(?:\s*(?:{_CURRENCY}))?"
    rf"|{_AR_NUM}(?:元|块)?"
    rf"|{_CN_NUM}(?:元|块)?"
    rf"|\b(?:{_EN_WORD_RE})\b",
    re.IGNORECASE,
)


_BARE_UNITS = {"万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9}


def cn_int(text: str) -> int | None:
    """A small integer written in Chinese or Arabic (五, 十二, 两, 3) → int, else None."""
    v = parse_number(text)
    if v is None or v != int(v):
        return None
    return int(v)


def _cn(text: str) -> float | None:
    import cn2an  # here, not at import: it compiles its patterns (~0.1 s), and most questions have no Chinese numeral

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def parse_number(text: str) -> float | None:
    """One number expression → float (percentages as fractions), or None."""
    t = text.strip().lower().replace(",", "").replace("，", "")
    t = re.sub(r"(元|块|\s*yuan|\s*rmb|\s*cny)$", "", t).strip()
    if not t:
        return None
    if t.startswith("百分之"):
        v = _cn(t[3:])
        return None if v is None else v / 100
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(%|％|个百分点|percent|per cent|pct)", t)
    if m:
        return float(m.group(1)) / 100
    m = re.fullmatch(r"([一二三四五六七八九])成([一二三四五六七八九])?", t)  # 九成 = 90 %, 九成五 = 95 %
    if m:
        return round((_cn(m.group(1)) or 0) / 10 + ((_cn(m.group(2)) or 0) / 100 if m.group(2) else 0), 4)
    if "个亿" in t or "个万" in t:
        t = t.replace("个", "")
    m = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*({_EN_SCALE_RE})", t)
    if m:
        return float(m.group(1)) * _EN_SCALE[m.group(2)]
    if t in _EN_WORDS:
        return float(_EN_WORDS[t])
    if t in _BARE_UNITS:  # 过亿, 上千万: the unit alone is one of it
        return _BARE_UNITS[t]
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    t = t.replace("〇", "零")
    return _cn(t)


def find_numbers(text: str) -> list[tuple[int, int, float]]:
    """Every number expression in `text` as (start, end, value)."""
    out = []
    for m in NUMBER_RE.finditer(text):
        v = parse_number(m.group(0))
        if v is not None:
            out.append((m.start(), m.end(), v))
    return out
