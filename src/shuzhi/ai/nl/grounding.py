"""Grounding words in the model: numeric conditions, which field a dimension word or a value
means for the asked metrics (reachable without fan-out, own dataset first, coarser hierarchy level
first; shared dimensions when a metric spans facts), counts (多少客户 → customer_count; a thing's count
measure, a model metric whose filter is exactly the status words said: won_opportunities), count and
creation words next to a thing (多少个, 几家, 新建, created).
"""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.measures import filter_conditions
from shuzhi.ai.nl.numbers import NUMBER_RE, parse_number
from shuzhi.ai.nl.types import Entry, Mention, Text
from shuzhi.model.checks import metric_closure


def having_hits(t: Text) -> list[tuple[int, int, str, float]]:
    hits: list[tuple[int, int, str, Any]] = []
    text = t.text
    for m in C.BETWEEN_RE.finditer(text):
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        if a is not None and b is not None and a < b:
            hits.append((m.start(), m.end(), "between", [a, b]))
    for m in C.COMP_RE.finditer(text):
        if any(s <= m.start() < e for s, e, _, _ in hits):
            continue
        op = next(C.COMP[int(k[1:])][1] for k, v in m.groupdict().items() if v)
        nm = NUMBER_RE.match(text, skip_space(text, m.end()))
        if not nm:
            continue
        value = parse_number(nm.group(0))
        if value is None:
            continue
        end = nm.end()
        after = C.AFTER_RE.match(text, end)
        if after:
            end = after.end()
        if re.match(r"\s*(?:个月|年|月|天|日|周)", text[end:]):
            continue
        hits.append((m.start(), end, op, value))
    for nm in NUMBER_RE.finditer(text):
        after = C.AFTER_RE.match(text, nm.end())
        if after and not any(s <= nm.start() < e for s, e, _, _ in hits):
            value = parse_number(nm.group(0))
            if value is not None:
                op = ">=" if any(w in after.group(0) for w in ("上", "above", "more")) else "<="
                hits.append((nm.start(), after.end(), op, value))
    for s, e, _, _ in hits:
        t.take(s, e)
    return sorted(hits)


def skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def count_metric(lex: Lexicon, m: Mention, new: bool = False) -> str | None:
    """The count metric of a thing (客户 → 客户数); with 新增/new asked, its new-things count (新增客户数)."""
    term = m.term
    fd_labels = [normalize(lex.field_label(*e.key)) for e in m.entries if e.kind == "dim"]
    singular = term[:-1] if term.endswith("s") else term
    fresh = [f"新增{term}数", f"新{term}数", f"new {term}", f"new {singular} count"] if new else []
    for cand in [*fresh, term + "数", term + "数量", *(x + "数" for x in fd_labels), f"number of {term}",
                 f"{singular} count", f"{term} count"]:
        for e in lex.terms.get(cand, []):
            if e.kind == "metric" and e.exact:
                return str(e.key)
    return None


def fits(lex: Lexicon, ds: str, metrics: list[str]) -> bool:
    return all(ds in lex.reachable(m) for m in metrics)


def pick_dim(lex: Lexicon, cands: list[Any], metrics: list[str],
             context: set[str] | None = None) -> tuple[Any, list[str]]:
    """The field a dimension word means: reachable from every metric, then (for partial words such as
    领域) the datasets the question names (专利领域 → patents), the metric's own dataset, coarser levels."""
    own = {d for m in metrics for d in lex.metric_datasets(m)} | (context or set())
    ok = [c for c in cands if c[0] and fits(lex, c[0], metrics)]
    if not ok:
        shared = [c[1] if not c[0] else lex.shared_of.get(c) for c in cands]
        name = next((s for s in shared if s and lex.shared_fits(s, metrics)), None)
        return (("", name), []) if name else (None, [])
    ok.sort(key=lambda c: (c[0] not in own, lex.hierarchy_rank.get(c, 9)))
    return ok[0], [fname(c) for c in ok[1:] if c[1] != ok[0][1]]


def fname(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}" if key[0] else key[1]


