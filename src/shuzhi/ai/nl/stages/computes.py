"""Stage: comparisons (yoy, pop and their differences), share, cumulative, rank, order and limit from
the cue words (an explicit direction, 从高到低 / lowest first, wins); two periods named are one comparison
(one growth number, or side by side with the difference); a one-period range drops the implied grain; the model's own share metric replaces a
filtered percent of total; 环比增长最快 without a time compares the latest complete period; 最差 of a
lower-is-better metric is its highest value."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.ai.nl.context import flip_for_lower_is_better
from shuzhi.ai.nl.context_ratio import filtered_share
from shuzhi.ai.nl.numbers import cn_int
from shuzhi.ai.nl.stages.state import Cues, ParseState
from shuzhi.ai.nl.types import Parts
from shuzhi.spec.time_ranges import relative_range


def computes(st: ParseState) -> None:
    parts, cue, today = st.parts, st.cue, st.today
    explicit_grain = parts.grain
    _each_of_a_flag(st)
    _property_of_a_thing(st)
    _order_and_computes(parts, cue)
    _one_total(st)
    _two_periods(st)
    if parts.grain and not explicit_grain and parts.time_range and _one_period(parts.time_range, parts.grain, today):
        parts.grain = None  # 上个月订单数环比 / orders last month, month over month: one row, not a series
    _share_within(st)
    _share_of_a_member(parts)
    _qualifying_things(st)
    _share_of_the_top(st)
    if "percent_of_total" in parts.computes and len(parts.metrics) == 1 and not parts.dims and len(parts.where) == 1:
        share = filtered_share(st.lex, parts.metrics[0], parts.where[0])
        if share:  # 新品占销售额的比例: the model's own share metric, not a filtered percent of total
            parts.metrics, parts.where = [share], []
            parts.computes.remove("percent_of_total")
    if (("pop" in parts.computes or "pop_value" in parts.computes) and not explicit_grain and not parts.time_range
            and not st.is_follow and (parts.dims or parts.order)):
        # 销售额环比增长最快的产品线: the latest complete period against the one before it
        period = "quarter" if cue["POP_QUARTER"] else "week" if cue["POP_WEEK"] else "month"
        parts.grain = None
        parts.time_range = {"relative": f"last_{period}"}
    flip_for_lower_is_better(st.lex, parts, cue, st.frame_metrics)
    _rate_against_last_year(st)
    _two_members(st)
    _amount_less(st)
    _earlier_side_by_side(st)


def _earlier_side_by_side(st: ParseState) -> None:
    """Revenue this year vs the same period last year / 各产品线销售额和去年同期对比: a comparison with the same period
    a year (or a period) before said with vs / 对比 and no growth or difference word is the two side by side —
    the earlier value shown too (`intent_args["earlier"]`: the service shows it, the value less its difference,
    yoy_value / pop_value added here), with the change kept."""
    parts, cue = st.parts, st.cue
    kinds = [c for c in parts.computes if c in ("yoy", "pop")]
    if len(kinds) != 1 or not cue["COMPARE"] or parts.limit or st.intent_args.get("versus"):
        return
    if any(cue[k] for k in ("GROWTH", "DIFF", "ROSE", "DECLINED", "GROW_FAST", "DROP_FAST")):
        return
    if f"{kinds[0]}_value" not in parts.computes:
        parts.computes.append(f"{kinds[0]}_value")
    st.intent_args["earlier"] = True


_LAST_YEAR_SAID = re.compile(r"(?:比|较|和|跟|与|相比|对比)\s*去年(?!同期|同一时期|的同期|.{0,3}(?:\d|一|二|三|四|五|六|七|八|九|十|前|上|下|底|末|年底))"
                             r"|\bthan last year\b(?! (?:same|so far|to date|at this time))")
_SAME_DATES = re.compile(r"同期|同比|同一时期|截至同|截止同|\bsame period\b|\bso far\b|\bto date\b|\byoy\b|\by/y\b")


def _rate_against_last_year(st: ParseState) -> None:
    """今年毛利率比去年高了多少 / is this year's win rate higher than last year's: a rate (percent metric) of this
    year so far against 去年 said plainly (no 同期 / same period) compares with last year's rate — the whole
    year's (a rate does not grow with the days counted, so the year's rate is what 去年 names); the service
    runs the spec over last year (`intent_args["versus"]`). A total keeps the same dates a year before."""
    parts, text, lex = st.parts, st.t.text, st.lex
    if ("yoy_value" not in parts.computes or len(parts.metrics) != 1 or parts.dims or parts.grain
            or (parts.time_range or {}).get("relative") not in ("this_year", "ytd", "year_to_date")):
        return
    mdef = lex.index.metrics.get(parts.metrics[0])
    if mdef is None or mdef.format not in ("percent", "percentage"):
        return
    if _SAME_DATES.search(text) or not _LAST_YEAR_SAID.search(text):
        return
    this_year = st.today.year
    parts.computes = [c for c in parts.computes if c != "yoy_value"]
    if parts.order and parts.order[0] == "yoy_value":
        parts.order = None
    st.intent_args["versus"] = {"start": dt.date(this_year - 1, 1, 1).isoformat(),
                                "end": dt.date(this_year - 1, 12, 31).isoformat(), "change": "difference"}


_THAN = re.compile(r"比|较|相比|对比|\bthan\b|\bvs\.?|\bversus\b|\bcompared (?:to|with)\b")


def _two_members(st: ParseState) -> None:
    """常州工厂的不良率比苏州工厂高多少 / how much higher is A's defect rate than B's: two members of one field with
    a comparison word between them and a change asked — one number, the first named against the second
    (`intent_args["members"]`: the field and the two values in the order said; the service runs the spec for
    each and answers both values and the difference, or the growth), not the two together; the spec keeps
    both in its filter."""
    parts, cue, text = st.parts, st.cue, st.t.text
    if parts.dims or parts.grain or parts.computes or len(parts.metrics) != 1 or st.is_follow:
        return
    if not (cue["DIFF"] or cue["GROWTH"] or cue["ROSE"] or cue["DECLINED"]):
        return
    pairs = [w for w in parts.where if w.get("op") == "in" and len(w.get("values") or []) == 2]
    if len(pairs) != 1:
        return
    w = pairs[0]
    pos = {}
    for m in st.mentions:
        for e in m.entries:
            if (m.kind == "value" and e.kind == "value" and f"{e.key[0]}.{e.key[1]}" == w["field"]
                    and e.key[2] in w["values"]):
                pos.setdefault(e.key[2], m)
    if len(pos) != 2:
        return
    first, second = sorted(pos.values(), key=lambda m: m.start)
    if not _THAN.search(text[first.end:second.start]):
        return
    order = [next(v for v, m in pos.items() if m is first), next(v for v, m in pos.items() if m is second)]
    st.intent_args["members"] = {"field": w["field"], "values": order,
                                 "change": "difference" if cue["DIFF"] or not cue["GROWTH"] else "growth"}


_LESS = re.compile(r"(?:少|低|小)了?多少|\bhow much (?:less|lower)\b|\bhow much (?:did|has|have) .{1,40}?\b(?:drop|fall|fell|decline|shrink)\b")


def _amount_less(st: ParseState) -> None:
    """10月销售额比9月少了多少 / how much less than last year: the difference asked as the amount less — the
    earlier value minus the later — so the answer's difference (yoy_value / pop_value, or the service's `versus`)
    is shown as 少了 / less with its magnitude (`intent_args["less"]`; a value that rose instead shows negative)."""
    parts = st.parts
    differs = any(c in ("yoy_value", "pop_value") for c in parts.computes) or any(
        (st.intent_args.get(k) or {}).get("change") == "difference" for k in ("versus", "members"))
    if differs and st.cue["DIFF"] and _LESS.search(st.t.text) and not re.search(r"(?:多|高|大)了?多少|\bhow much (?:more|higher)\b", st.t.text):
        st.intent_args["less"] = True


_CHANGE = ("yoy", "pop", "yoy_value", "pop_value")
_EACH = re.compile(r"(?:各个|各|每一个|每个|每一款|每款|每一家|每家|\beach\b|\bevery\b)\s*(?:的)?\s*$")



def _each_of_a_flag(st: ParseState) -> None:
    """各个新产品的销售额 / revenue of each new product: 各 before a yes/no field's word asks for each such
    thing — grouped by the thing's name (products.product_name) and kept to the flag — not split by the flag
    (按是否新品, 新老产品 still split by it)."""
    lex, parts = st.lex, st.parts
    for m in st.mentions:
        if m.kind != "dim" or m.term in lex.both_sides:
            continue
        before = st.t.text[:m.start]
        each = bool(_EACH.search(before + (m.term[:2] if m.term.startswith(("各", "每")) else "")))
        whether = bool(re.search(r"是否\s*$|\bwhether\b\s*(?:it is\s*)?(?:a\s*)?$", before))
        if not (each or whether):
            continue
        for e in m.entries:
            key = e.key
            fd = lex.index.fields.get(key) if isinstance(key, tuple) else None
            if fd is None or fd.type != "boolean":
                continue
            name = f"{key[0]}.{key[1]}"
            flag = {"field": name, "op": "=", "value": True}
            if whether:  # 按是否新品: split by the flag itself
                parts.where = [w for w in parts.where if w != flag]
                if name not in parts.dims:
                    parts.dims.append(name)
                break
            label = _name_field(lex, key[0])
            if label is None or not (name in parts.dims or flag in parts.where):
                continue
            parts.dims = [d for d in parts.dims if d != name]
            if label not in parts.dims:
                parts.dims.append(label)
            if flag not in parts.where:
                parts.where.append(flag)
            break


def _property_of_a_thing(st: ParseState) -> None:
    """进口供应商的物料不良率 / 哪家供应商的物料不良率最高: a dimension word right after 「thing的」 naming another field
    of that same thing, with no split word before them (按, 各, 每, by), says whose rows are measured (the
    suppliers' materials), not a split by that field (按供应商的物料类别 still splits)."""
    parts, text = st.parts, st.t.text
    for m in st.mentions:
        if m.kind != "dim":
            continue
        owner = next((p for p in st.mentions if p.kind in ("dim", "entity", "dataset") and p is not m
                      and p.end <= m.start and re.fullmatch(r"\s*的\s*", text[p.end:m.start])), None)
        if owner is None or re.search(r"(?:按照?|各个?|各|每个?|每|分别|\bby\b|\bper\b)\s*$", text[:owner.start]):
            continue
        owner_keys = {e.key for e in owner.entries}
        owner_ds = {k[0] if isinstance(k, tuple) else str(k) for k in owner_keys}
        for e in m.entries:
            k = e.key
            if isinstance(k, tuple) and k[0] in owner_ds and k not in owner_keys and f"{k[0]}.{k[1]}" in parts.dims:
                parts.dims = [d for d in parts.dims if d != f"{k[0]}.{k[1]}"]


def _name_field(lex: Any, ds: str) -> str | None:
    """The field naming each row's thing: a …_name field, else the dataset's finest hierarchy level."""
    for (d, f), fd in lex.index.fields.items():
        if d == ds and fd.dimension and f.endswith("_name"):
            return f"{d}.{f}"
    return None



def _two_periods(st: ParseState) -> None:
    """Two periods named (2025年比2024年, 去年和今年, 三季度比一季度, 去年底和今年10月底) read as one comparison:
    with a change asked (增长, 同比, 环比, growth, 多了多少, 高了多少) one number — the later period against the
    earlier: yoy / pop computed by the query when the periods are the same dates a year apart or back to back,
    else `intent_args["versus"]` (the earlier range; the service runs the same spec over it and says the
    change, growth or difference — 今年比去年全年多多少, 三季度比一季度高了多少); with no change asked, both periods
    side by side: the difference as a column (yoy_value / pop_value) for whole aligned periods (去年和今年), else
    `intent_args["periods"]` (今年和去年1-10月, 去年底和今年10月底: the service runs the spec over each period, one
    row each, labelled by the period's first day of the implied grain — its last for 年底 / year-end)."""
    parts, cue, today = st.parts, st.cue, st.today
    if len(st.ranges) != 2 or st.is_follow:
        return
    (s1, e1, h1), (s2, e2, h2) = sorted((*r.dates(today), r) for r in st.ranges)
    if e1 >= s2:
        return  # overlapping ranges: one span, not two periods
    days = min((e1 - s1).days, (e2 - s2).days)
    implied = "year" if days > 200 else "quarter" if days > 60 else "month" if days > 20 else "day"
    if parts.grain != implied:
        return  # 2024年和2025年按月: a grain of its own, a series
    yearly = (s2, e2) == (_plus_year(s1), _plus_year(e1)) or (
        s2 == _plus_year(s1) and e2 >= today - dt.timedelta(days=1) and not _whole_year_said(st))
    # back to back whole periods (the later one may be the current one so far: 本月比上月, unless the earlier
    # is said whole — 去年全年 — when the query's like-for-like pop is not what is asked)
    adjacent = (s2 == e1 + dt.timedelta(days=1) and _whole(s1, e1, implied, today, to_date=False)
                and _whole(s2, e2, implied, today, to_date=not _whole_year_said(st)))
    kind = "yoy" if yearly else "pop"
    asked_change = bool(cue["YOY"] or cue["GROWTH"] or cue["DIFF"] or cue["ROSE"] or cue["DECLINED"]
                        or cue["GROW_FAST"] or cue["DROP_FAST"] or cue["POP"]) or any(c in _CHANGE for c in parts.computes)
    rest = [c for c in parts.computes if c not in _CHANGE]
    if asked_change:  # 2025年销售额比2024年增长了多少: one number, the later period against the earlier
        parts.grain, parts.trend = None, False
        parts.time_range = {"start": s2.isoformat(), "end": e2.isoformat()}
        if yearly or adjacent:
            parts.computes = [f"{kind}_value" if cue["DIFF"] else kind, *rest]
            if parts.order and parts.order[0] in _CHANGE:
                parts.order = (parts.computes[0], parts.order[1])
        else:  # 三季度比一季度高了多少 / this year vs the whole of last year: the service runs the earlier range too
            parts.computes = rest
            st.intent_args["versus"] = {"start": s1.isoformat(), "end": e1.isoformat(),
                                        "change": "difference" if cue["DIFF"] else "growth"}
    elif ((yearly and s2 == e1 + dt.timedelta(days=1)) or adjacent) and all(
            _whole(s, e, implied, today) for s, e in ((s1, e1), (s2, e2))):  # no period between them
        if parts.dims or cue["COMPARE"]:  # 去年和今年各大区毛利率对比: side by side, and the difference
            parts.computes = [*rest, f"{kind}_value"]
    elif cue["COMPARE"] or parts.dims:
        # 今年和去年1-10月对比 / 去年底和今年10月底对比: the two periods side by side, not the series between them
        # (the service runs the spec over each: `intent_args["periods"]`, labelled as the time column would be)
        parts.grain, parts.trend = None, False
        parts.time_range = {"start": s2.isoformat(), "end": e2.isoformat()}
        # the same months of two years are the two years (a whole month or quarter keeps its own label)
        grain = "year" if yearly and not _whole(s1, e1, implied, today) else implied
        st.intent_args["periods"] = [{"start": s.isoformat(), "end": e.isoformat(), "grain": grain,
                                      "label": _bucket(st, h, s, e, grain)} for s, e, h in ((s1, e1, h1), (s2, e2, h2))]


def _whole(s: dt.date, e: dt.date, grain: str, today: dt.date, to_date: bool = True) -> bool:
    """The range is one whole period of `grain` (or, `to_date`, the current one up to today)."""
    if grain == "day":
        return s == e
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    if s.day != 1 or (s.month - 1) % months:
        return False
    last = s + relativedelta(months=months) - dt.timedelta(days=1)
    return e == last or (to_date and s <= today <= last and e >= today - dt.timedelta(days=1))


def _whole_year_said(st: ParseState) -> bool:
    """去年全年 / 上个月整月 / the whole of last year: the earlier period is meant whole, not the same dates as the
    later one's."""
    return bool(re.search(r"全年|整年|全月|整月|整个月|整个季度|全季度|\bfull (?:year|month|quarter)\b"
                          r"|\bwhole (?:of )?(?:last )?(?:year|month|quarter)\b", st.t.text))


_END = re.compile(r"\s*(?:年|月)?(?:底|末|終|终)|\s*(?:year|month|quarter)?[- ]?end\b")


def _bucket(st: ParseState, hit: Any, s: dt.date, e: dt.date, grain: str) -> str:
    """The `grain` period a named period stands for, as the time column shows it (its first day): its last
    one when the text says its end (去年底, 年末, year-end), else its first."""
    end = bool(_END.match(st.t.text, hit.end)) or bool(re.search(r"\bend of\s*(?:the\s*)?$", st.t.text[:hit.start]))
    d = e if end else s
    if grain == "year":
        return dt.date(d.year, 1, 1).isoformat()
    if grain == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1).isoformat()
    if grain == "month":
        return d.replace(day=1).isoformat()
    return d.isoformat()


