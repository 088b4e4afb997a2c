"""When the parser asks back instead of answering (ParseResult.clarify; docs/ask-clarify.md).

A question back — {"text", "text_en", "choices": [{"text", "text_en", "spec"}]}, two or three runnable
choices — replaces the answer (the result's spec is None, nothing runs until a choice is picked) when:

1. qualifier: a word nobody understood qualifies the metric or the thing counted. It is a content word
   (not filler or neutral: cues.FILLER_RE, cues.FILLER, cues.NEUTRAL; not reported with a reason of its
   own) and only glue (cues.GLUE: 的 了 过 有 多少 个 …, did we, were) stands between it and an asked
   metric's word, the thing or dataset counted, or the count word (新建档的客户有多少家, 赢了多少单,
   新建了多少个商机, customers were newly onboarded). A word joined by 和/and, or after 按/各/by/per, is
   not a qualifier: it is reported and the rest is answered, with confidence below 0.75.
   Choices: the metrics whose own words contain it (新建档 → 新增客户数, 赢 → 赢单数), the count of the
   thing counted, the answer without the word, then the nearest metrics by spelling, then the answer split
   by the thing's status, stage or type field (作废的订单: the word is most likely one of its values).
2. close readings: a value word the model has on two fields the asked metrics reach (海外: 销售渠道 or
   大区), unless the question settles it — it names one of the fields (各大区, 海外渠道), or the two
   fields are levels of one hierarchy (北京市 as province and as city: the same rows); a dimension word
   on two fields both of, or neither of, the datasets the question is about. Choices: one per reading.
   A person or a metric: revenue's everyday word 销售, the stem of a person field (销售代表), before 的 and
   another metric (销售的赢单率). Choices: that metric by the person field, that metric alone, both as read.
3. a count answered by an amount: 多少个 / 几家 / how many asked (cues.COUNT_THINGS) but the metric read
   is an amount or a rate (商机多少个 → 商机金额). Choices: the count of the thing, the metric read.
4. a ranking of nothing: an order, a top N or a rank with no dimension (销售前五, 销售排名). Choices: by
   the person field the metric reaches (when 销售/sales/谁/who is said), by the top hierarchy levels.

5. on file or active: only the thing and a count word are said (我们有多少客户, 今年有多少家供应商) and the thing
   is both its dataset's rows and countable by its key in a dated dataset it fans out to; asked when a period
   is given or the active count was read. Choices: the rows on file, the active counts. Likewise 今年有多少订单
   when the count read counts one part of a composite key: the distinct things or the rows (lines).
6. growth with no base: a growth word read as year on year or period on period, nothing saying against what
   (同比, 环比, 比, vs, over). Choices: both. Not for a yes/no question.
7. a loose word other metrics share: an everyday word read as the one metric is inside another metric's own
   words (卖了多少 → 卖了多少钱, 销售 → 销售量), asked with an open 多少/几 or a judging word (最好, best); a unit
   settles it (多少件, 多少钱); a breakdown without a judging word is answered. Choices: the reading, the others.
   近三个月 for one number, nothing else fixing the window: the last N whole months or N months back to today.
8. the best X by no measure (best_without_metric, when no metric was found): one choice per first amount,
   quantity and count metric that reaches the thing.
Settled without asking (clarify_settle.py, before the spec): a money bar over a count word (下单超过20万) takes
the word's amount metric; a pieces unit over an amount takes the word's only quantity metric; a count asked
of a thing whose amount stood in for it (商机赢了多少个) is the thing's count; a count asked over a bar on an
amount or rate with no breakdown lists the things or periods counted (几个月) meeting it (count_rows); a
ranking of the one thing named (预算最高的5个研发项目) ranks by the field naming it (thing_field).
A unit or classifier (张, 小时, units), a verb between two understood words (工时超过计划工时, customers placed
orders), a Chinese word after its thing (不良率控制在) and a word the metric already says (建档的新客户) are
never qualifiers (rule 1); a count over a having on listed things (采购额超过5万的供应商有几家) is not rule 3.

Every choice is parsed and resolved against the model as the system (no SQL runs here); a choice that does
not resolve is dropped, and with fewer than two left the parser answers instead (its confidence lowered).
The choices' frames are kept (ParseResult.choice_frames): `choose(result, i, …)` turns a picked choice into the
answer, so a follow-up question refines the reading the user picked (an ad-hoc count starts afresh).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.frame import Frame, describe, spec_alternatives
from shuzhi.ai.nl.grounding import fits, pick_dim
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Mention, ParseResult

Choice = dict[str, Any]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AMOUNT_FORMATS = ("currency", "percent", "percentage")
_PERSON_WORD = re.compile(r"销售|业务员|谁|\bsales\b|\bwho\b|\bsalesperson\b|\breps?\b")


def content_unknowns(unknown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unknown words that bear meaning: not explained with a reason (a typo repaired, a split the model
    cannot make, an unknown concept), not a question without a metric."""
    return [u for u in unknown if not u.get("reason")]


