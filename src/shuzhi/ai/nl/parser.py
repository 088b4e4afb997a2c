"""Question → QuerySpec: a deterministic, offline parser over the semantic model.

Pipeline over the normalised question (each step masks what it understood, so later steps never
re-read it): numeric conditions (大于100万) → time expressions → dictionary scan of metrics,
dimensions and values (longest match first) → cue words (前五, 占比, 同比, 按, 除了 …) → what is left
is tokenised with jieba and reported as not understood. The findings become `Parts`, which are
applied to an empty Frame, or to the previous answer's Frame for a follow-up.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.context import (
    compound_unknowns,
    counted_things,
    counts_other,
    dataset_count_metric,
    drop_qualifier_metrics,
    entity_qualifiers,
    filtered_share,
    flip_for_lower_is_better,
    ground_partials,
    numerator_share,
    ratio_metrics,
    shift_year,
)
from shuzhi.ai.nl.frame import TIME, Frame, spec_alternatives, trend_grain
from shuzhi.ai.nl.grounding import (
    count_metric,
    fname,
    having_hits,
    pick_dim,
    pick_value,
    qualifies,
    splittable_by,
    unreachable_reason,
)
from shuzhi.ai.nl.lexicon import GROUP_PREFIXES, WHICH_PREFIXES, Lexicon, normalize
from shuzhi.ai.nl.numbers import cn_int
from shuzhi.ai.nl.timeexpr import find_time
from shuzhi.ai.nl.types import Entry, Mention, ParseResult, Parts, Text
from shuzhi.ai.nl.unknown import chunks, suggest, unknown_words
from shuzhi.spec.time_ranges import relative_range

_PCT_FORMATS = ("percent", "percentage")
_MARK = re.match(r"", "")  # a cue read from context rather than from a word of its own


def parse_question(question: str, lex: Lexicon, today: dt.date | None = None,
                   previous: ParseResult | None = None, *, _text: str | None = None) -> ParseResult:
    today = today or _today()
    t = Text(_text if _text is not None else normalize(question))
    unknown: list[dict[str, Any]] = []
    ambiguous: list[tuple[str, list[str]]] = []
    parts = Parts()

    conditions = having_hits(t)
    # 比去年 / vs last year compare with last year: not a time range
    early_yoy = [m for m in C.YOY.finditer(t.masked()) if re.search("去年|last year|变化", m.group())]
    early_pop = [m for m in C.POP.finditer(t.masked()) if "变化" in m.group()]  # 环比变化 is not a trend
    # 比上个月 / than last month compare with the previous period: not a second time range
    early_pm = [m for m in C.POP_MONTH.finditer(t.masked()) if re.search("上|前|last", m.group())]
    early_pq = [m for m in C.POP_QUARTER.finditer(t.masked()) if re.search("上|last", m.group())]
    early_diff = list(C.EARLY_DIFF.finditer(t.masked()))  # 多卖了多少钱: 多 before the verb's metric word
    for m in early_yoy + early_pop + early_pm + early_pq + early_diff:
        t.take(m.start(), m.end())
    ranges = []
    same_period = False
    which_time: list[re.Match[str]] = []
    for h in find_time(t.masked(), today):
        t.take(h.start, h.end)
        if h.kind == "range":
            ranges.append(h)
        elif h.kind == "grain":
            parts.grain = h.grain
            if t.text[h.start] == "哪":  # 哪个月卖得最多: which period → the top one
                which_time = list(C.WHICH.finditer(t.text[h.start:h.end]))
        elif h.kind == "trend":
            parts.trend = True
        else:
            same_period = True
    mentions = [Mention(s, e, term, _kind(ents), ents) for s, e, term, ents in lex.scan(t.text, t.taken)]
    for m in mentions:
        t.take(m.start, m.end)
    # 研发投入占营业收入的比例 → rd_intensity; 商机赢单率 → win_rate (商机 only qualifies it)
    mentions = ratio_metrics(lex, t, mentions)
    mentions = drop_qualifier_metrics(lex, t.text, mentions)
    # 层级, 成功率: partial words, grounded by what else the question asks
    partials = [Mention(s, e, term, "partial", ents) for s, e, term, ents in lex.scan_partial(t.text, t.taken)]
    mentions = ground_partials(lex, mentions, partials)
    for m in mentions:
        t.take(m.start, m.end)
    mentions, unknown_compounds, compound_spans = compound_unknowns(lex, t, mentions)
    mentions = entity_qualifiers(lex, t.text, mentions)
    mentions = counted_things(lex, t.text, mentions)
    context_ds = {m.entries[0].key for m in mentions if m.kind == "dataset"}
    cue = {name: t.find(getattr(C, name)) for name in (
        "GROW_FAST", "DROP_FAST", "DIFF", "DECLINED", "ROSE", "TOP_DESC", "TOP_ASC", "RANK", "YOY", "POP_MONTH", "POP_QUARTER", "POP_WEEK",
        "POP", "SHARE", "CUMUL", "GROWTH", "SUPER_DESC", "SUPER_ASC", "WHICH", "COUNT", "TOTAL", "LISTING",
        "COMPARE", "NEG", "GROUP", "NUM_UNIT")}
    cue["YOY"] += early_yoy
    cue["WHICH"] += which_time
    cue["POP"] += early_pop
    cue["POP_MONTH"] += early_pm
    cue["POP_QUARTER"] += early_pq
    cue["DIFF"] += early_diff
    # 各研发层级的研发投入占比: a ratio synonym ending in 占比 with a split only its numerator takes is that
    # numerator's share across the split
    if numerator_share(lex, mentions):
        cue["SHARE"].append(_MARK)
    # 下降的产品: a change as an adjective on the thing asked for filters on the change
    cue["CHANGE_ADJ"] = [x for x in cue["DECLINED"] + cue["ROSE"] if C.CHANGE_ADJ.fullmatch(x.group())
                         and t.text[x.end():x.end() + 1] == "的"
                         and any(m.kind == "dim" and m.start == x.end() + 1 for m in mentions)]
    who = C.WHO.search(t.text)
    if who:
        cue["WHICH"].append(who)
    if cue["WHICH"] and not (cue["TOP_DESC"] or cue["TOP_ASC"] or cue["SUPER_DESC"] or cue["SUPER_ASC"]):
        # 哪个卖得多 / 哪个更低: which … more / less without 最 asks for the top (bottom) one
        for pat, name in ((C.WHICH_MORE, "SUPER_DESC"), (C.WHICH_LESS, "SUPER_ASC")):
            found = t.find(pat)
            if found:
                cue[name] += found
                break
    cue["WHICH_ANY"] = list(cue["WHICH"])  # which customers… (plural) still asks which ones
    cue["WHICH"] = [m for m in cue["WHICH"] if not C.PLURAL_AFTER.match(t.text, m.end())]
    cue["WHICH"] += [w for m in mentions if m.kind == "dim" and (w := C.WHICH.match(m.term))
                     and w.group() in ("哪个", "哪条", "哪家")]
    is_follow = previous is not None and previous.frame is not None and (
        bool(C.FOLLOW.search(t.text)) or not any(m.kind == "metric" for m in mentions))
    if is_follow:
        parts.add = bool(C.ADD.search(t.text)) and not C.REPLACE.search(t.text)
    for pat in (C.FOLLOW, C.ADD, C.REPLACE):
        t.find(pat)

    # time range
    if ranges:
        if len(ranges) == 1:
            parts.time_range = dict(ranges[0].range or {})
        else:
            spans = [r.dates(today) for r in ranges]
            s, e = min(x[0] for x in spans), max(x[1] for x in spans)
            parts.time_range = {"start": s.isoformat(), "end": e.isoformat()}
            if not parts.grain:
                days = min((x[1] - x[0]).days for x in spans)
                parts.grain = "year" if days > 200 else "quarter" if days > 60 else "month" if days > 20 else "day"
    if same_period:
        if ranges:
            parts.computes.append("yoy")
        elif is_follow and previous and previous.frame and previous.frame.time_range:
            parts.time_range = shift_year(previous.frame.time_range, today)  # 再看看去年同期
        else:
            parts.time_range = {"start": dt.date(today.year - 1, 1, 1).isoformat(),
                                "end": _minus_year(today).isoformat()}

    # metrics
    metric_ms = [m for m in mentions if m.kind == "metric"]
    for m in metric_ms:
        name = m.entries[0].key
        if name not in parts.metrics:
            parts.metrics.append(name)
    frame_metrics = parts.metrics or (previous.frame.metrics if is_follow and previous and previous.frame else [])

    # count fallback: 多少客户 / how many customers
    consumed: set[int] = set()
    if not frame_metrics and (cue["COUNT"] or C.MOST_FEWEST.search(t.text) or "分布" in t.text):
        for i, m in enumerate(mentions):
            if m.kind in ("dim", "entity"):
                cm = count_metric(lex, m, new=bool(C.NEW.search(t.masked())))
                if cm and not counts_other(lex, t.text, m, cue["COUNT"]):
                    parts.metrics.append(cm)
                    consumed.add(i)
                    break
        if not parts.metrics:  # 多少项专利 / how many patents: the dataset's plain count metric
            cm = next((c for x in mentions if x.kind == "dataset" and not counts_other(lex, t.text, x, cue["COUNT"])
                       and (c := dataset_count_metric(lex, str(x.entries[0].key)))), None)
            if cm:
                parts.metrics.append(cm)
        frame_metrics = parts.metrics

    # values → filters
    boundaries = sorted([(m.start, m.end) for m in mentions] + [(r.start, r.end) for r in ranges]
                        + [(s, e) for s, e, _, _ in conditions])
    neg_spans = [(x.start(), x.end()) for x in cue["NEG"]]
    conds: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {}
    prev_neg_end = -10
    value_fields: dict[int, tuple[str, str]] = {}
    grouped = {e.key for m in mentions if m.kind == "dim" for e in m.entries}
    for i, m in enumerate(mentions):
        if m.kind != "value":
            continue
        siblings = {f for x in mentions if x is not m and x.kind == "value"
                    and len(fs := {e.key[:2] for e in x.entries if e.kind == "value"}) == 1 for f in fs}
        key, others = pick_value(lex, m.entries, frame_metrics, grouped, siblings)
        if key is None:
            fields = list(dict.fromkeys(e.key[:2] for e in m.entries if e.kind == "value"))
            reason = unreachable_reason(lex, fields, frame_metrics, filtering=True) if frame_metrics else \
                "这个值不能用于所问的指标 / this value does not apply to the metric"
            unknown.append({"text": m.term, "reason": reason, "suggestions": []})
            continue
        if others:
            ambiguous.append((fname(key[:2]), others))
        ds, f, v = key
        prev_end = max([e for s, e in boundaries if e <= m.start], default=0)
        neg = any(prev_end <= s and e <= m.start for s, e in neg_spans)
        neg = neg or any(s >= m.end and t.text[m.end:s] in ("", "的", "给") and t.text[s:e] in C.POST_NEG
                         for s, e in neg_spans)
        neg = neg or (prev_neg_end >= 0 and bool(C.CONJ.match(t.text[prev_neg_end:m.start])))
        prev_neg_end = m.end if neg else -10
        pos_vals, neg_vals = conds.setdefault((ds, f), ([], []))
        (neg_vals if neg else pos_vals).append(v)
        value_fields[i] = (ds, f)

    # dimensions
    group_ends = [x.end() for x in cue["GROUP"]]
    wants_group = bool(cue["TOP_DESC"] or cue["TOP_ASC"] or cue["SUPER_DESC"] or cue["SUPER_ASC"] or cue["RANK"]
                       or conditions or cue["WHICH"] or cue["GROW_FAST"] or cue["DROP_FAST"] or cue["SHARE"])
    for i, m in enumerate(mentions):
        if m.kind != "dim" or i in consumed:
            continue
        marker = any(0 <= m.start - e <= 1 for e in group_ends) or m.term.startswith(GROUP_PREFIXES + WHICH_PREFIXES)
        cands = [e.key for e in m.entries]
        key, others = pick_dim(lex, cands, frame_metrics, context_ds)
        if key is None:  # 按仓库看库存周转率: say which input has no path to the field
            unknown.append({"text": m.term, "reason": unreachable_reason(lex, cands, frame_metrics),
                            "suggestions": splittable_by(lex, frame_metrics, en=m.term.isascii())})
            continue
        fd = lex.index.fields.get(key)
        if fd is not None and fd.type == "boolean" and not marker and m.term not in lex.both_sides:
            neg = any(0 <= m.start - e <= 2 for s, e in neg_spans)
            conds.setdefault(key, ([], []))[0].append(not neg)
            continue
        if not marker and not wants_group and qualifies(t.text, m, mentions, value_fields):
            value_fields[i] = key if key[0] else (next(iter(m.entries)).key)
            continue
        if not marker and not wants_group and C.INSIDE.match(t.text, m.end):
            continue  # 仓库里压了多少货: where the thing is, not a breakdown
        if others:
            ambiguous.append((fname(key), others))
        name = fname(key)
        if name not in parts.dims:
            parts.dims.append(name)
    if who and not parts.dims and frame_metrics:  # 谁的赢单率最高: the person field the metric reaches
        key, _ = pick_dim(lex, list(lex.person_fields), frame_metrics, context_ds)
        if key is not None:
            parts.dims.append(fname(key))
    for (ds, f), (pos, negs) in conds.items():
        name = fname((ds, f))
        pos, negs = list(dict.fromkeys(pos)), list(dict.fromkeys(negs))
        own_share = isinstance(pos[0], bool) and bool(frame_metrics) and bool(
            filtered_share(lex, frame_metrics[0], {"field": name, "op": "=", "value": pos[0]})) if pos else False
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

    # numeric conditions on metrics
    for s, _e, op, value in conditions:
        before = [m for m in metric_ms if m.end <= s]
        after = [m for m in metric_ms if m.start >= s]
        target = before[-1].entries[0].key if before else after[0].entries[0].key if after else None
        parts.having.append((target, op, value))

    # comparisons, order, limit
    explicit_grain = parts.grain
    _order_and_computes(parts, cue)
    if parts.grain and not explicit_grain and parts.time_range and _one_period(parts.time_range, parts.grain, today):
        parts.grain = None  # 上个月订单数环比 / orders last month, month over month: one row, not a series
    if "percent_of_total" in parts.computes and len(parts.metrics) == 1 and not parts.dims and len(parts.where) == 1:
        share = filtered_share(lex, parts.metrics[0], parts.where[0])
        if share:  # 新品占销售额的比例: the model's own share metric, not a filtered percent of total
            parts.metrics, parts.where = [share], []
            parts.computes.remove("percent_of_total")
    if (("pop" in parts.computes or "pop_value" in parts.computes) and not explicit_grain and not parts.time_range and not is_follow
            and (parts.dims or parts.order)):
        # 销售额环比增长最快的产品线: the latest complete period against the one before it
        period = "quarter" if cue["POP_QUARTER"] else "week" if cue["POP_WEEK"] else "month"
        parts.grain = None
        parts.time_range = {"relative": f"last_{period}"}
    flip_for_lower_is_better(lex, parts, cue, frame_metrics)

    frame = previous.frame.copy() if is_follow and previous and previous.frame else Frame()
    _apply(frame, parts, is_follow, lex)

    # what was not understood
    unknown += unknown_compounds
    for s, e in chunks(t):
        unknown += unknown_words(lex, t.text[s:e])
    if unknown and _text is None:  # one wrong character or letter: repair it and read the question again
        soft = [(m.start, m.end) for m in mentions if m.kind in ("metric", "dim", "value", "entity")]
        free = [not x for x in t.taken]
        for s, e in compound_spans:
            free[s:e] = [True] * (e - s)
        fix = lex.correct(t.text, free, soft)
        if fix is not None:  # never silent: the repair is reported and costs confidence
            fixed, wrong, right = fix
            r = parse_question(question, lex, today, previous, _text=fixed)
            r.unknown.insert(0, {"text": wrong, "reason": f"按「{right}」理解 / read as {right}", "suggestions": [right]})
            r.confidence = round(max(0.05, r.confidence - 0.25), 2) if r.spec else 0.0
            return r
    spec = frame.to_spec() if frame.metrics else None
    if spec is None and frame.dims and cue["LISTING"]:
        spec = frame.to_spec()
    if spec is None and not any(u.get("reason") == "no_metric" for u in unknown):
        unknown.append({"text": question.strip(), "reason": "no_metric",
                        "message": "没有找到要看的指标 / no metric found in the question",
                        "suggestions": suggest(lex, " ".join(u["text"] for u in unknown) or question)})
    alternatives = spec_alternatives(frame, ambiguous) if spec else []
    confidence = 0.0 if spec is None else max(0.05, min(1.0, 1.0 - 0.25 * len(unknown) - 0.1 * len(ambiguous)
                                                       - (0.15 if any(not m.entries[0].exact for m in metric_ms) else 0)))
    chart = recommend_chart(spec, index=lex.index) if spec else None
    return ParseResult(question, spec, chart, frame.chips(lex, today) if spec else [], unknown, alternatives,
                       round(confidence, 2), frame if spec else None)


def _today() -> dt.date:
    from shuzhi.settings import get_settings

    return get_settings().today_date()


def _minus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _one_period(tr: dict[str, Any], grain: str, today: dt.date) -> bool:
    """The range is one calendar period of `grain` (up to today for the current one)."""
    s, e = relative_range(tr["relative"], today) if "relative" in tr else (
        dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"]))
    if grain == "week":
        return s.weekday() == 0 and (e - s).days <= 6
    months = {"month": 1, "quarter": 3}.get(grain)
    if months is None or s.day != 1 or (s.month - 1) % months:
        return False
    last = s + relativedelta(months=months) - dt.timedelta(days=1)
    return e <= last and (e == last or e == today)


def _kind(entries: list[Entry]) -> str:
    kinds = {e.kind for e in entries}
    for k in ("metric", "value", "dim", "dataset"):
        if k in kinds:
            entries.sort(key=lambda e: (e.kind != k, not e.exact))
            return k
    return "dim"


def _num_of(match: re.Match[str]) -> int | None:
    for g in match.groups():
        if g:
            return cn_int(g)
    return None


def _order_and_computes(parts: Parts, cue: dict[str, list[re.Match[str]]]) -> None:
    pop = bool(cue["POP"] or cue["POP_MONTH"] or cue["POP_QUARTER"] or cue["POP_WEEK"])
    if cue["POP_MONTH"] and not parts.grain:
        parts.grain = "month"
    if cue["POP_QUARTER"] and not parts.grain:
        parts.grain = "quarter"
    if cue["POP_WEEK"] and not parts.grain:
        parts.grain = "week"
    if cue["GROW_FAST"] or cue["DROP_FAST"]:
        kind = "pop" if pop else "yoy"
        parts.computes.append(kind)
        parts.order = (kind, bool(cue["GROW_FAST"]))
    else:
        changed = cue["DECLINED"] or cue["ROSE"]
        if cue["YOY"] or ((cue["GROWTH"] or changed) and not pop):
            parts.computes.append("yoy")
        if pop:
            parts.computes.append("pop")
        if changed and (cue["LISTING"] or cue["WHICH_ANY"] or cue["CHANGE_ADJ"]):
            parts.change_filter = ("pop" if pop else "yoy", "<" if cue["DECLINED"] else ">")
    if cue["DIFF"]:  # 多了多少钱: the difference, not the growth rate
        parts.computes = [f"{k}_value" if k in ("yoy", "pop") else k for k in parts.computes]
    if cue["SHARE"]:
        parts.computes.append("percent_of_total")
    if cue["CUMUL"] and (parts.grain or parts.trend):
        parts.computes.append("cumulative")
    if cue["RANK"]:
        parts.computes.append("rank")
    for name, desc in (("TOP_DESC", True), ("TOP_ASC", False)):
        for m in cue[name]:
            n = _num_of(m)
            if n:
                parts.limit = n
                if parts.order is None:
                    parts.order = ("metric", desc)
                else:
                    parts.order = (parts.order[0], desc if parts.order[0] == "metric" else parts.order[1])
    if parts.order is None:
        if cue["SUPER_ASC"]:
            parts.order = ("metric", False)
        elif cue["SUPER_DESC"] or cue["RANK"]:
            parts.order = ("metric", True)
    if parts.order and parts.limit is None:
        counted = [m for m in cue["NUM_UNIT"]]
        if counted:
            parts.limit = _num_of(counted[0])
        elif cue["WHICH"]:
            parts.limit = 1


def _apply(frame: Frame, p: Parts, follow: bool, lex: Lexicon) -> None:
    if p.metrics:
        if follow and frame.metrics and not p.add:
            frame.replace_metrics(p.metrics)
        else:
            frame.metrics += [m for m in p.metrics if m not in frame.metrics]
    if p.dims:
        time_dims = [d for d in frame.dims if d[0] == TIME]
        keep = [d for d in frame.dims if d[0] != TIME] if (follow and p.add) else []
        if follow and not p.add and not p.grain:
            time_dims = []  # "now by channel": the new dimension replaces the old axis
        frame.dims = time_dims + keep + [(d, None) for d in p.dims if (d, None) not in keep]
    for w in p.where:
        frame.set_condition(w)
    if p.time_range:
        frame.time_range = p.time_range
    if p.grain:
        frame.set_grain(p.grain)
    elif p.trend and not frame.grain():
        frame.set_grain(trend_grain(frame))
    if not frame.metrics:
        return
    first = frame.metrics[0]
    for target, op, value in p.having:
        metric = target or first
        if metric not in frame.metrics:
            frame.metrics.append(metric)
        fmt = lex.index.metrics[metric].format
        vals = value if isinstance(value, list) else [value]
        if fmt in _PCT_FORMATS and any(v > 1 for v in vals):
            vals = [v / 100 for v in vals]
        frame.having = [h for h in frame.having if not (h["field"] == metric and h["op"] == op)]
        frame.having.append({"field": metric, "op": op, "values": vals} if op == "between"
                            else {"field": metric, "op": op, "value": vals[0]})
    for kind in p.computes:
        if (kind, first) not in frame.computes:
            frame.computes.append((kind, first))
        if kind in ("yoy", "yoy_value") and not frame.grain() and not frame.time_range:
            frame.time_range = {"relative": "this_year"}
        if kind in ("pop", "pop_value") and not frame.grain() and not frame.time_range:
            frame.set_grain("month")
    if p.change_filter:
        kind, op = p.change_filter
        out = frame.compute_name(kind, first)
        frame.having = [h for h in frame.having if h["field"] != out] + [{"field": out, "op": op, "value": 0}]
    if p.order:
        what, desc = p.order
        frame.order = (first if what == "metric" else Frame.compute_name(what, first), desc)
    if p.limit:
        frame.limit = p.limit