_SHARE_VERB = re.compile(r"(?:一共|合计|总共|加起来|合起来)?\s*占(?!比)|\b(?:account(?:s|ed)? for|make(?:s)? up|made up|represent(?:s|ed)?)\b")
_SHARE_END = re.compile(r"(?:占比|比例|比重|份额)\s*(?:是|有)?\s*(?:多少|几成|多大)?\s*[?？]?\s*$")
_JOINED = re.compile(r"和|及|与|以及|、|各自|分别|各")
_SHARE_FIRST = re.compile(r"^\s*(?:what|which)\s+(?:share|percentage|proportion|fraction|percent)\b")


def _share_of_the_top(st: ParseState) -> None:
    """前十大客户占总销售额多少比例 / what share of revenue do the top 10 customers make up: the top N things
    together — one number, the sum of their rows (`intent_args["sum_rows"]`), not each one's share; so is the
    share alone asked after the top N (前十大客户的销售额占比); 前十大客户的销售额和占比 (each its own share) stays a table; a rate's shares are never summed."""
    parts, cue, text = st.parts, st.cue, st.t.text
    tops = cue["TOP_DESC"] or cue["TOP_ASC"]
    if ("percent_of_total" not in parts.computes or not parts.limit or len(parts.dims) != 1 or parts.grain
            or cue["GROUP"] or cue["COMPARE"] or not tops or not parts.metrics):
        return
    if st.lex.index.metrics[parts.metrics[0]].format in ("percent", "percentage"):
        return
    if _SHARE_VERB.search(text, tops[0].end()) or (_SHARE_FIRST.match(text) and _SHARE_VERB.search(text)):
        st.intent_args["sum_rows"] = True
    elif _SHARE_END.search(text, tops[0].end()) and not _JOINED.search(text, tops[0].end()):
        # 前十大客户的销售额占比 (the share alone asked of the top N): their share together, one number
        st.intent_args["sum_rows"] = True