def clarification(st: Any, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The question back for this parse (see the module docstring), or None to answer."""
    lex: Lexicon = st.lex
    frame: Frame = st.frame
    for ask in (_qualifier, _close_readings, _person_or_metric, _count_by_amount, _rank_of_nothing,
                _rows_or_activity, _things_or_lines, _all_or_subset, _growth_without_base, _shared_word, _rolling_or_calendar):
        st.choice_frames = []
        out = ask(st, lex, frame, spec)
        if out is not None:
            st.choice_frames = st.choice_frames[:len(out["choices"])]
            return out
    st.choice_frames = []
    return None


def choose(result: ParseResult, i: int, lex: Lexicon, today: dt.date) -> ParseResult:
    """The answer for the picked choice `i` of a question back: its spec, chart, chips and frame (so a
    follow-up refines it; not for an ad-hoc count), confidence 1.0 (the reading is the user's own). Raises IndexError for a choice
    that does not exist."""
    if result.clarify is None or not 0 <= i < len(result.choice_frames):
        raise IndexError(i)
    frame = result.choice_frames[i].copy()
    spec = result.clarify["choices"][i]["spec"]
    # an ad-hoc count is not a model metric the follow-up stages can ground: such a pick starts afresh
    kept = None if frame.items else frame
    return ParseResult(result.question, spec, recommend_chart(spec, index=lex.index), frame.chips(lex, today),
                       [], [], 1.0, kept, result.intent, dict(result.intent_args), None, result.lang)


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


# ── 3. a count answered by an amount ────────────────────────────────────────────────────────
def _count_asked(text: str) -> re.Match[str] | None:
    return C.COUNT_THINGS.search(text)


def _is_count(lex: Lexicon, name: str) -> bool:
    m = lex.index.metrics.get(name)
    return m is not None and (m.agg in ("count", "count_distinct") or m.format == "integer")


def _count_by_amount(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    if len(frame.metrics) != 1 or not _count_asked(st.t.text) or st.intent_args.get("count_rows")\
            or (frame.having and frame.dims):
        return None  # 采购额超过5万的供应商有几家: the things the amount qualifies are counted (count_rows)
    name = frame.metrics[0]
    m = lex.index.metrics.get(name)
    if m is None or m.format not in _AMOUNT_FORMATS:
        return None
    choices: list[Choice] = []
    for ds in lex.metric_datasets(name)[:1]:
        item = count_item(lex, ds)
        if item is not None:
            _add(choices, st, _with_metric(frame, item), note=None)
    _add(choices, st, frame, note=None)
    if len(choices) < 2:
        return None
    label, label_en = lex.metric_label(name), lex.metric_label(name, True)
    return {"text": f"您问的是「多少个」，而「{label}」是金额或比率：您要看的是个数还是{label}？",
            "text_en": f"You asked how many, but {label_en} is an amount or a rate: the count, or {label_en}?",
            "choices": choices[:3]}


def count_item(lex: Lexicon, ds: str) -> str | dict[str, Any] | None:
    """The thing's count: the dataset's plain count metric, else an ad-hoc distinct count of its key."""
    for name, m in lex.index.metrics.items():
        if m.dataset == ds and m.agg in ("count", "count_distinct") and not m.filter and not m.hidden:
            return name
    d = lex.index.datasets.get(ds)
    if d is None or not d.primary_key or len(d.primary_key) != 1:
        return None
    label = d.label or ds
    return {"name": f"{ds}_count", "field": f"{ds}.{d.primary_key[0]}", "aggregate": "count_distinct",
            "label": f"{label}数"}


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


# ── 5. the things on file or the things active ──────────────────────────────────────────────
_WE = re.compile(r"我们|我司|咱们|公司|总共|一共|共|现在|目前|当前|we|our|us|currently|now|in total|total|all", re.I)


def _only(st: Any, lex: Lexicon, m: Mention) -> bool:
    """The question is this one word, a count word, a period, glue and filler (我们有多少客户, 今年有多少订单)."""
    text = list(st.t.text)
    spans = [(m.start, m.end), *((h.start, h.end) for h in st.ranges),
             *((x.start(), x.end()) for k in ("COUNT", "TOTAL") for x in st.cue.get(k, []))]
    for a, b in spans:
        text[a:b] = [" "] * (b - a)
    rest = [w.strip(" ?？!！,，。.") for w in lex.tokenizer.lcut("".join(text))]
    return not any(w and w.lower() not in C.GLUE and w not in C.FILLER and not _WE.fullmatch(w) for w in rest)


def _counted_thing(st: Any, lex: Lexicon) -> str | None:
    """The dataset of the one thing word the question consists of (客户, suppliers, 研发项目), else None."""
    ms = [m for m in st.mentions if m.kind != "time"]
    if len(ms) != 1 or ms[0].kind not in ("dim", "entity", "dataset"):
        return None
    text = list(st.t.text)
    spans = [(ms[0].start, ms[0].end), *((h.start, h.end) for h in st.ranges),
             *((x.start(), x.end()) for k in ("COUNT", "TOTAL") for x in st.cue.get(k, []))]
    for a, b in spans:
        text[a:b] = [" "] * (b - a)
    rest = [w.strip(" ?？!！,，。.") for w in lex.tokenizer.lcut("".join(text))]
    if any(w and w.lower() not in C.GLUE and w not in C.FILLER and not _WE.fullmatch(w) for w in rest):
        return None  # 下过单的客户, 新开了多少家客户, 立项了多少个项目: the question says which
    e = ms[0].entries[0]
    return str(e.key) if ms[0].kind == "dataset" else (e.key[0] if isinstance(e.key, tuple) else None)


def activity_counts(lex: Lexicon, ds: str) -> list[str | dict[str, Any]]:
    """Counts of the thing by what it did: per dataset the thing fans out to (by its key) and that is dated,
    the model's distinct count of that key there (客户 → 下单客户数), else an ad-hoc one."""
    out: list[str | dict[str, Any]] = []
    for step in lex.index.edges.get(ds, []):
        if not step.fans_out or len(step.right_fields) != 1 or not lex.index.time_fields(step.right):
            continue
        fk = step.right_fields[0]
        named = [n for n, m in lex.index.metrics.items() if m.dataset == step.right and not m.hidden
                 and m.agg == "count_distinct" and (m.expr or "").strip() == fk]
        if named:
            out.append(named[0])
            continue
        a, d = lex.index.datasets[step.right], lex.index.datasets[ds]
        out.append({"name": f"{step.right}_{fk}_count", "field": f"{step.right}.{fk}", "aggregate": "count_distinct",
                    "label": f"有{a.label or step.right}的{d.label or ds}数"})
    return out


def _rows_or_activity(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """我们有多少客户, 今年有多少家供应商: only the thing and a count word are said, and the thing is both rows
    on file and something counted by what it did (customers who ordered, suppliers bought from). Asked when
    a period is given (created in it, or active in it) or when the count read is the active one; the rows on
    file alone, undated (我们一共有多少家供应商), are answered."""
    if (len(frame.metrics) != 1 or frame.dims or frame.where or frame.having or frame.computes or frame.order
            or not _count_asked(st.t.text) and not st.cue.get("COUNT") or content_unknowns(st.unknown)):
        return None
    ds = _counted_thing(st, lex)
    rows = count_item(lex, ds) if ds else None
    if ds is None or rows is None:
        return None
    active = activity_counts(lex, ds)
    rows_name = rows if isinstance(rows, str) else rows["name"]
    names = [x if isinstance(x, str) else x["name"] for x in active]
    if frame.metrics[0] not in (rows_name, *names):
        return None  # 一共有多少条产线: the values of a field are counted, not the things
    if not active or (frame.time_range is None and (frame.metrics[0] == rows_name or st.cue.get("TOTAL"))):
        return None  # undated: the rows on file, or the count read when a total is asked (一共有多少个客户)
    choices: list[Choice] = []
    alt = _with_metric(frame, rows)
    if not lex.index.time_fields(ds):  # undated rows (suppliers on file): the whole file
        alt.time_range = None
    _add(choices, st, alt, note=None)
    for item in active[:2]:
        _add(choices, st, _with_metric(frame, item), note=None)
    if len(choices) < 2:
        return None
    d = lex.index.datasets[ds]
    label, label_en = d.label or ds, d.label_en or ds
    return {"text": f"「{label}」是指档案里的{label}，还是有业务往来的{label}？请选择：",
            "text_en": f"“{label_en}”: the ones on file, or the ones with activity? Which one do you mean?",
            "choices": choices[:3]}


# ── 5b. the things or their lines ───────────────────────────────────────────────────────────
def _things_or_lines(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """今年有多少订单: only the thing's loose word, a count word and a period, and the count read counts one
    part of a composite key (订单号 of 订单号 + 行号): the distinct things, or the rows (lines)? A total asked
    (今年总共有多少订单) is answered as read."""
    if (len(frame.metrics) != 1 or frame.dims or frame.where or frame.having or frame.computes or frame.order
            or st.cue.get("TOTAL") or content_unknowns(st.unknown)):
        return None
    ms = [m for m in st.mentions if m.kind != "time"]
    if len(ms) != 1 or ms[0].kind not in ("metric", "entity", "dataset") or ms[0].entries[0].exact:
        return None  # 订单数 names the count itself
    md = lex.index.metrics.get(frame.metrics[0])
    d = lex.index.datasets.get(md.dataset or "") if md is not None else None
    if md is None or d is None or md.agg != "count_distinct" or len(d.primary_key or []) < 2 or (
            (md.expr or "").strip() not in d.primary_key) or not _only(st, lex, ms[0]):
        return None
    rows = {"name": f"{d.name}_rows", "field": f"{d.name}.{d.primary_key[-1]}", "aggregate": "count",
            "label": f"{d.label or d.name}行数"}
    choices: list[Choice] = []
    _add(choices, st, frame, note=None)
    _add(choices, st, _with_metric(frame, rows), note=None)
    if len(choices) < 2:
        return None
    word = ms[0].term
    return {"text": f"「{word}」是按{lex.field_label(d.name, md.expr.strip())}数（去重），还是按明细行数？请选择：",
            "text_en": f"“{word}”: distinct {lex.field_label(d.name, md.expr.strip(), True)}, or rows (lines)?",
            "choices": choices}


def _all_or_subset(st: Any, lex: Lexicon, frame: Frame, spec: dict[str, Any]) -> dict[str, Any] | None:
    """我们有多少专利: only the thing's word and a count word, read as the thing's plain count, while the model
    also counts a named subset of the same rows (授权专利数: the granted ones). Choices: all, the subsets."""
    if (len(frame.metrics) != 1 or frame.dims or frame.where or frame.having or frame.computes or frame.order
            or st.cue.get("TOTAL") or content_unknowns(st.unknown)):
        return None
    ms = [m for m in st.mentions if m.kind != "time"]
    if len(ms) != 1 or ms[0].kind not in ("entity", "dataset") or ms[0].entries[0].exact:
        return None
    md = lex.index.metrics.get(frame.metrics[0])
    if md is None or md.agg not in ("count", "count_distinct") or md.filter or not _only(st, lex, ms[0]):
        return None
    subsets = [n for n, m in lex.index.metrics.items() if m.dataset == md.dataset and not m.hidden
               and m.agg == md.agg and m.filter and any(normalize(ms[0].term) in normalize(w)
                                                         for w in [m.label, *m.synonyms] if w)]
    choices: list[Choice] = []
    _add(choices, st, frame, note=None)
    for name in subsets[:2]:
        _add(choices, st, _with_metric(frame, name), note=None)
    if len(choices) < 2:
        return None
    return {"text": f"「{ms[0].term}」是指全部，还是其中的一部分？请选择：",
            "text_en": f"All “{ms[0].term}”, or a part of them? Which one do you mean?", "choices": choices}


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


# ── choices ─────────────────────────────────────────────────────────────────────────────────
def _with_metric(frame: Frame, item: str | dict[str, Any]) -> Frame:
    alt = frame.copy()
    name = item if isinstance(item, str) else item["name"]
    alt.replace_metrics([name])
    if isinstance(item, dict):
        alt.items[name] = item
    return alt


def _add(choices: list[Choice], st: Any, frame: Frame, note: str | None) -> None:
    """Append the reading as a choice when its spec is new and resolves against the model (its frame is kept
    in st.choice_frames, for ParseResult.chosen)."""
    spec = frame.to_spec()
    if spec is None or any(c["spec"] == spec for c in choices) or not runnable(spec, st.lex, st.today):
        return
    zh, en = describe(frame, st.lex, st.today)
    if note:
        zh, en = f"{zh}（不考虑「{note}」）", f"{en} (without “{note}”)"
    choices.append({"text": zh, "text_en": en, "spec": spec})
    st.choice_frames.append(frame)


_RUNNABLE: dict[tuple[int, dt.date, str], tuple[Any, bool]] = {}  # (id(index), today, spec) → (index, resolves)


def runnable(spec: dict[str, Any], lex: Lexicon, today: dt.date) -> bool:
    """The spec validates and resolves against the model (as the system; no SQL is run). Remembered per
    model index, day and spec (resolving takes ~2 ms)."""
    from shuzhi.spec.query_spec import parse_spec
    from shuzhi.spec.resolve import UserContext, resolve

    key = (id(lex.index), today, json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str))
    known = _RUNNABLE.get(key)
    if known is not None and known[0] is lex.index:  # the same model object, not a new one at a reused id
        return known[1]
    if len(_RUNNABLE) > 4096:
        _RUNNABLE.clear()
    try:
        resolve(parse_spec(spec), lex.index, UserContext.system(), today)
        ok = True
    except Exception:  # noqa: BLE001 - any refusal means this reading cannot be offered
        ok = False
    _RUNNABLE[key] = (lex.index, ok)
    return ok


__all__ = ["best_without_metric", "choose", "clarification", "close_readings", "content_unknowns", "count_item", "qualifier_words",
           "runnable"]
