"""Fixed filter values of a dashboard export or subscription, read from words: `FIELD=VALUE` pairs (the
CLI, subscriptions) or a mapping (the API, the web app's current filter state), and told back in words.

FIELD names one of the dashboard's filter controls by its id, its title or label (zh or en), its field
(`customers.region`, `region`) or that field's model label (地区). VALUE is read by the control's kind:
dropdown one value; multi_select several (repeat the pair or separate with , ， or 、); tree paths
`华东/江苏`; date_range a preset (`this_year`) or `2025-01-01..2025-06-30`; numeric_range `LOW..HIGH`
(either side may be empty). Values then pass the same check the data API makes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import Component, DashboardDef
from shuzhi.model.index import ModelIndex

RELATIVE = {  # date_range presets in words (zh, en), as the web app says them
    "today": ("今天", "Today"),
    "yesterday": ("昨天", "Yesterday"),
    "this_week": ("本周", "This week"),
    "last_week": ("上周", "Last week"),
    "last_7_days": ("近 7 天", "Last 7 days"),
    "last_30_days": ("近 30 天", "Last 30 days"),
    "last_90_days": ("近 90 天", "Last 90 days"),
    "this_month": ("本月", "This month"),
    "last_month": ("上月", "Last month"),
    "this_quarter": ("本季度", "This quarter"),
    "last_quarter": ("上季度", "Last quarter"),
    "this_year": ("今年", "This year"),
    "last_year": ("去年", "Last year"),
    "ytd": ("今年至今", "Year to date"),
    "mtd": ("本月至今", "Month to date"),
    "qtd": ("本季至今", "Quarter to date"),
    "last_12_months": ("近 12 个月", "Last 12 months"),
}
_SPLIT = re.compile(r"[,，、]")


def _norm(s: str | None) -> str:
    return (s or "").strip().casefold()


def _names(c: Component, idx: ModelIndex) -> set[str]:
    f = c.filter
    assert f is not None
    names = {c.id, c.title, c.title_en, f.label, f.label_en, f.field, f.field.split(".")[-1]}
    with contextlib.suppress(ShuzhiError, KeyError):
        info = idx.fields[idx.resolve_field(f.field)]
        names |= {
            getattr(info, "label", None),
            getattr(info, "label_en", None),
            *(getattr(info, "synonyms", None) or []),
        }
    return {_norm(n) for n in names if n}


def find_filter(d: DashboardDef, idx: ModelIndex, name: str) -> Component:
    controls = [c for c in d.components if c.kind == "filter" and c.filter]
    hits = [c for c in controls if _norm(name) in _names(c, idx)]
    if len(hits) == 1:
        return hits[0]
    offered = "、".join(f"{c.title or c.id}（{c.filter.field}）" for c in controls if c.filter) or "无 / none"
    if hits:
        raise ShuzhiError(
            "ambiguous_filter",
            f"「{name}」对应多个筛选器，请用筛选器 id：{', '.join(c.id for c in hits)}。",
            f"'{name}' matches several filters; use a filter id: {', '.join(c.id for c in hits)}.",
        )
    raise ShuzhiError(
        "unknown_filter",
        f"仪表板没有筛选器「{name}」。可用的筛选器：{offered}。",
        f"The dashboard has no filter '{name}'. Its filters: {offered}.",
        details={"filter": name},
    )


def _range(text: str) -> tuple[str, str]:
    for sep in ("..", "~", "～"):
        if sep in text:
            lo, _, hi = text.partition(sep)
            return lo.strip(), hi.strip()
    raise ValueError(text)


def _number(s: str) -> float | None:
    return float(s) if s else None


def parse_value(c: Component, texts: list[str]) -> Any:
    """The value of filter control `c` from the text(s) given for it (see the module's doc)."""
    f = c.filter
    assert f is not None
    bad = ShuzhiError(
        "filter_value_invalid",
        f"筛选器「{c.title or c.id}」的取值有误：{'；'.join(texts)}。",
        f"Invalid value for filter '{c.title_en or c.title or c.id}': {'; '.join(texts)}.",
    )
    try:
        if f.control == "dropdown":
            if len(texts) != 1:
                raise ValueError
            return texts[0]
        if f.control == "multi_select":
            return [v.strip() for t in texts for v in _SPLIT.split(t) if v.strip()]
        if f.control == "tree":
            return [[p.strip() for p in t.split("/") if p.strip()] for t in texts]
        if len(texts) != 1:
            raise ValueError
        text = texts[0].strip()
        if f.control == "date_range":
            if text in RELATIVE:
                return {"relative": text}
            lo, hi = _range(text)
            for v in (lo, hi):
                dt.date.fromisoformat(v)
            return {"start": lo, "end": hi}
        if f.control == "numeric_range":
            lo, hi = _range(text)
            return [_number(lo), _number(hi)]
    except ValueError:
        raise bad from None
    raise bad


def resolve_filters(d: DashboardDef, idx: ModelIndex, given: list[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Filter id → value. A list holds `FIELD=VALUE` texts; a mapping's string values are read like them,
    other values (lists, ranges) are taken as the web app sends them."""
    texts: dict[str, tuple[Component, list[str]]] = {}
    out: dict[str, Any] = {}
    items: list[tuple[str, Any]]
    if isinstance(given, Mapping):
        items = list(given.items())
    else:
        items = []
        for pair in given:
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                raise ShuzhiError(
                    "bad_filter_pair",
                    f"筛选条件需写成 字段=值：{pair}",
                    f"A filter is written FIELD=VALUE: {pair}",
                )
            items.append((name.strip(), value.strip()))
    for name, value in items:
        c = find_filter(d, idx, name)
        if isinstance(value, str):
            texts.setdefault(c.id, (c, []))[1].append(value)
        else:
            out[c.id] = value
    for cid, (c, vals) in texts.items():
        out[cid] = parse_value(c, vals)
    return out


def filters_text(d: DashboardDef, values: Mapping[str, Any], lang: str = "zh") -> str:
    """'大区：华东、华南；期间：今年' for the filter controls that have a value (chosen or default)."""
    parts = []
    for c in d.components:
        if c.kind != "filter" or not c.filter:
            continue
        v = values[c.id] if c.id in values else c.filter.default
        text = _value_text(v, lang)
        if text:
            label = (c.filter.label_en or c.title_en) if lang == "en" else (c.filter.label or c.title)
            parts.append(
                f"{label or c.title or c.id}：{text}" if lang != "en" else f"{label or c.id}: {text}"
            )
    return ("；" if lang != "en" else "; ").join(parts)


def _value_text(v: Any, lang: str) -> str:
    if v is None or v == "" or v == []:
        return ""
    if isinstance(v, dict):
        if v.get("relative"):
            zh, en = RELATIVE.get(v["relative"], (v["relative"], v["relative"]))
            return en if lang == "en" else zh
        return f"{v.get('start') or '…'} ~ {v.get('end') or '…'}"
    if isinstance(v, list):
        if len(v) == 2 and all(x is None or isinstance(x, int | float) for x in v):
            return f"{'…' if v[0] is None else v[0]} – {'…' if v[1] is None else v[1]}"
        return "、".join(" / ".join(map(str, x)) if isinstance(x, list) else str(x) for x in v)
    return str(v)