def _one_total(st: ParseState) -> None:
    """所有仓库一共有多少件库存 / 除了轴承钢，其他物料一共采购了多少: 一共 / 合计 / in total with a dimension word but no
    word asking for a split (按, 各, 每, 分别, by, which, 对比, 占比, a ranking) is one number over all of them."""
    parts, cue = st.parts, st.cue
    if not parts.dims or not cue["TOTAL"] or parts.grain or parts.trend or parts.order or parts.limit:
        return
    if any(cue[k] for k in ("GROUP", "COMPARE", "WHICH_ANY", "LISTING", "SHARE", "RANK")) or parts.computes:
        return
    if st.intent_args.get("count_rows"):
        return
    parts.dims = []


def _qualifying_things(st: ParseState) -> None:
    """销售额超过100万的省份有几个 / how many customers bought over 1M: the things counted — rows with no such
    thing (an empty province) are not one of them (the split fields are kept not null)."""
    parts = st.parts
    if not parts.having or not parts.dims or not st.intent_args.get("count_rows"):
        return
    for d in parts.dims:
        cond = {"field": d, "op": "not_null"}
        if cond not in parts.where and not any(w.get("field") == d for w in parts.where):
            parts.where.append(cond)


_WITHIN = re.compile(r"[^，,。占]{0,12}?(?:里面?|中|当中|之中|内)\s*[，,]?")


