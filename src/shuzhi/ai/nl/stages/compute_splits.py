"""Helper of the `computes` stage (not a stage): what is split, and what a share is of.

各个新产品 groups by the thing's name kept to the flag (按是否新品 splits by the flag); 供应商的物料 (another field of
the same thing after 的) is no split; 一共 over a dimension word without a split word is one number; things
counted exclude the empty member; 里/中 names the whole of a share, and a share split by a field is never
filtered to one of its members; the top N's share together is one number (`intent_args["sum_rows"]`), never
for a rate. Functions change only the given ParseState's parts and intent_args."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl.stages.state import ParseState
from shuzhi.ai.nl.types import Parts

_EACH = re.compile(r"(?:各个|各|每一个|每个|每一款|每款|每一家|每家|\beach\b|\bevery\b)\s*(?:的)?\s*$")


def each_of_a_flag(st: ParseState) -> None:
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


def property_of_a_thing(st: ParseState) -> None:
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


_SHARE_VERB = re.compile(r"(?:一共|合计|总共|加起来|合起来)?\s*占(?!比)|\b(?:account(?:s|ed)? for|make(?:s)? up|made up|represent(?:s|ed)?)\b")


_SHARE_END = re.compile(r"(?:占比|比例|比重|份额)\s*(?:是|有)?\s*(?:多少|几成|多大)?\s*[?？]?\s*$")


_JOINED = re.compile(r"和|及|与|以及|、|各自|分别|各")


_SHARE_FIRST = re.compile(r"^\s*(?:what|which)\s+(?:share|percentage|proportion|fraction|percent)\b")


def share_of_the_top(st: ParseState) -> None:
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


def one_total(st: ParseState) -> None:
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


def qualifying_things(st: ParseState) -> None:
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


def share_within(st: ParseState) -> None:
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


def share_of_a_member(parts: Parts) -> None:
    """直销渠道销售额占比 / what share is in the lead stage: a share split by a field is never also filtered to
    one member of that same field (that share is always 100 %); the member is kept after the computes instead
    (the result stage's having on the dimension column: one number)."""
    if "percent_of_total" not in parts.computes or len(parts.dims) != 1:
        return
    field = parts.dims[0]
    parts.where = [w for w in parts.where if not (w.get("field") == field and w.get("op") == "=")]
