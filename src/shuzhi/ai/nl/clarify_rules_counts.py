"""Clarify rules about counts (docs/ask-clarify.md, rules 3, 5 and 5b): a count answered by an amount (商机多少个),
the things on file or the things active (我们有多少客户, 今年有多少家供应商), the distinct things or their lines
(今年有多少订单: 订单号 of 订单号 + 行号), and all of a thing or a named subset (我们有多少专利: 授权专利).

Each `_rule(st, lex, frame, spec)` returns a question back with 2–3 runnable choices, or None to let the next rule
try. Invariant: the file-or-activity rules ask only when the question is the thing's word, a count word, a period,
glue and filler (`_only`, `_counted_thing`); a total asked or an undated file count is answered as read.
"""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.clarify_choices import (
    Choice,
    _add,
    _count_asked,
    _with_metric,
    content_unknowns,
    count_item,
)
from shuzhi.ai.nl.frame import Frame
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Mention

_AMOUNT_FORMATS = ("currency", "percent", "percentage")


# ── 3. a count answered by an amount ────────────────────────────────────────────────────────
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