def _share_within(st: ParseState) -> None:
    """已授权的专利里，发明专利占多少比例: the value followed by 里 / 中 is the whole the share is taken within (a
    filter), the value said before 占 is the member whose share is asked (the split) — not the other way round."""
    parts = st.parts
    if "percent_of_total" not in parts.computes or len(parts.dims) != 1:
        return
    split = parts.dims[0]
    ds, _, f = split.partition(".")
    pos = (st.conds.get((ds, f)) or ([], []))[0]
    others = [w for w in parts.where if w.get("op") == "=" and w.get("field") != split]
    if len(pos) != 1 or len(others) != 1:
        return
    text, w = st.t.text, others[0]
    whole, member = text.find(str(pos[0])), text.find(str(w["value"]))
    if whole < 0 or member < 0 or not whole < member:
        return
    if not _WITHIN.match(text, whole + len(str(pos[0]))) or "占" not in text[member:]:
        return
    parts.dims = [w["field"]]
    parts.where = [x for x in parts.where if x is not w] + [{"field": split, "op": "=", "value": pos[0]}]


def _share_of_a_member(parts: Parts) -> None:
    """直销渠道销售额占比 / what share is in the lead stage: a share split by a field is never also filtered to
    one member of that same field (that share is always 100 %); the member is kept after the computes instead
    (the result stage's having on the dimension column: one number)."""
    if "percent_of_total" not in parts.computes or len(parts.dims) != 1:
        return
    field = parts.dims[0]
    parts.where = [w for w in parts.where if not (w.get("field") == field and w.get("op") == "=")]


