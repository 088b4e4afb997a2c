"""Stage: dimension words → group by the field the asked metrics reach (pick_dim); a yes/no field
without a group word is a condition (国内供应商); a word naming a value's kind (电商渠道) or where a thing
is (仓库里) qualifies rather than splits; 谁 groups by the person field the metric reaches."""

from __future__ import annotations

import re

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.grounding import (
    NOT_YET,
    fits,
    fname,
    name_field,
    pick_dim,
    qualifies,
    splittable_by,
    unreachable_reason,
)
from shuzhi.ai.nl.lexicon import GROUP_PREFIXES, WHICH_PREFIXES
from shuzhi.ai.nl.stages.state import ParseState

_OTHER = re.compile(r"(?:其他|其它|其余|别的|剩下的?)的?\s*$")
_TOTAL = re.compile(r"一共|总共|合计|总计|加起来|\btotal\b|\baltogether\b|\bacross\b|\bcombined\b")
_ALL_OF = re.compile(r"(?:所有|全部|全体|整个)的?\s*$|\ball(?: of)?(?: the| our)?\s+$")


def dimensions(st: ParseState) -> None:
    lex, t, parts, mentions, cue, frame_metrics = st.lex, st.t, st.parts, st.mentions, st.cue, st.frame_metrics
    group_ends = [x.end() for x in cue["GROUP"]]
    wants_group = bool(cue["TOP_DESC"] or cue["TOP_ASC"] or cue["SUPER_DESC"] or cue["SUPER_ASC"] or cue["RANK"]
                       or st.conditions or cue["WHICH"] or cue["GROW_FAST"] or cue["DROP_FAST"] or cue["SHARE"])
    for i, m in enumerate(mentions):
        if m.kind != "dim" or i in st.consumed:
            continue
        marker = any(0 <= m.start - e <= 1 for e in group_ends) or m.term.startswith(GROUP_PREFIXES + WHICH_PREFIXES)
        cands = [e.key for e in m.entries]
        key, others = pick_dim(lex, cands, frame_metrics, st.context_ds)
        if key is None:  # 按仓库看库存周转率: say which input has no path to the field
            st.unknown.append({"text": m.term, "reason": unreachable_reason(lex, cands, frame_metrics),
                               "suggestions": splittable_by(lex, frame_metrics, en=m.term.isascii())})
            continue
        fd = lex.index.fields.get(key)
        if fd is not None and fd.type == "boolean" and not marker and m.term not in lex.both_sides:
            neg = any(0 <= m.start - e <= 2 for s, e in st.neg_spans)
            no = NOT_YET.search(t.text[max(0, m.start - 4):m.start])
            if no and not any(t.taken[m.start - len(no.group(0)):m.start]):  # 没有产业化 / 还未转化: the flag is false
                t.take(m.start - len(no.group(0)), m.start)
                neg = not neg
            st.conds.setdefault(key, ([], []))[0].append(not neg)
            continue
        if not marker and not wants_group and qualifies(t.text, m, mentions, st.value_fields):
            st.value_fields[i] = key if key[0] else (next(iter(m.entries)).key)
            continue
        if not marker and not wants_group and C.INSIDE.match(t.text, m.end):
            continue  # 仓库里压了多少货: where the thing is, not a breakdown
        if not marker and not wants_group and _OTHER.search(t.text[max(0, m.start - 4):m.start]) and _TOTAL.search(t.text):
            continue  # 除了轴承钢，其他物料一共采购了多少: the rest of the field's values, not a breakdown
        total = _TOTAL.search(t.text)
        if not marker and _ALL_OF.search(t.text[max(0, m.start - 6):m.start]) and total:
            if not any(t.taken[total.start():total.end()]):
                t.take(total.start(), total.end())
            continue  # 所有仓库一共有多少库存 / across all warehouses: the total over them, not a breakdown
        if others:
            st.ambiguous.append((fname(key), others))
        name = fname(key)
        if name not in parts.dims:
            parts.dims.append(name)
    ranked = cue["TOP_DESC"] or cue["TOP_ASC"] or cue["SUPER_DESC"] or cue["SUPER_ASC"] or cue["RANK"]
    if ranked and not parts.dims and frame_metrics:  # 预算最高的5个研发项目: the things ranked, by their name
        for i, m in enumerate(mentions):
            if m.kind not in ("dataset", "entity") or i in st.consumed or not m.entries:
                continue
            ds = str(m.entries[0].key)
            name = name_field(lex, ds)
            if name is not None and fits(lex, ds, frame_metrics):
                parts.dims.append(f"{ds}.{name}")
                break
    if st.who and not parts.dims and frame_metrics:  # 谁的赢单率最高: the person field the metric reaches
        key, _ = pick_dim(lex, list(lex.person_fields), frame_metrics, st.context_ds)
        if key is not None:
            parts.dims.append(fname(key))