def pick_value(lex: Lexicon, entries: list[Entry], metrics: list[str],
               grouped: set[tuple[str, str]] | None = None,
               siblings: set[tuple[str, str]] | None = None) -> tuple[Any, list[str]]:
    """The field a value means for the metrics: exact spellings first, then the field of the other
    values it is listed with (除了电商和海外: a channel), a field the question groups by (除了海外以外各大区:
    海外 is a region there, not the channel), the metric's own dataset, coarser hierarchy levels."""
    grouped, siblings = grouped or set(), siblings or set()
    vals = [e for e in entries if e.kind == "value" and fits(lex, e.key[0], metrics)]
    if not vals:
        for e in entries:
            name = lex.shared_of.get(e.key[:2]) if e.kind == "value" else None
            if name and lex.shared_fits(name, metrics):
                return ("", name, e.key[2]), []
        return None, []
    own = {d for m in metrics for d in lex.metric_datasets(m)}
    vals.sort(key=lambda e: (not e.exact, e.key[:2] not in siblings, e.key[:2] not in grouped, e.key[0] not in own,
                             lex.hierarchy_rank.get(e.key[:2], 9)))
    best = vals[0].key
    others = list(dict.fromkeys(f"{d}.{f}" for d, f, _ in (e.key for e in vals[1:]) if (d, f) != best[:2]
                                and f != best[1]))
    return best, others


# between a value and the word for its kind: 电商渠道, 基础研究类项目, 山东和河南两个省, 常州工厂其他工厂
_KIND_GAP = re.compile(r"\s*(?:的)?\s*(?:其他|其它|其余|别的|以外的|之外的)?(?:这|那)?(?:[两几二三四五六七八九十\d]+\s*个|些|类)?"
                       r"\s*(?:的)?\s*")


def qualifies(text: str, m: Mention, mentions: list[Mention], value_fields: dict[int, tuple[str, str]]) -> bool:
    """A dimension word right after a value of its own dataset names the value's kind (电商渠道, 江苏客户),
    or right before one in English (customers in Jiangsu)."""
    dsets = {e.key[0] for e in m.entries}
    for i, (ds, _f) in value_fields.items():
        v = mentions[i]
        if ds in dsets and v.end <= m.start and _KIND_GAP.fullmatch(text[v.end:m.start]):
            return True
        if ds in dsets and m.end <= v.start and re.fullmatch(r"\s*(?:in|from|at|of)\s+", text[m.end:v.start]):
            return True
    return False


def unreachable_reason(lex: Lexicon, keys: list[tuple[str, str]], metrics: list[str], *, filtering: bool = False) -> str:
    """Why a dimension cannot split (or filter) the asked metrics, in Chinese and English: the inputs
    whose data has no path to the field (库存周转率 = 销售成本 ÷ 平均库存金额; 销售成本 comes from sales
    orders, which have no warehouse). Falls back to a general sentence when no input is to blame."""
    keys = [k for k in keys if k[0]] or keys
    if not keys:
        return "这个维度不能与所问的指标组合 / cannot group this metric by it"
    ds0, f0 = keys[0]
    field_zh, field_en = lex.field_label(ds0, f0), lex.field_label(ds0, f0, True)
    targets = {k[0] for k in keys}
    zh_parts, en_parts = [], []
    for name in metrics:
        m = lex.index.metrics[name]
        if any(ds in lex.reachable(name) for ds in targets if ds):
            continue
        blamed = [c for c in metric_closure(lex.index, name) if lex.index.metrics[c].dataset
                  and not any(ds in lex.reachable(c) for ds in targets if ds)]
        if not blamed:
            continue
        facts = list(dict.fromkeys(str(lex.index.metrics[c].dataset) for c in blamed))
        ds_zh = "、".join(lex.index.datasets[d].label or d for d in facts)
        ds_en = ", ".join(lex.index.datasets[d].label_en or d for d in facts)
        label_zh, label_en = lex.metric_label(name), lex.metric_label(name, True)
        if m.formula:
            shown = [c for c in blamed if c != name]
            zh_parts.append(f"{label_zh} = {_formula(lex, m.formula)}，其中{'、'.join(lex.metric_label(c) for c in shown)}"
                            f"来自{ds_zh}，关联不到「{field_zh}」")
            en_parts.append(f"{label_en} = {_formula(lex, m.formula, True)}; "
                            f"{', '.join(lex.metric_label(c, True) for c in shown)} "
                            f"{'come' if len(shown) > 1 else 'comes'} from {ds_en}, "
                            f"which has no link to {field_en}")
        else:
            zh_parts.append(f"{label_zh}来自{ds_zh}，关联不到「{field_zh}」")
            en_parts.append(f"{label_en} comes from {ds_en}, which has no link to {field_en}")
    if not zh_parts:
        return "这个维度不能与所问的指标组合 / cannot group this metric by it"
    verb_zh, verb_en = ("筛选", "filtered") if filtering else ("拆分", "split")
    return (f"{'；'.join(zh_parts)}，所以不能按{field_zh}{verb_zh} / "
            f"{'; '.join(en_parts)}, so it cannot be {verb_en} by {field_en}")


