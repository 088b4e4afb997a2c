"""Stage: each numeric condition → having on the metric named just before it (else just after)."""

from __future__ import annotations

from shuzhi.ai.nl.stages.state import ParseState


def metric_conditions(st: ParseState) -> None:
    for s, _e, op, value in st.conditions:
        before = [m for m in st.metric_ms if m.end <= s]
        after = [m for m in st.metric_ms if m.start >= s]
        target = before[-1].entries[0].key if before else after[0].entries[0].key if after else None
        st.parts.having.append((target, op, value))
