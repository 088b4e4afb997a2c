"""A parsed question as a small, mergeable frame → QuerySpec dict and interpretation chips.

The frame is what follow-ups refine (「再按月看」, 「只看伺服电机」, "now by channel"); the spec and the
chips are always derived from it, so they never disagree.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from shuzhi.spec.time_ranges import relative_range

TIME = "time"


class Labels(Protocol):
    """What the chips need of the lexicon (shuzhi.ai.nl.lexicon.Lexicon): its model and labels."""

    index: Any

    def field_label(self, ds: str, f: str, en: bool = False) -> str: ...

    def metric_label(self, name: str, en: bool = False) -> str: ...


GRAIN_ZH = {"day": "按天", "week": "按周", "month": "按月", "quarter": "按季度", "year": "按年"}
COMPUTE_ZH = {"yoy": "同比", "pop": "环比", "yoy_value": "同比增减额", "pop_value": "环比增减额", "percent_of_total": "占比",
              "cumulative": "累计", "rank": "排名"}
COMPUTE_EN = {"yoy": "year over year", "pop": "vs previous period", "yoy_value": "change vs last year",
              "pop_value": "change vs previous period", "percent_of_total": "share of total",
              "cumulative": "cumulative", "rank": "rank"}
_NULL_OPS = {"not_null": ("不为空", "is set"), "is_null": ("为空", "is empty")}
OP_ZH = {"=": "=", "!=": "不是", "in": "属于", "not_in": "不含", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


@dataclass
class Frame:
    metrics: list[str] = field(default_factory=list)
    computes: list[tuple[str, str]] = field(default_factory=list)     # (kind, metric)
    dims: list[tuple[str, str | None]] = field(default_factory=list)  # ("dataset.field" | "time", grain)
    where: list[dict[str, Any]] = field(default_factory=list)
    having: list[dict[str, Any]] = field(default_factory=list)
    time_range: dict[str, Any] | None = None
    order: tuple[str, bool] | None = None                             # (output name, desc)
    limit: int | None = None
    items: dict[str, dict[str, Any]] = field(default_factory=dict)    # ad-hoc aggregates by name (nl/measures.py)

    def copy(self) -> Frame:
        return copy.deepcopy(self)

    @staticmethod
    def compute_name(kind: str, metric: str) -> str:
        return {"percent_of_total": f"{metric}_share"}.get(kind, f"{metric}_{kind}")

    def outputs(self) -> list[str]:
        return [*self.metrics, *(self.compute_name(k, m) for k, m in self.computes)]

    def grain(self) -> str | None:
        return next((g for f, g in self.dims if f == TIME), None)

    def set_grain(self, grain: str) -> None:
        self.dims = [(TIME, grain)] + [d for d in self.dims if d[0] != TIME]

    def replace_metrics(self, new: list[str]) -> None:
        old = self.metrics
        self.metrics = list(new)
        first = new[0]
        self.computes = list(dict.fromkeys((k, first if m in old else m) for k, m in self.computes))
        self.having = [h for h in self.having if h["field"] not in old]
        if self.order:
            name, desc = self.order
            for m in old:
                if name == m:
                    self.order = (first, desc)
            for k in COMPUTE_ZH:
                for m in old:
                    if name == self.compute_name(k, m):
                        self.order = (self.compute_name(k, first), desc)

    def set_condition(self, cond: dict[str, Any]) -> None:
        self.where = [w for w in self.where if w.get("field") != cond["field"]] + [cond]

    # -- outputs -------------------------------------------------------------------------
    def to_spec(self) -> dict[str, Any] | None:
        if not self.metrics and not self.dims:
            return None
        spec: dict[str, Any] = {"metrics": [dict(self.items[m]) if m in self.items else m for m in self.metrics]}
        for k, m in self.computes:
            spec["metrics"].append({"name": self.compute_name(k, m), "compute": {k: m}})
        # a count dated by its own field (新建了多少个商机: created_date) has its time axis on that field too
        axis = (self.time_range or {}).get("field", TIME)
        spec["dimensions"] = [{"field": axis, "grain": g} if f == TIME else f for f, g in self.dims]
        if self.where:
            spec["where"] = copy.deepcopy(self.where)
        if self.having:
            spec["having"] = copy.deepcopy(self.having)
        if self.time_range:
            spec["time_range"] = {"field": TIME, **self.time_range}
        if self.order:
            spec["order_by"] = [{"field": self.order[0], "desc": self.order[1]}]
        if self.limit:
            spec["limit"] = self.limit
        return spec

    def chips(self, lex: Labels, today: dt.date) -> list[dict[str, Any]]:
        chips: list[dict[str, Any]] = []
        if self.time_range:
            zh, en = describe_range(self.time_range, today)
            chips.append({"kind": "time", "text": f"时间: {zh}", "text_en": f"Time: {en}", "value": self.time_range})
        for f, g in self.dims:
            if f == TIME:
                chips.append({"kind": "dimension", "text": f"维度: 时间（{GRAIN_ZH[g or 'month']}）",
                              "text_en": f"Dimension: time by {g}", "value": {"field": TIME, "grain": g}})
            else:
                ds, fn = f.split(".", 1) if "." in f else ("", f)
                chips.append({"kind": "dimension", "text": f"维度: {lex.field_label(ds, fn)}",
                              "text_en": f"Dimension: {lex.field_label(ds, fn, True)}", "value": f})
        for m in self.metrics:
            chips.append({"kind": "metric", "text": f"指标: {self.label_of(lex, m)}",
                          "text_en": f"Metric: {self.label_of(lex, m, True)}", "value": m})
        for k, m in self.computes:
            chips.append({"kind": "compute", "text": f"计算: {self.label_of(lex, m)}{COMPUTE_ZH[k]}",
                          "text_en": f"Compute: {self.label_of(lex, m, True)} {COMPUTE_EN[k]}", "value": {k: m}})
        for w in self.where:
            ds, fn = w["field"].split(".", 1) if "." in w["field"] else ("", w["field"])
            val = w.get("values", w.get("value"))
            shown = "、".join(map(str, val)) if isinstance(val, list) else str(val)
            if w["op"] in _NULL_OPS:  # 省份不为空 / Province is set
                zh, en = _NULL_OPS[w["op"]]
                chips.append({"kind": "filter", "text": f"筛选: {lex.field_label(ds, fn)}{zh}",
                              "text_en": f"Filter: {lex.field_label(ds, fn, True)} {en}", "value": w})
                continue
            chips.append({"kind": "filter", "text": f"筛选: {lex.field_label(ds, fn)} {OP_ZH.get(w['op'], w['op'])} {shown}",
                          "text_en": f"Filter: {lex.field_label(ds, fn, True)} {w['op']} {shown}", "value": w})
        for h in self.having:
            label = self._out_label(lex, h["field"])
            shown = "~".join(_num(v) for v in h["values"]) if "values" in h else _num(h["value"])
            chips.append({"kind": "filter", "text": f"条件: {label} {OP_ZH.get(h['op'], h['op'])} {shown}",
                          "text_en": f"Condition: {h['field']} {h['op']} {shown}", "value": h})
        if self.order:
            name, desc = self.order
            chips.append({"kind": "sort", "text": f"排序: {self._out_label(lex, name)} {'从高到低' if desc else '从低到高'}",
                          "text_en": f"Sort: {name} {'descending' if desc else 'ascending'}",
                          "value": {"field": name, "desc": desc}})
        if self.limit:
            chips.append({"kind": "limit", "text": f"前 {self.limit} 条", "text_en": f"Top {self.limit}",
                          "value": self.limit})
        return chips

    def label_of(self, lex: Labels, name: str, en: bool = False) -> str:
        """A metric's label; an ad-hoc item's own label (its English one: "number of <dataset>")."""
        item = self.items.get(name)
        if item is None:
            return lex.metric_label(name, en)
        if not en:
            return str(item.get("label") or name)
        ds = str(item.get("field", "")).split(".")[0]
        d = lex.index.datasets.get(ds) if hasattr(lex.index, "datasets") else None
        return f"number of {(getattr(d, 'label_en', None) or ds).lower()}"

    def _out_label(self, lex: Labels, name: str) -> str:
        if name in self.items:
            return self.label_of(lex, name)
        if name in lex.index.metrics:
            return self.label_of(lex, name)
        if any(f == name for f, _g in self.dims) and "." in name:
            return lex.field_label(*name.split(".", 1))
        for k, m in self.computes:
            if self.compute_name(k, m) == name:
                return self.label_of(lex, m) + COMPUTE_ZH[k]
        return name


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, int | float) and not isinstance(v, bool) else str(v)


def describe_range(tr: dict[str, Any], today: dt.date) -> tuple[str, str]:
    if "relative" in tr:
        s, e = relative_range(tr["relative"], today)
    else:
        s, e = dt.date.fromisoformat(tr["start"]), dt.date.fromisoformat(tr["end"])
    nxt = e + dt.timedelta(days=1)
    if s.day == 1 and nxt.day == 1:
        months = (nxt.year - s.year) * 12 + nxt.month - s.month
        if months == 12 and s.month == 1:
            return f"{s.year}年", f"{s.year}"
        if months == 1:
            return f"{s.year}年{s.month}月", f"{s:%b %Y}"
        if months == 3 and s.month % 3 == 1:
            q = (s.month - 1) // 3 + 1
            return f"{s.year}年第{q}季度", f"Q{q} {s.year}"
    if s == e:
        return s.isoformat(), s.isoformat()
    return f"{s.isoformat()} 至 {e.isoformat()}", f"{s.isoformat()} to {e.isoformat()}"


def trend_grain(frame: Frame) -> str:
    tr = frame.time_range or {}
    if "start" in tr and "end" in tr:
        days = (dt.date.fromisoformat(tr["end"]) - dt.date.fromisoformat(tr["start"])).days
        return "day" if days <= 31 else "month" if days <= 3 * 366 else "year"
    if tr.get("relative") in ("this_week", "last_week", "last_7_days", "last_30_days", "this_month", "last_month"):
        return "day"
    return "month"


def spec_alternatives(frame: Frame, ambiguous: list[tuple[str, list[str]]], frames: bool = False) -> list[Any]:
    """The same question read with another field for an ambiguous word (海外: channel or region): specs,
    or the frames themselves with `frames`."""
    out: list[dict[str, Any]] = []
    alts: list[Frame] = []
    base = frame.to_spec()
    for old, others in ambiguous:
        for other in others[:2]:
            alt = frame.copy()
            alt.dims = [(other if f == old else f, g) for f, g in alt.dims]
            for w in [*alt.where, *alt.having]:
                if w.get("field") == old:
                    w["field"] = other
            spec = alt.to_spec()
            if spec and spec != base and spec not in out:
                out.append(spec)
                alts.append(alt)
    return alts[:3] if frames else out[:3]


def describe(frame: Frame, lex: Labels, today: dt.date) -> tuple[str, str]:
    """A short description of what the frame asks, in Chinese and English (a clarification's choice):
    「新增客户数；时间: 2025年」 / "New Customers; Time: 2025"."""
    zh = ["、".join(frame.label_of(lex, m) for m in frame.metrics)]
    en = [", ".join(frame.label_of(lex, m, True) for m in frame.metrics)]
    for c in frame.chips(lex, today):
        if c["kind"] != "metric":
            zh.append(c["text"])
            en.append(c["text_en"])
    return "；".join(zh), "; ".join(en)
