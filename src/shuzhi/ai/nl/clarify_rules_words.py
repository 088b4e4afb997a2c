"""Clarify rules about words (docs/ask-clarify.md, rules 1, 2 and 2b): an unknown word qualifying what is
measured or counted (新建档的客户, 赢了多少单), a value or dimension word on two fields nothing settles (海外:
channel or region), and 销售 as a person or as revenue (销售的赢单率).

Each `_rule(st, lex, frame, spec)` returns a question back with 2–3 runnable choices, or None to let the next rule
try; `qualifier_words` and `close_readings` are also read by the result stage (lower confidence, alternatives).
Invariant: a unit, a classifier, a linking verb or a word the metric already says is never a qualifier.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.clarify_choices import (
    _CJK,
    Choice,
    _add,
    _count_asked,
    _is_count,
    _with_metric,
    content_unknowns,
    count_item,
)
from shuzhi.ai.nl.frame import Frame, spec_alternatives
from shuzhi.ai.nl.grounding import pick_dim
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Mention


# ── 1. an unknown qualifier ─────────────────────────────────────────────────────────────────
def qualifier_words(st: Any) -> list[tuple[str, Mention | None, set[str]]]:
    """(word, the mention it qualifies or None for the count word, datasets of the thing) per unknown word
    attached to an asked metric, the thing counted or the count word."""
    t, lex = st.t, st.lex
    anchors: list[tuple[int, int, Mention | None]] = []
    for i, m in enumerate(st.mentions):
        if m.kind in ("metric", "entity", "dataset") or (m.kind == "dim" and i in st.consumed):
            anchors.append((m.start, m.end, m))
    anchors += [(x.start(), x.end(), None) for x in st.cue.get("COUNT", []) if x.end() > x.start()]
    out: list[tuple[str, Mention | None, set[str]]] = []
    pending = [(u["text"], _free_find(t, u["text"])) for u in content_unknowns(st.unknown)]
    pending = [(w, p) for w, p in pending if p >= 0 and not _unit_word(w)]
    understood = [(m.start, m.end) for m in st.mentions if m.kind in ("metric", "entity", "dataset", "value", "dim")]
    grew = True
    while grew:  # a word next to a qualifier qualifies too (newly onboarded)
        grew = False
        for word, pos in list(pending):
            s, e = pos, pos + len(word)
            if _linking(lex, t.text, s, e, understood) or _NUMBER_NEXT.match(t.text, e):
                continue  # a word before a number compares with it (beat 2.5 million, 控制在1.5%以内)  # 工时超过计划工时, customers placed orders, 材料缺陷导致的不良品: a relation, not a qualifier
            cjk = bool(_CJK.search(word))
            for a, b, m in anchors:
                if cjk and a < e:
                    continue  # 不良率控制在…, 工时一共多少小时, 客户档案: a Chinese qualifier stands before its thing
                gap = t.text[e:a] if a >= e else t.text[b:s] if b <= s else None
                if gap is None or not _glue(lex, gap):
                    continue
                if m is not None and m.kind == "metric" and str(m.entries[0].key) in _metrics_named_by(
                        lex, word, set(), False):
                    continue  # 建档的新客户: the word repeats what the metric already says
                thing = _thing_datasets(lex, m, st) if m is not None or not out else out[0][2]
                out.append((word, m if m is not None or not out else out[0][1], thing))
                anchors.append((s, e, m))
                pending.remove((word, pos))
                grew = True
                break
    out.sort(key=lambda x: t.text.find(x[0]))
    return out


_UNIT = re.compile(r"小时|分钟|天数|\b(?:units?|pieces?|pcs|hours?|days?|minutes?|yuan|rmb|million|"
                   r"billion|thousand|percent)\b")


_NUMBER_NEXT = re.compile(r"\s*(?:在|到|于)?\s*(?:\d|[一二三四五六七八九十两百千万]+(?:万|千|百|亿|%|个|件|元))")


def _unit_word(word: str) -> bool:
    """A classifier or unit (张, 小时, units, yuan): it says how the answer is counted, never what."""
    w = normalize(word)
    return w in C.GLUE or bool(_UNIT.fullmatch(w)) or all(_UNIT.fullmatch(x) for x in w.split()) and " " in w


def _linking(lex: Lexicon, text: str, s: int, e: int, understood: list[tuple[int, int]]) -> bool:
    """The word stands between two understood words (only glue between): a verb relating them (工时超过计划工时,
    customers placed orders, 材料缺陷导致的不良品), not a qualifier of either."""
    before = any(b <= s and _glue(lex, text[b:s]) for _a, b in understood)
    after = any(a >= e and _glue(lex, text[e:a]) for a, _b in understood)
    return before and after


def _free_find(t: Any, word: str) -> int:
    i = t.text.find(word)
    while i >= 0:
        if not any(t.taken[i:i + len(word)]):
            return i
        i = t.text.find(word, i + 1)
    return t.text.find(word)


def _glue(lex: Lexicon, gap: str) -> bool:
    return all(not w.strip() or w.strip() in C.GLUE for w in lex.tokenizer.lcut(gap))


def _thing_datasets(lex: Lexicon, m: Mention | None, st: Any) -> set[str]:
    if m is None:
        return {d for x in st.frame.metrics for d in lex.metric_datasets(x)}
    if m.kind == "metric":
        return set(lex.metric_datasets(str(m.entries[0].key)))
    if m.kind == "dataset":
        return {str(e.key) for e in m.entries}
    out = {lex.entity_of[m.term]} if m.term in lex.entity_of else set()
    return out | {e.key[0] for e in m.entries if isinstance(e.key, tuple) and e.key[0]}


def _qualifier(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    found = qualifier_words(st)
    if not found:
        return None
    word, m, things = found[0]
    words = list(dict.fromkeys(w for w, _, _ in found))
    counting = bool(_count_asked(st.t.text)) or _is_count(lex, frame.metrics[0])
    # 多少单 / 几单: a count word read as a metric does not say which thing is counted (赢了多少单: deals?)
    loose = m is not None and m.kind == "metric" and not m.entries[0].exact and bool(re.search(r"多少|几", m.term))
    choices: list[Choice] = []
    named = [n for w in words for n in _metrics_named_by(lex, w, set() if loose else things, counting)]
    for name in list(dict.fromkeys(named))[:2]:
        _add(choices, st, _with_metric(frame, name), note=None)
    for ds in sorted(things):
        if not _is_count(lex, frame.metrics[0]):  # an amount asked of a thing counted: offer its count
            item = count_item(lex, ds)
            if item is not None:
                _add(choices, st, _with_metric(frame, item), note=None)
    if not (counting and not _is_count(lex, frame.metrics[0])) or len(choices) < 2:
        _add(choices, st, frame, note=word)
    for label in _suggested(lex, word):
        if len(choices) >= 2:
            break
        _add(choices, st, _with_metric(frame, label), note=None)
    for key in _status_fields(lex, things or {d for x in frame.metrics for d in lex.metric_datasets(x)}):
        if len(choices) >= 2:
            break  # 作废的订单: split by the thing's status, where the word most likely is a value
        alt = frame.copy()
        alt.dims = [*alt.dims, (f"{key[0]}.{key[1]}", None)]
        _add(choices, st, alt, note=None)
    if len(choices) < 2:
        return None
    zh_words, en_words = "、".join(f"「{w}」" for w in words), " ".join(words)
    return {"text": f"没看懂{zh_words}：它会改变要看的数据，请选择您要的是哪一个：",
            "text_en": f"I did not understand “{en_words}”, and it changes what is measured. Which one do you mean?",
            "choices": choices[:3]}


def _metrics_named_by(lex: Lexicon, word: str, things: set[str], counting: bool) -> list[str]:
    """Metrics whose own words (label, synonyms, everyday words) contain the word, the thing's first, a
    count first when a count is asked."""
    w = normalize(word)
    if not _CJK.search(w):  # newly → new, onboarded → onboard
        w = re.sub(r"(?<=\w{3})(?:ly|ed|ing|s)$", "", w)
    if not w or (not _CJK.search(w) and len(w) < 3):
        return []
    pat = re.compile(re.escape(w) if _CJK.search(w) else rf"\b{re.escape(w)}")
    hits: dict[str, int] = {}
    for term, entries in lex.terms.items():
        if not pat.search(term):
            continue
        for e in entries:
            if e.kind == "metric":
                hits[str(e.key)] = min(hits.get(str(e.key), 99), len(term))
    if things:  # the thing counted or measured is known: only its own metrics
        hits = {n: k for n, k in hits.items() if set(lex.metric_datasets(n)) & things}
    return sorted(hits, key=lambda n: (counting and not _is_count(lex, n), hits[n], n))


_STATUS = re.compile(r"状态|阶段|类型|类别|\bstatus\b|\bstage\b|\btype\b")


def _status_fields(lex: Lexicon, datasets: set[str]) -> list[tuple[str, str]]:
    """The datasets' status, stage and type fields (a qualifier is most often one of their values)."""
    out = []
    for (ds, f), fd in lex.index.fields.items():
        if ds in datasets and fd.dimension and not fd.is_time and fd.type == "string" and (
                _STATUS.search(f"{fd.label or ''} {(fd.label_en or '').lower()} {f}")):
            out.append((ds, f))
    return sorted(out)


