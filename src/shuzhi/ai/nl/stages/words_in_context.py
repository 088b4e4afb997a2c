"""Stage: the scanned words read in the context of the whole question (shuzhi.ai.nl.context, context_ratio, context_count, context_things): ratio
metrics, qualifier words, partial words, unknown compounds, entity words, counted things, a flag naming its
thing after a group word (各个新产品), a person word after a superlative (赢单率最高的销售)."""

from __future__ import annotations

from shuzhi.ai.nl.context import (
    compound_unknowns,
    drop_qualifier_metrics,
    entity_qualifiers,
    ground_partials,
    thing_of_measure,
)
from shuzhi.ai.nl.context_count import counted_pieces, counted_things
from shuzhi.ai.nl.context_ratio import ratio_metrics
from shuzhi.ai.nl.context_things import (
    business_verbs,
    everyday_reach,
    flagged_things,
    of_glued,
    person_after_superlative,
    which_thing_measure,
)
from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Mention


def words_in_context(st: ParseState) -> None:
    lex, t = st.lex, st.t
    # 研发投入占营业收入的比例 → rd_intensity; 商机赢单率 → win_rate (商机 only qualifies it)
    mentions = of_glued(lex, t, st.mentions)  # 订单的金额 = 订单金额 (revenue), not the order count
    mentions = ratio_metrics(lex, t, mentions)
    mentions = drop_qualifier_metrics(lex, t.text, mentions)
    mentions = thing_of_measure(lex, t.text, mentions)  # 商机的平均预计金额: whose the measure is
    mentions = which_thing_measure(lex, t.text, mentions)  # 哪个项目预算最多: by project
    # 层级, 成功率: partial words, grounded by what else the question asks
    partials = [Mention(s, e, term, "partial", ents) for s, e, term, ents in lex.scan_partial(t.text, t.taken)]
    mentions = ground_partials(lex, mentions, partials)
    for m in mentions:
        t.take(m.start, m.end)
    mentions, st.unknown_compounds, st.compound_spans = compound_unknowns(lex, t, mentions)
    mentions = entity_qualifiers(lex, t.text, mentions)
    mentions = counted_things(lex, t.text, mentions)
    # 各个新产品: by product, new ones only; 赢单率最高的销售: the salesperson, not revenue
    mentions = flagged_things(lex, t.text, mentions)
    mentions = person_after_superlative(lex, t.text, mentions)
    mentions = everyday_reach(lex, mentions)  # top R&D projects by spend: R&D spend, not purchases
    mentions = counted_pieces(lex, t, mentions)  # 卖出去多少台: the quantity, not the money
    st.mentions = business_verbs(lex, t.text, mentions)  # bought from suppliers: the purchase amount, not revenue
    st.context_ds = {m.entries[0].key for m in st.mentions if m.kind == "dataset"}
