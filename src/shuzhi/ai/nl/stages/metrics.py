"""Stage: the asked metrics — metric words in order, else (多少客户 / how many patents) the count metric
of the thing or dataset counted, unless an unknown word says another thing is counted."""

from __future__ import annotations

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.context import counts_other, dataset_count_metric
from shuzhi.ai.nl.grounding import count_metric
from shuzhi.ai.nl.stages.state import ParseState


def metrics(st: ParseState) -> None:
    lex, t, parts, mentions, cue = st.lex, st.t, st.parts, st.mentions, st.cue
    st.metric_ms = [m for m in mentions if m.kind == "metric"]
    for m in st.metric_ms:
        name = m.entries[0].key
        if name not in parts.metrics:
            parts.metrics.append(name)
    previous = st.follow_frame
    st.frame_metrics = parts.metrics or (previous.metrics if previous is not None else [])

    # count fallback: 多少客户 / how many customers
    if not st.frame_metrics and (cue["COUNT"] or C.MOST_FEWEST.search(t.text) or "分布" in t.text):
        for i, m in enumerate(mentions):
            if m.kind in ("dim", "entity"):
                cm = count_metric(lex, m, new=bool(C.NEW.search(t.masked())))
                if cm and not counts_other(lex, t.text, m, cue["COUNT"]):
                    parts.metrics.append(cm)
                    st.consumed.add(i)
                    break
        if not parts.metrics:  # 多少项专利 / how many patents: the dataset's plain count metric
            cm = next((c for x in mentions if x.kind == "dataset" and not counts_other(lex, t.text, x, cue["COUNT"])
                       and (c := dataset_count_metric(lex, str(x.entries[0].key)))), None)
            if cm:
                parts.metrics.append(cm)
        st.frame_metrics = parts.metrics