def _suggested(lex: Lexicon, word: str) -> list[str]:
    """Metrics spelled close to the word (difflib ratio ≥ 0.6: 退货率 → 不良率 is not offered)."""
    labels = lex.visible_metric_labels()
    close = difflib.get_close_matches(normalize(word), sorted(labels), n=3, cutoff=0.6)
    return list(dict.fromkeys(labels[x] for x in close))


# ── 2. two close readings ───────────────────────────────────────────────────────────────────
def close_readings(st: Any) -> list[tuple[str, str, list[str]]]:
    """(word, chosen field, the other fields that read as well) for each ambiguous word the question
    does not settle."""
    lex = st.lex
    named = {fname for m in st.mentions if m.kind == "dim"
             for fname in (f"{e.key[0]}.{e.key[1]}" for e in m.entries if isinstance(e.key, tuple))}
    own = {d for x in st.frame.metrics if x in lex.index.metrics for d in lex.metric_datasets(x)} | set(st.context_ds)
    out = []
    for chosen, others in st.ambiguous:
        if chosen in named:
            continue  # 除了海外以外各大区, 海外渠道: the question names the field
        value_word = _value_word(st, chosen, others)
        close = []
        for o in others:
            if o in named or _same_hierarchy(lex, chosen, o):
                continue
            if value_word is None and ((chosen.split(".")[0] in own) != (o.split(".")[0] in own)):
                continue  # a dimension word: the dataset the question is about settles it
            close.append(o)
        if close:
            out.append((value_word or _dim_word(st, chosen) or chosen, chosen, close))
    return out


