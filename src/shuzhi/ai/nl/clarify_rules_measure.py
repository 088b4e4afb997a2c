"""Clarify rules about what is measured and over what (docs/ask-clarify.md, rules 4, 6, 7, 7b and 8): a ranking
of nothing (销售前五), growth with no base (增长率: 同比 or 环比), a loose word other metrics share (卖了多少, 销售最好),
a rolling or a calendar window (近三个月), and the best X by no measure (`best_without_metric`).

Each `_rule(st, lex, frame, spec)` returns a question back with 2–3 runnable choices, or None to let the next rule
try. Invariant: a unit said (多少件, 多少钱), a base said (同比, vs) or the months said (8到10月) settle the reading,
and nothing is asked then; clarify_settle.py reads `_loose_reading`, `_kind`, `_count_things` and the unit patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shuzhi.ai.nl.clarify_choices import _CJK, Choice, _add, _with_metric
from shuzhi.ai.nl.frame import Frame
from shuzhi.ai.nl.grounding import fits, pick_dim
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Mention

_PERSON_WORD = re.compile(r"销售|业务员|谁|\bsales\b|\bwho\b|\bsalesperson\b|\breps?\b")


# ── 4. a ranking of nothing ─────────────────────────────────────────────────────────────────
def _rank_of_nothing(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    ranked = frame.order is not None or frame.limit or any(k == "rank" for k, _ in frame.computes)
    if not ranked or frame.dims or not frame.metrics:
        return None
    fields: list[tuple[str, str]] = []
    if _PERSON_WORD.search(st.t.text):
        key, _ = pick_dim(lex, list(lex.person_fields), frame.metrics)
        if key is not None and key[0]:
            fields.append(key)
    for key, _rank in sorted(lex.hierarchy_rank.items(), key=lambda kv: kv[1]):
        if fits(lex, key[0], frame.metrics) and key not in fields:
            fields.append(key)
    choices: list[Choice] = []
    for key in fields:
        if len(choices) >= 3:
            break
        alt = frame.copy()
        alt.dims = [(f"{key[0]}.{key[1]}", None)]
        _add(choices, st, alt, note=None)
    if len(choices) < 2:
        return None
    label, label_en = lex.metric_label(frame.metrics[0]), lex.metric_label(frame.metrics[0], True)
    return {"text": f"要按什么来排「{label}」？请选择：", "text_en": f"Rank {label_en} by what?", "choices": choices}


# ── 6. growth with no base ──────────────────────────────────────────────────────────────────
_GROWTH = re.compile(r"增长|增幅|涨|grow|growth|increase", re.I)
_BASE = re.compile(r"同比|环比|同期|比|较|相比|对比|\bvs\.?|versus|compared|\bover\b|\bthan\b|yoy|mom|qoq|"
                   r"year[- ]on[- ]year|year[- ]over[- ]year|month[- ]over[- ]month|quarter[- ]over[- ]quarter", re.I)


def _growth_without_base(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """上季度销售额增长了多少, 今年销售额增长率: a growth word gave a year-on-year or period-on-period change but
    nothing says against what (同比, 环比, 比去年, vs, over last year settle it). Choices: both bases."""
    kinds = [k for k, _m in frame.computes if k in ("yoy", "pop")]
    if (st.intent != "query" or len(kinds) != 1 or frame.dims or not _GROWTH.search(st.t.text)
            or _BASE.search(st.t.text)):
        return None
    choices: list[Choice] = []
    for kind in (kinds[0], "pop" if kinds[0] == "yoy" else "yoy"):
        alt = frame.copy()
        alt.computes = [(kind if k in ("yoy", "pop") else k, m) for k, m in alt.computes]
        _add(choices, st, alt, note=None)
    if len(choices) < 2:
        return None
    return {"text": "「增长」是和去年同期比（同比），还是和上一期比（环比）？请选择：",
            "text_en": "Growth against the same period last year, or against the previous period?",
            "choices": choices}


# ── 7. a loose word other measures share ────────────────────────────────────────────────────
_QTY_UNIT = re.compile(r"多少(?:件|个|台|套|只|张)|几(?:件|个|台|套)|\bunits?\b|\bpieces?\b|\bhow many\b")
_MONEY_UNIT = re.compile(r"多少钱|金额|\d\s*万|元|\bhow much money\b|\byuan\b|\bmillion\b|\bvalue\b|\bspend\b")
_RATE_FORMATS = ("percent", "percentage")


def _stem(word: str) -> str:
    return re.sub(r"(?:了|过|的|得)$", "", normalize(word))


def shared_measures(lex: Lexicon, word: str, read: str) -> list[str | dict[str, Any]]:
    """Other metrics a loose word also names, on the read metric's own datasets: visible metrics (not rates)
    one of whose own words contains the word's stem (卖了多少 → 卖了多少钱, 销售 → 销售量)."""
    stem = _stem(word)
    own = set(lex.metric_datasets(read))
    out: list[str | dict[str, Any]] = []
    if len(stem) >= 2 and _CJK.search(stem):
        for name, m in lex.index.metrics.items():
            if name == read or m.hidden or m.format in _RATE_FORMATS or m.formula or not set(
                    lex.metric_datasets(name)) & own:
                continue
            words = [normalize(w) for w in [m.label, *m.synonyms, *m.everyday_words] if w]
            if any(stem in w and w != stem for w in words):
                out.append(name)
    return list({(x if isinstance(x, str) else x["name"]): x for x in out}.values())


