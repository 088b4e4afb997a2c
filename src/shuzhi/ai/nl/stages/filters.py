"""Stage: the conditions gathered from values and yes/no words → where (=, in, !=, not_in); one value
asked as a share (华东占全公司的比例) or several compared (电商和经销对比) also split by their field."""

from __future__ import annotations

from shuzhi.ai.nl.context_ratio import filtered_share
from shuzhi.ai.nl.grounding import fname
from shuzhi.ai.nl.stages.state import ParseState


def filters(st: ParseState) -> None:
    parts, cue, frame_metrics = st.parts, st.cue, st.frame_metrics
    for (ds, f), (pos, negs) in st.conds.items():
        name = fname((ds, f))
        pos, negs = list(dict.fromkeys(pos)), list(dict.fromkeys(negs))
        own_share = isinstance(pos[0], bool) and bool(frame_metrics) and bool(
            filtered_share(st.lex, frame_metrics[0], {"field": name, "op": "=", "value": pos[0]})) if pos else False
        if pos and cue["SHARE"] and len(pos) == 1 and not negs and not parts.dims and not own_share:
            # 华东占全公司的比例 / 库存里新品占多少: the share of one value among all of its field (unless the
            # model has that share as a metric of its own: 新品占收入的比例 → new_product_revenue_share)
            parts.dims.append(name)
        elif pos:
            parts.where.append({"field": name, "op": "=", "value": pos[0]} if len(pos) == 1
                               else {"field": name, "op": "in", "values": pos})
            if len(pos) > 1 and (cue["COMPARE"] or cue["WHICH"]) and not parts.dims:
                parts.dims.append(name)  # 电商和经销对比 / 伺服电机和滚珠丝杠哪个卖得多: side by side
        if negs:
            parts.where.append({"field": name, "op": "!=", "value": negs[0]} if len(negs) == 1
                               else {"field": name, "op": "not_in", "values": negs})