def _plus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28)


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


_WHICH_N = re.compile(r"\s*(\d{1,3}|[一二两三四五六七八九十]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
                      r"(?![\d%.万亿])\s*(?:个|家|款|位|条|种|名|项)?")
_EN_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


# a superlative right before the thing the question ends on (…最低的产品线, …最多的负责人是谁)
_SUPER_THING = re.compile(r"的?\s*\x00+\s*(?:是哪(?:个|家|位|条|款|一个)|是谁|是什么)?\s*[?？。!！]*\s*$")


def _which_count(m: re.Match[str]) -> int | None:
    """哪5个产品 / which 5 products: the number right after the which word is how many are asked (else one)."""
    n = _WHICH_N.match(m.string, m.end())
    if n is None:
        return None
    word = n.group(1)
    return _EN_N.get(word) or cn_int(word)


def _num_of(match: re.Match[str]) -> int | None:
    for g in match.groups():
        if g:
            return cn_int(g)
    return None


def _order_and_computes(parts: Parts, cue: Cues) -> None:
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
    for name, desc in (("ORDER_DESC", True), ("ORDER_ASC", False)):
        if cue[name]:  # 从高到低 / from highest to lowest: the direction as written wins over 最高/lowest inside it
            parts.order = (parts.order[0] if parts.order else "metric", desc)
    if parts.order and parts.limit is None:
        counted = [m for m in cue["NUM_UNIT"]]
        if counted:
            parts.limit = _num_of(counted[0])
        elif cue["WHICH"]:
            parts.limit = _which_count(cue["WHICH"][0]) or 1
        elif any(_SUPER_THING.match(m.string, m.end()) for k in ("SUPER_DESC", "SUPER_ASC") for m in cue[k]):
            parts.limit = 1  # 毛利率最低的产品线, 赢单金额最多的负责人: the superlative names one thing