def _loose_reading(st: Any, lex: Lexicon, frame: Frame) -> tuple[str, Mention, list[str | dict[str, Any]]] | None:
    if len(frame.metrics) != 1 or len(st.metric_ms) != 1 or st.metric_ms[0].entries[0].exact:
        return None
    read, m = frame.metrics[0], st.metric_ms[0]
    if not m.term.strip() or str(m.entries[0].key) != read or read not in lex.index.metrics:
        return None
    return read, m, shared_measures(lex, m.term, read)


def _kind(lex: Lexicon, x: str | dict[str, Any]) -> str:
    md = lex.index.metrics.get(x) if isinstance(x, str) else None
    return "money" if md is not None and md.format == "currency" else "qty" if md is None or \
        md.format == "integer" else "other"


def _count_things(text: str) -> bool:
    """A count of things (几个产品, 多少家) rather than of pieces (多少件, how many units)."""
    return bool(re.search(r"(?:多少|几)(?:个|家|位|款|条|项|笔|张|名|次|批|单)", text)) or (
        bool(re.search(r"\bhow many\b", text)) and not re.search(r"\bhow many (?:units|pieces)\b", text))


def _shared_word(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """华东今年卖了多少, 今年销售最好的是谁: the one metric was read from a loose everyday word that other
    metrics' own words contain too (卖了多少钱 is revenue, 销售量 a quantity), and either the word is an open
    "how much" (多少, 几) or a judging word (最好, best) ranks by it; no unit settles it (多少件 keeps the
    quantities, 多少钱 the amounts). A breakdown without a judging word shows its measure and is answered.
    Choices: the reading, then the others."""
    if frame.dims and not _EVALUATIVE.search(st.t.text):
        return None  # 各渠道的销售, 每个月卖了多少: a breakdown shows its measure; 销售最好的是谁 judges by it
    found = _loose_reading(st, lex, frame)
    if found is None:
        return None
    read, m, others = found
    text = st.t.text
    if not _EVALUATIVE.search(text) and not re.search(r"多少|几", m.term):
        return None  # 今年的销售 is revenue; 卖了多少 (how much: money or pieces?) and 销售最好 (by what?) are not
    if _count_things(text):
        return None  # 有几个产品是零库存: things are counted, not the measure
    if _QTY_UNIT.search(text):
        others = [x for x in others if _kind(lex, x) == "qty"]
    elif _MONEY_UNIT.search(text):
        others = [x for x in others if _kind(lex, x) == "money"]
    if not others:
        return None
    choices: list[Choice] = []
    _add(choices, st, frame, note=None)
    for x in others:
        if len(choices) >= 3:
            break
        _add(choices, st, _with_metric(frame, x), note=None)
    if len(choices) < 2:
        return None
    return {"text": f"「{m.term}」可以指不同的数，您要看的是哪一个？",
            "text_en": f"“{m.term}” can mean different figures. Which one do you mean?", "choices": choices}


# ── 7b. a rolling or a calendar window ──────────────────────────────────────────────────────
_CN_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十二": 12, "two": 2, "three": 3, "six": 6, "twelve": 12}
_WINDOW = re.compile(r"(?:近|最近|过去|前)\s*(\d+|十二|[一两二三四五六七八九十])\s*个\s*月"
                     r"|\b(?:last|past)\s+(\d+|two|three|six|twelve)\s+months\b", re.I)


_MONTHS_SAID = re.compile(r"\d{1,2}\s*月?\s*(?:-|到|至|~|—)\s*\d{1,2}\s*月|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                          r"[a-z]*\s*(?:-|to|through|–)\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)


def _rolling_or_calendar(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """近三个月的销售额: the last N whole months with data, or N months back from today? Asked for one number
    (a trend by month shows its months) when nothing else fixes the window (近三个月（8到10月）)."""
    m = _WINDOW.search(st.t.text)
    tr = frame.time_range or {}
    if m is None or len(st.ranges) != 1 or frame.grain() or "start" not in tr or "end" not in tr \
            or _MONTHS_SAID.search(st.t.text):
        return None
    n = int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2) or "").isdigit() else \
        _CN_NUM.get((m.group(1) or m.group(2) or "").lower())
    if not n:
        return None
    today = st.today
    y, mo = divmod(today.month - 1 - n, 12)
    year, month = today.year + y, mo + 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    start = dt.date(year, month, day) + dt.timedelta(days=1)
    choices: list[Choice] = []
    _add(choices, st, frame, note=None)
    alt = frame.copy()
    alt.time_range = {**tr, "start": start.isoformat(), "end": today.isoformat()}
    _add(choices, st, alt, note=None)
    if len(choices) < 2:
        return None
    return {"text": f"「{m.group()}」是指最近{n}个整月，还是从今天往前推{n}个月？请选择：",
            "text_en": f"“{m.group()}”: the last {n} whole months, or {n} months back from today?",
            "choices": choices}


