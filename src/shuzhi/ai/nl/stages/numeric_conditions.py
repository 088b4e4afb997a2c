"""Stage: numeric conditions (大于100万, between 10 and 20, 500万以上) are read first and masked."""

from __future__ import annotations

from shuzhi.ai.nl.grounding import having_hits
from shuzhi.ai.nl.stages.state import ParseState


def numeric_conditions(st: ParseState) -> None:
    st.conditions = having_hits(st.t)