def splittable_by(lex: Lexicon, metrics: list[str], n: int = 3, en: bool = False) -> list[str]:
    """Labels of the top hierarchy levels every asked metric can be split by (suggestions)."""
    levels = sorted(lex.hierarchy_rank.items(), key=lambda kv: kv[1])
    return [lex.field_label(ds, f, en) for (ds, f), _ in levels if fits(lex, ds, metrics)][:n]


def _formula(lex: Lexicon, formula: str, en: bool = False) -> str:
    ops = {"/": "÷", "*": "×", "-": "−"}
    out = re.sub(r"[A-Za-z_]\w*", lambda x: lex.metric_label(x.group(), en) if x.group() in lex.index.metrics
                 else x.group(), formula)
    return re.sub(r"\s*([/*-])\s*", lambda x: f" {ops[x.group(1)]} ", out)


# 新建了多少个商机 / 去年新建档的客户 / how many deals were created: the rows created in the period
CREATED = re.compile(r"新建档|新建立|新建|新增|新开|新签|新立项|新创建|新录入|新登记|立项|创建|建档|录入"
                     r"|\bcreated\b|\bopened\b|\badded\b|\bonboarded\b|\bnew\b")
# 没有产业化 / 还未转化: a yes/no word said as not yet done — its false side
NOT_YET = re.compile(r"(?:还|尚|仍)?(?:没有|没|未|尚未)\s*$")
# the classifiers (量词) a count word takes before a thing: 多少张采购单, 几台, 多少条订单行, 多少次检验
CLASSIFIERS = "个家位名款条项件单笔批次种张台份套"
# a classifier after a count word the cue table lacks (多少张, 几批): understood with the count
CLASSIFIER = re.compile(rf"(?:多少|几)\s*([{CLASSIFIERS}])")
# a count word right before or after a thing: 多少个商机, 商机有几个, how many deals
COUNT_BEFORE = re.compile(rf"(?:多少|几)\s*[{CLASSIFIERS}]?\s*(?:的)?\s*$|\bhow many\s+$|\bnumber of\s+$"
                          r"|\bcount of\s+$")
COUNT_AFTER = re.compile(rf"\s*(?:一共|总共|共|总计|目前|现在|还)?\s*(?:有|是)?\s*(?:多少|几)\s*[{CLASSIFIERS}]")


def count_word_near(text: str, start: int, end: int) -> bool:
    """A count word (多少个, 几家, how many) right before or after the span."""
    return bool(COUNT_BEFORE.search(text[max(0, start - 16):start]) or COUNT_AFTER.match(text, end))


def thing_measure(lex: Lexicon, m: Mention) -> str | None:
    """The count measure of the thing a mention names (供应商 → suppliers_count), by its word or its dataset."""
    name = lex.things.get(m.term)
    if name is None and m.entries and m.entries[0].kind == "dataset":
        name = thing_of(lex, str(m.entries[0].key))
    return name


def name_field(lex: Lexicon, ds: str) -> str | None:
    """The dataset's name field (客户名称, 项目名称, 专利名称): its string dimension named *_name, name or title."""
    return next((f for (d, f), x in lex.index.fields.items() if d == ds and x.dimension and x.type == "string"
                 and (f.endswith("_name") or f in ("name", "title"))), None)


def thing_of(lex: Lexicon, ds: str) -> str | None:
    """The count measure of a dataset's rows (its one-field key counted), if it has one."""
    return next((n for n, x in lex.measures.items() if x.dataset == ds and x.aggregate == "count_distinct"
                 and x.field in (lex.index.datasets[ds].primary_key or [])), None)


def exact_metric(lex: Lexicon, ds: str, conds: list[dict[str, Any]]) -> str | None:
    """A model count metric of `ds` whose filter is exactly `conds` (赢单 商机 → won_opportunities)."""
    want = sorted(repr(sorted(c.items())) for c in conds)
    for name, md in lex.model_index.metrics.items():
        if md.dataset != ds or md.agg != "count" or md.formula or not md.filter:
            continue
        have = filter_conditions(lex.model_index, ds, md.filter)
        if have is not None and sorted(repr(sorted(c.items())) for c in have) == want:
            return name
    return None


def filter_of(lex: Lexicon, metric: str) -> list[dict[str, Any]] | None:
    """A model metric's own filter as where conditions (None when it has none or it is not simple)."""
    md = lex.index.metrics.get(metric)
    if md is None or not md.dataset or not md.filter:
        return None
    return filter_conditions(lex.index, md.dataset, md.filter)