# ── 8. the best of something, by no measure ─────────────────────────────────────────────────
_EVALUATIVE = re.compile(r"最好|最强|最佳|最棒|最厉害|最优秀|\bbest\b|\btop\b|\bleading\b|\bstrongest\b")


def best_without_metric(st: Any) -> dict[str, Any] | None:
    """Who is our best salesperson, 最好的产品是哪个: a ranking word that judges (best, top, 最好) over a
    thing, and no measure named. Choices: that thing ranked by the first amount, quantity and count metrics
    that reach it (the model's order). Used when the parse found no metric."""
    lex, frame = st.lex, st.frame
    if frame.metrics or st.intent != "query" or not _EVALUATIVE.search(st.t.text):
        return None
    dims = [m for m in st.mentions if m.kind in ("dim", "entity") and isinstance(m.entries[0].key, tuple)]
    if len(dims) != 1 or not dims[0].entries[0].key[0]:
        return None
    key = dims[0].entries[0].key
    field_name = f"{key[0]}.{key[1]}"
    picked: dict[str, str] = {}
    for name, m in lex.index.metrics.items():
        if m.hidden or m.formula or not m.dataset or not fits(lex, key[0], [name]):
            continue
        kind = "count" if m.agg in ("count", "count_distinct") else m.format
        if kind in ("currency", "integer", "count") and kind not in picked.values():
            picked[name] = kind
    st.choice_frames = []
    choices: list[Choice] = []
    for name in picked:
        alt = frame.copy()
        alt.metrics = [name]
        alt.dims = [(field_name, None)]
        alt.order, alt.limit = (name, True), frame.limit or 1
        _add(choices, st, alt, note=None)
    if len(choices) < 2:
        st.choice_frames = []
        return None
    word = _EVALUATIVE.search(st.t.text).group()
    label, label_en = lex.field_label(*key), lex.field_label(*key, True)
    return {"text": f"「{word}」的{label}按什么来衡量？请选择：",
            "text_en": f"The {word} {label_en} by which measure?", "choices": choices[:3]}