def _value_word(st: Any, chosen: str, others: list[str]) -> str | None:
    for m in st.mentions:
        fields = {f"{e.key[0]}.{e.key[1]}" for e in m.entries if e.kind == "value"}
        if m.kind == "value" and chosen in fields and fields & set(others):
            return m.term
    return None


def _dim_word(st: Any, chosen: str) -> str | None:
    return next((m.term for m in st.mentions if m.kind == "dim"
                 and any(f"{e.key[0]}.{e.key[1]}" == chosen for e in m.entries if isinstance(e.key, tuple))), None)


def _same_hierarchy(lex: Lexicon, a: str, b: str) -> bool:
    ka, kb = tuple(a.split(".", 1)), tuple(b.split(".", 1))
    for h in lex.index.model.hierarchies:
        levels = {(lv.split(".", 1)[0], lv.split(".", 1)[1]) if isinstance(lv, str) else (lv.dataset, lv.field)
                  for lv in h.levels}
        if ka in levels and kb in levels:
            return True
    return False


def _close_readings(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    found = close_readings(st)
    if not found:
        return None
    word, chosen, others = found[0]
    choices: list[Choice] = []
    _add(choices, st, frame, note=None)
    for alt in spec_alternatives(frame, [(chosen, others)], frames=True):
        _add(choices, st, alt, note=None)
    if len(choices) < 2:
        return None
    labels = [_field_label(lex, f) for f in [chosen, *others]][:3]
    labels_en = [_field_label(lex, f, True) for f in [chosen, *others]][:3]
    return {"text": f"「{word}」既可以指{'，也可以指'.join(labels)}，您指的是哪一个？",
            "text_en": f"“{word}” can mean {' or '.join(labels_en)}. Which one do you mean?",
            "choices": choices[:3]}


def _field_label(lex: Lexicon, name: str, en: bool = False) -> str:
    ds, _, f = name.rpartition(".")
    return lex.field_label(ds, f, en)


# ── 2b. a person or a metric (销售的赢单率) ─────────────────────────────────────────────────────
def _person_or_metric(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """销售的赢单率: 销售 is revenue's everyday word and the stem of a person field (销售代表); before 的 and
    another metric it reads as whose (each salesperson's win rate) or as the metric itself."""
    if len(frame.metrics) < 2:
        return None
    for i, m in enumerate(st.metric_ms):
        nxt = st.metric_ms[i + 1] if i + 1 < len(st.metric_ms) else None
        if m.entries[0].exact or nxt is None or not re.fullmatch(r"\s*的\s*", st.t.text[m.end:nxt.start]):
            continue
        stems = [lex.field_label(*k) for k in lex.person_fields]
        if not any(x.startswith(m.term) and len(x) > len(m.term) for x in stems):
            continue
        own, other = str(m.entries[0].key), str(nxt.entries[0].key)
        key, _ = pick_dim(lex, list(lex.person_fields), [other])
        choices: list[Choice] = []
        if key is not None and key[0]:
            alt = frame.copy()
            alt.metrics = [x for x in alt.metrics if x != own]
            alt.dims = [*alt.dims, (f"{key[0]}.{key[1]}", None)]
            _add(choices, st, alt, note=None)
        alt = frame.copy()
        alt.metrics = [x for x in alt.metrics if x != own]
        _add(choices, st, alt, note=None)
        _add(choices, st, frame, note=None)
        if len(choices) < 2:
            return None
        person = lex.field_label(*key) if key is not None else m.term
        return {"text": f"「{m.term}」是指人（{person}），还是指{lex.metric_label(own)}？请选择：",
                "text_en": f"Does “{m.term}” mean the person ({lex.field_label(*key, True) if key else m.term}) "
                           f"or {lex.metric_label(own, True)}?", "choices": choices[:3]}
    return None
