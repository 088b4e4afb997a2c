"""What can be counted or aggregated without a model metric, learned from the model alone (so an imported
table gets it too): the parser's ad-hoc aggregates (docs/query-spec.md "Ad-hoc aggregates").

- countable things (`countables`): each dataset whose rows have one identifier (a one-field primary key)
  is a thing with the words of its label, English label (and singular), its name field's short synonyms
  (供应商, vendor) and the stems of its identifier's words (工单号 → 工单, 商机编号 → 商机, work order id →
  work order); a non-key identifier that no join uses (批次号) is a thing of its own (count of distinct
  batches). Counted with count_distinct of the identifier, unless a model metric counts exactly those rows
  (`exact_count`: no filter, agg count or count_distinct of the key) — then that metric.
- numeric fields (`field_measures`): each numeric measure field (dimension: false) aggregated as the model
  starts it (model.aggregations.default_aggregation: sum for amounts and quantities, avg for prices and
  rates), a sum over a snapshot table keeps the table's semi-additive rule and is called 期末 / end of period;
  a field a model metric aggregates unfiltered is that metric (never a second name for it).
- qualifier words (`qualifiers`): the words a filtered metric's label or synonyms put before a thing's word
  (在途商机金额 → 在途 = stage NOT IN ('赢单','输单'); 成交商机数 → 成交 = stage = '赢单'), when the filter
  is simple enough to become where conditions (`filter_conditions`).
- creation dates (`creation_field`): the date field whose words say a row was created (建档, 创建, 立项, created).
Invariants: every measure names a field of the model with an aggregation the model allows; names never
collide with a model metric; pure (no I/O, no SQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shuzhi.model.aggregations import (
    AGG_LABELS,
    adhoc_metric,
    allowed_aggregations,
    default_aggregation,
    metric_over,
)
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import MetricDef

_ID_SUFFIX = re.compile(r"(?:编号|编码|号码|号|ID|Id|id|\s+(?:id|no\.?|number|code))$")
_NAME_WORD = re.compile(r"名|标题|title|name", re.IGNORECASE)
_CREATED = re.compile(r"创建|建档|新建|开户|立项|created|onboard", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Measure:
    name: str                 # the spec item's name (never a model metric's)
    dataset: str
    field: str
    aggregate: str            # sum | avg | count_distinct | …
    label: str
    label_en: str
    how: str                  # 求和 / 平均 / 期末 / 个数: what the chip says
    how_en: str
    words: tuple[str, ...]

    def item(self) -> dict[str, Any]:
        return {"name": self.name, "field": f"{self.dataset}.{self.field}", "aggregate": self.aggregate,
                "label": self.label}


def _free_name(index: ModelIndex, taken: set[str], name: str) -> str:
    while name in index.metrics or name in taken:
        name = "_" + name
    taken.add(name)
    return name


def _foreign_keys(index: ModelIndex, ds: str) -> set[str]:
    d = index.datasets[ds]
    return {f for j in d.joins for f in j.on}


def _stems(words: list[str | None]) -> list[str]:
    out = []
    for w in words:
        w = (w or "").strip()
        s = _ID_SUFFIX.sub("", w).strip()
        if s != w and not w.endswith("型号") and (len(s) >= 2 if _CJK.search(s) else len(s) >= 3):
            out.append(s)
    return out


def _singular(w: str) -> str:
    if w.lower().endswith("ies"):
        return w[:-3] + "y"
    return w[:-1] if w.lower().endswith("s") and not w.lower().endswith("ss") else ""


def countables(index: ModelIndex) -> list[Measure]:
    """The countable things of the model (see the module docstring), datasets first."""
    out: list[Measure] = []
    taken: set[str] = set()
    for ds, d in index.datasets.items():
        fks = _foreign_keys(index, ds)
        pk = list(d.primary_key or [])
        ids = []  # (field, is the row identifier)
        if len(pk) == 1 and (ds, pk[0]) in index.fields:
            ids.append((pk[0], True))
        for (dd, f), fd in index.fields.items():
            if dd != ds or f in fks or (len(pk) == 1 and f == pk[0]) or fd.is_time or fd.type not in ("string",):
                continue
            stems = _stems([fd.label, *fd.synonyms])
            # a code of the row's own thing (产品编码 of products) is not a second thing
            if stems and (f in pk or fd.dimension) and not (len(pk) == 1 and stems[0] in (d.label or "")):
                ids.append((f, False))
        for f, whole in ids:
            fd = index.fields[(ds, f)]
            if "count_distinct" not in allowed_aggregations(fd):
                continue
            words = _stems([fd.label, fd.label_en, *fd.synonyms])
            label, label_en = (words[0] if words else fd.label or f), (fd.label_en or f)
            if whole:
                names = [f2 for (dd, f2), x in index.fields.items() if dd == ds and x.type == "string"
                         and (f2.endswith("_name") or f2 in ("name", "title"))]
                short = [w for f2 in names for x in [index.fields[(ds, f2)]] for w in [x.label, *x.synonyms]
                         if w and not _NAME_WORD.search(w)]
                en = (d.label_en or "").strip()
                words = [d.label or "", en, _singular(en), *short, *words]
                label, label_en = d.label or ds, en or ds
            label_en = _ID_SUFFIX.sub("", label_en) or label_en
            name = _free_name(index, taken, f"{ds}_count" if whole else f"{f}_count")
            out.append(Measure(name, ds, f, "count_distinct", f"{label}数", f"number of {label_en.lower()}",
                               "个数", "count", tuple(dict.fromkeys(w for w in words if w))))
        row = _row_thing(index, ds, fks, taken)
        if row is not None:
            out.append(row)
    return out


def _row_thing(index: ModelIndex, ds: str, fks: set[str], taken: set[str]) -> Measure | None:
    """A dataset keyed by a thing's identifier and a line within it (订单号 + 行号) has rows of its own: the
    line (订单行, order line) named by the line field's stems, English ones after the thing's (order line);
    counted as rows (count of the line field, never null in a key)."""
    pk = list(index.datasets[ds].primary_key or [])
    if len(pk) != 2 or any((ds, f) not in index.fields or f in fks or index.fields[(ds, f)].is_time for f in pk):
        return None
    head, line = index.fields[(ds, pk[0])], index.fields[(ds, pk[1])]
    head_en = [s for s in _stems([head.label_en, *head.synonyms]) if not _CJK.search(s) and " " not in s]
    stems = _stems([line.label, line.label_en, *line.synonyms])
    zh = [w for w in stems if _CJK.search(w) and len(w) >= 3]
    en = [f"{h.lower()} {w.lower()}" for w in stems if not _CJK.search(w) and " " not in w for h in head_en[:1]]
    if not zh or "count" not in allowed_aggregations(line):
        return None
    words = tuple(dict.fromkeys([*zh, *en]))
    label_en = en[0] if en else (line.label_en or pk[1])
    return Measure(_free_name(index, taken, f"{ds}_rows"), ds, pk[1], "count", f"{zh[0]}数",
                   f"number of {label_en}s", "行数", "rows", words)


def value_counts(index: ModelIndex, taken_names: set[str]) -> list[Measure]:
    """有几个仓库 / 多少条产线: the number of distinct values of each string dimension that is not an identifier
    (count_distinct of the field; its words are the field's)."""
    out: list[Measure] = []
    taken = set(taken_names)
    for (ds, f), fd in index.fields.items():
        if not fd.dimension or fd.type != "string" or fd.is_time or _stems([fd.label, *fd.synonyms]) \
                or "count_distinct" not in allowed_aggregations(fd):
            continue
        label = fd.label or f
        out.append(Measure(_free_name(index, taken, f"{f}_values"), ds, f, "count_distinct", f"{label}数",
                           f"number of {(fd.label_en or f).lower()}", "个数", "count", ()))
    return out


_DATE_SUFFIX = re.compile(r"(?:日期|时间|日|date|time)$", re.IGNORECASE)


def date_verbs(index: ModelIndex) -> dict[str, tuple[str, str]]:
    """{word: (dataset, date field)}: a date field's words without 日期 / date (开工日期 → 开工, 完工日期 → 完工,
    关闭日期 → 关闭, 质检日期 → 质检): 今年开工了多少个工单 counts the work orders started this year."""
    out: dict[str, tuple[str, str]] = {}
    seen: dict[str, set[tuple[str, str]]] = {}
    for (ds, f), fd in index.fields.items():
        if not fd.is_time:
            continue
        for w in [fd.label, *fd.synonyms]:
            stem = _DATE_SUFFIX.sub("", (w or "").strip()).strip()
            if stem != (w or "").strip() and len(stem) >= 2 and _CJK.search(stem):
                seen.setdefault(stem, set()).add((ds, f))
    for stem, where in seen.items():
        if len({d for d, _ in where}) == 1 and len(where) == 1:  # one field of one dataset: never a guess
            out[stem] = next(iter(where))
    return out


def exact_count(index: ModelIndex, m: Measure, time: str | None = None) -> str | None:
    """A model metric counting exactly the rows `m` counts (no filter; dated by `time` when given)."""
    for name, md in index.metrics.items():
        if md.dataset != m.dataset or md.filter or md.formula or (time and md.time != time):
            continue
        if md.agg == "count" or (md.agg == "count_distinct" and (md.expr or "").strip() == m.field):
            return name
    return None


def field_measures(index: ModelIndex) -> tuple[list[Measure], dict[tuple[str, str], str]]:
    """Ad-hoc aggregates of numeric measure fields no model metric aggregates unfiltered, and
    {(dataset, field): metric} for the fields one does (their words name that metric)."""
    out: list[Measure] = []
    covered: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for (ds, f), fd in index.fields.items():
        if fd.dimension or fd.type not in ("integer", "number"):
            continue
        own = metric_over(index, ds, f)
        if own is not None:
            covered[(ds, f)] = own.name
            if own.time_aggregation in (None, "", "sum") and own.agg in ("sum", "avg"):
                # 平均计划数量 / 最大的一张采购单: the field's other aggregations, asked for by a word (`AGG_WORDS`)
                for other in ("sum", "avg", "max", "min"):
                    if other != own.agg and other in allowed_aggregations(fd):
                        h, h_en = AGG_LABELS[other][0].rstrip("值"), AGG_LABELS[other][1]
                        out.append(Measure(_free_name(index, taken, f"{f}_{other}"), ds, f, other,
                                           f"{fd.label or f}（{h}）", f"{fd.label_en or fd.label or f} ({h_en})",
                                           h, h_en, ()))
            continue
        agg = default_aggregation(index, ds, f)
        if agg not in ("sum", "avg"):
            continue
        probe = adhoc_metric(index, "_probe", ds, f, agg)
        if probe.time_aggregation == "last":
            how, how_en = "期末", "end of period"
        else:
            how, how_en = AGG_LABELS[agg][0].rstrip("值"), AGG_LABELS[agg][1]
        label = f"{fd.label or f}（{how}）"
        label_en = f"{fd.label_en or fd.label or f} ({how_en})"
        name = _free_name(index, taken, f"{f}_{agg}" if probe.time_aggregation != "last" else f"{f}_last")
        words = tuple(w for w in [fd.label, fd.label_en, *fd.synonyms] if w)
        out.append(Measure(name, ds, f, agg, label, label_en, how, how_en, words))
        if probe.time_aggregation == "last":
            continue  # a snapshot is read at the period's end, never otherwise
        for other in ("sum", "avg", "max", "min"):  # 平均预算 / 合计单价 / 最大折扣: asked for by a word (`AGG_WORDS`)
            if other != agg and other in allowed_aggregations(fd):
                h, h_en = AGG_LABELS[other][0].rstrip("值"), AGG_LABELS[other][1]
                out.append(Measure(_free_name(index, taken, f"{f}_{other}"), ds, f, other, f"{fd.label or f}（{h}）",
                                   f"{fd.label_en or fd.label or f} ({h_en})", h, h_en, ()))
    return out, covered


# words asking for an aggregation of a field: 平均单价, 预算合计, total budget, average price
AGG_WORDS = (("avg", re.compile(r"平均|均值|\baverage\b|\bavg\b|\bmean\b")),
             ("sum", re.compile(r"合计|总计|总和|总共|一共|加起来|加在一起|总|\btotal\b|\bsum\b")),
             ("max", re.compile(r"最大值|最大|\bmaximum\b|\bmax\b")),
             ("min", re.compile(r"最小值|最小|\bminimum\b|\bmin\b")))


def variant(measures: dict[str, Measure], m: Measure, agg: str) -> Measure | None:
    """The measure of the same field with aggregation `agg` (none for a snapshot read at the period's end)."""
    if m.how == "期末" or m.aggregate == agg:
        return None
    return next((x for x in measures.values() if (x.dataset, x.field, x.aggregate) == (m.dataset, m.field, agg)), None)


def metric_defs(index: ModelIndex, measures: list[Measure]) -> dict[str, MetricDef]:
    """The hidden metric each measure computes (what the executor makes of the ad-hoc item)."""
    out = {}
    for m in measures:
        md = adhoc_metric(index, m.name, m.dataset, m.field, m.aggregate)
        out[m.name] = md.model_copy(update={"label": m.label, "label_en": m.label_en})
    return out


_EQ = re.compile(r"(\w+)\s*(=|<>|!=)\s*'([^']*)'")
_IN = re.compile(r"(\w+)\s+(NOT\s+)?IN\s*\(([^)]*)\)", re.I)
_NULL = re.compile(r"(\w+)\s+IS\s+(NOT\s+)?NULL", re.I)
_FLAG = re.compile(r"(NOT\s+)?(\w+)", re.I)


def _condition(index: ModelIndex, ds: str, part: str) -> dict[str, Any] | None:
    if m := _EQ.fullmatch(part):
        col, cond = m.group(1), {"op": "=" if m.group(2) == "=" else "!=", "value": m.group(3)}
    elif m := _IN.fullmatch(part):
        col, cond = m.group(1), {"op": "not_in" if m.group(2) else "in", "values": re.findall(r"'([^']*)'", m.group(3))}
    elif m := _NULL.fullmatch(part):
        col, cond = m.group(1), {"op": "not_null" if m.group(2) else "is_null"}
    elif (m := _FLAG.fullmatch(part)) and (ds, m.group(2)) in index.fields \
            and index.fields[(ds, m.group(2))].type == "boolean":
        col, cond = m.group(2), {"op": "=", "value": not m.group(1)}
    else:
        return None
    return {"field": f"{ds}.{col}", **cond} if (ds, col) in index.fields else None


def filter_conditions(index: ModelIndex, ds: str, sql: str | None) -> list[dict[str, Any]] | None:
    """A metric filter of simple conjuncts on its own dataset's fields as where conditions, else None."""
    out = []
    for part in re.split(r"(?i)\s+and\s+", (sql or "").strip()):
        if part.strip():
            cond = _condition(index, ds, part.strip())
            if cond is None:
                return None
            out.append(cond)
    return out


def qualifiers(index: ModelIndex, things: dict[str, str]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """{word: (dataset, conditions)}: the word before a thing's word in a filtered metric's label or synonym."""
    out: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for md in index.metrics.values():
        if not md.dataset or not md.filter:
            continue
        conds = filter_conditions(index, md.dataset, md.filter)
        if not conds:
            continue
        for w in [md.label, *md.synonyms]:
            for thing, ds in things.items():
                i = (w or "").find(thing)
                if ds == md.dataset and i >= 2 and _CJK.search(thing) and _CJK.search(w[:i]):
                    out.setdefault(w[:i], (ds, conds))
    return out


def creation_field(index: ModelIndex, ds: str) -> str | None:
    """The dataset's date field whose words say a row was created (建档日期, 商机创建日期, 立项日期)."""
    for (d, f), fd in index.fields.items():
        if d == ds and fd.is_time and any(_CREATED.search(w or "") for w in [fd.label, fd.label_en, *fd.synonyms]):
            return f
    return None
