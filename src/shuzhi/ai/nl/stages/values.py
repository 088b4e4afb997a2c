"""Stage: values → conditions on the field each value means for the asked metrics (pick_value), negated
after 除了/不含/not or before 以外 (and for values joined to a negated one); a value no asked metric can
be filtered by is reported with the reason."""

from __future__ import annotations

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.grounding import NOT_YET, fname, pick_value, unreachable_reason
from shuzhi.ai.nl.stages.state import ParseState

_OTHER_WORDS = ("其他", "其它", "其余", "别的")


def values(st: ParseState) -> None:
    lex, t, mentions, frame_metrics = st.lex, st.t, st.mentions, st.frame_metrics
    boundaries = sorted([(m.start, m.end) for m in mentions] + [(r.start, r.end) for r in st.ranges]
                        + [(s, e) for s, e, _, _ in st.conditions])
    st.neg_spans = neg_spans = [(x.start(), x.end()) for x in st.cue["NEG"]]
    prev_neg_end = -10
    grouped = {e.key for m in mentions if m.kind == "dim" for e in m.entries}
    for i, m in enumerate(mentions):
        if m.kind != "value":
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if m.term in _OTHER_WORDS and nxt is not None and nxt.kind == "dim" and nxt.start - m.end <= 1 \
                and not {e.key[:2] for e in m.entries} & {e.key for e in nxt.entries}:
            continue  # 其他物料 / 其它大区: "the other …" before a field's word, not the value 其他 of another field
        siblings = {f for x in mentions if x is not m and x.kind == "value"
                    and len(fs := {e.key[:2] for e in x.entries if e.kind == "value"}) == 1 for f in fs}
        key, others = pick_value(lex, m.entries, frame_metrics, grouped, siblings)
        if key is None:
            fields = list(dict.fromkeys(e.key[:2] for e in m.entries if e.kind == "value"))
            reason = unreachable_reason(lex, fields, frame_metrics, filtering=True) if frame_metrics else \
                "这个值不能用于所问的指标 / this value does not apply to the metric"
            st.unknown.append({"text": m.term, "reason": reason, "suggestions": []})
            continue
        if others:
            st.ambiguous.append((fname(key[:2]), others))
        ds, f, v = key
        prev_end = max([e for s, e in boundaries if e <= m.start], default=0)
        neg = any(prev_end <= s and e <= m.start for s, e in neg_spans)
        neg = neg or any(s >= m.end and t.text[m.end:s] in ("", "的", "给") and t.text[s:e] in C.POST_NEG
                         for s, e in neg_spans)
        neg = neg or (prev_neg_end >= 0 and bool(C.CONJ.match(t.text[prev_neg_end:m.start])))
        no = NOT_YET.search(t.text[max(0, m.start - 4):m.start]) if isinstance(v, bool) else None
        if no and not any(t.taken[m.start - len(no.group(0)):m.start]):  # 还未转化的专利: the flag's other side
            t.take(m.start - len(no.group(0)), m.start)
            neg = not neg
        prev_neg_end = m.end if neg else -10
        pos_vals, neg_vals = st.conds.setdefault((ds, f), ([], []))
        (neg_vals if neg else pos_vals).append(v)
        st.value_fields[i] = (ds, f)

