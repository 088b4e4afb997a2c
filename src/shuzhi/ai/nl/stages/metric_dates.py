"""Helper of the `metrics` stage (not a stage): dates said with the asked metric.

A date verb split by a period (计划今年结项) is one date verb, never a metric word; a free date verb (开工 →
start_date) names the date a count is dated by, and a planned date's period is the whole period (今年 on a
due date is the whole year); the time between two dates (从下单到发货平均要几天) is reported with its reason
and answered by no metric, unless the model has a duration field. Functions read and write only the given
ParseState; what they understand is masked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Entry

# the time between two events: 从下单到发货平均要几天, order-to-ship lead time, how long from start to finish
_DURATION = re.compile(r"从\s*(\S{1,8}?)\s*到\s*(\S{1,8}?)\s*(?:平均|一般|通常)?\s*(?:要|用|需要|花)?了?\s*"
                       r"(?:几天|多少天|多长时间|多久|几个月|多少个?小时)"
                       r"|\b(?:lead|cycle|turnaround|throughput) times?\b|\bdays? (?:between|from)\b|\bhow long\b")


_DURATION_FIELD = re.compile(r"天数|周期|时长|交期|用时|\blead time\b|\bdays\b|\bduration\b|\bcycle time\b", re.I)


def duration_asked(st: ParseState) -> bool:
    """从下单到发货平均要几天 / order-to-ship lead time: the time between two dates of a row. QuerySpec aggregates
    fields, not differences of two; unless the model has such a field (交期, lead time days), nothing else is
    answered: the words are reported with the reason, and no metric is read (never the order count instead)."""
    x = _DURATION.search(st.t.text)
    if x is None:
        return False
    idx = st.lex.model_index
    if any(not fd.dimension and fd.type in ("integer", "number")
           and any(_DURATION_FIELD.search(w or "") for w in [fd.label, fd.label_en, *fd.synonyms])
           for fd in idx.fields.values()):
        return False  # the model has a duration field: read as usual
    for m in st.mentions:
        if m.kind == "metric":
            m.kind = "used"
    st.t.take(x.start(), x.end())
    st.unknown.append({"text": x.group(0), "reason": "模型里没有两个日期之间的天数（时长）字段，无法计算 / the model has no "
                       "field for the time between two dates, so this cannot be computed", "suggestions": []})
    return True


_PLANNED = re.compile(r"计划|预计|预定|\bplanned\b|\bexpected\b|\bdue\b", re.I)


_WHOLE = {"this_year": "year", "this_quarter": "quarter", "this_month": "month"}


def whole_if_planned(lex: Any, ds: str, f: str, tr: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """计划今年结项: a planned date (计划结项日期, due date) lies ahead, so 今年 on it is the whole year, not the year
    so far (this quarter, this month likewise)."""
    fd = lex.model_index.fields.get((ds, f))
    unit = _WHOLE.get(str(tr.get("relative")))
    if fd is None or unit is None or not any(_PLANNED.search(w or "") for w in [fd.label, fd.label_en, *fd.synonyms]):
        return tr
    y, m = today.year, today.month
    first, months = {"year": (1, 12), "quarter": (3 * ((m - 1) // 3) + 1, 3), "month": (m, 1)}[unit]
    start = dt.date(y, first, 1)
    after = first + months
    end = (dt.date(y + 1, 1, 1) if after > 12 else dt.date(y, after, 1)) - dt.timedelta(days=1)
    return {"field": tr["field"], "start": start.isoformat(), "end": end.isoformat()}


def split_date_verbs(st: ParseState) -> None:
    """计划今年结项的项目: a date verb (计划结项 ← 计划结项日期) said around a period, whose first part was read as an
    everyday metric word (计划 → planned quantity), is the date verb: it dates the count, it is no metric."""
    lex, t = st.lex, st.t
    spans = [(r.start, r.end) for r in st.ranges]
    for m in st.mentions:
        if m.kind != "metric" or m.entries[0].exact:
            continue
        for word, (ds, f) in lex.date_verb.items():
            if not word.startswith(m.term) or len(word) <= len(m.term):
                continue
            rest, i, took = word[len(m.term):], m.end, []
            while i < len(t.text) and rest:
                inside = next((e for s, e in spans if s <= i < e), None)
                if inside is not None:
                    i = inside
                elif t.text[i] == rest[0] and not t.taken[i]:
                    took.append(i)
                    rest, i = rest[1:], i + 1
                else:
                    break
            if rest:
                continue
            for k in took:
                t.take(k, k + 1)
            m.kind, m.term, m.entries = "date_verb", word, [Entry("dim", (ds, f))]
            break


def date_verb(st: ParseState, ds: str) -> str | None:
    """The date field of `ds` a free verb of the question names (开工 → start_date), the verb understood."""
    said = next((m for m in st.mentions if m.kind == "date_verb" and m.entries[0].key[0] == ds), None)
    if said is not None:
        return str(said.entries[0].key[1])
    masked = st.t.masked()
    for word, (d, f) in st.lex.date_verb.items():
        x = masked.find(word)
        if d == ds and x >= 0:
            st.t.take(x, x + len(word))
            return f
    return None
