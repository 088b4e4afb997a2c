"""The short text under an answer (`AskAnswer.summary`), in the question's language (zh or en).

Pure: answers and model labels in, one or two sentences out; the numbers in the metric's display
format (results/format.py, style sentence: ¥1.42亿, 32.10%, 1,234). ask_intents.py gathers what it
needs (at most one extra query, for the change of a single number).

Invariants
- Nothing is invented: every number in a summary is a value of the answer (its rows, the comparison
  query's row, the explanation, the forecast); a missing value is said to be missing.
- A share of the total is given only for additive metrics whose rows are complete (no limit).
- Changes of rates are in percentage points (format_change), of other metrics in percent.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from shuzhi.ai.nl.frame import describe_range
from shuzhi.model.index import ModelIndex
from shuzhi.results.format import format_change, format_growth, format_value

_RELATIVE = {"ytd": ("今年至今", "this year to date"), "this_year": ("今年至今", "this year to date")}
YESNO_WORDS = {  # op → (zh if true, zh if false, en if true, en if false)
    ">=": ("已达到", "未达到", "at or above", "below"),
    ">": ("高于", "未高于", "above", "not above"),
    "<": ("低于", "未低于", "below", "not below"),
    "<=": ("不高于", "高于", "at or below", "above"),
    "=": ("等于", "不等于", "equal to", "not equal to"),
}


def num(v: Any, fmt: str | None, lang: str) -> str:
    return format_value(v, fmt, lang, style="sentence")


def period_text(tr: dict[str, Any] | None, today: dt.date, lang: str) -> str:
    """A time range as people say it: 2026年10月 / Oct 2026, 今年至今 / this year to date; '' for all time."""
    if not tr:
        return ""
    rel = tr.get("relative")
    if rel in _RELATIVE:
        return _RELATIVE[rel][0 if lang == "zh" else 1]
    zh, en = describe_range({k: v for k, v in tr.items() if k != "field"}, today)
    return zh if lang == "zh" else en


def metric_label(idx: ModelIndex, name: str, lang: str) -> str:
    m = idx.metrics.get(name)
    if m is None:
        return name
    return (m.label_en or m.label or name) if lang == "en" else (m.label or name)


def column_label(col: dict[str, Any], idx: ModelIndex, lang: str) -> str:
    """A result column's label in the question's language (the compiler labels in Chinese)."""
    if lang == "zh" or not col.get("metric"):
        return str(col.get("label") or col["name"])
    base = metric_label(idx, col["metric"], "en")
    extra = {"yoy": " growth vs last year", "pop": " growth vs previous period", "yoy_value": " change vs last year",
             "pop_value": " change vs previous period", "percent_of_total": " share", "cumulative": " (cumulative)",
             "rank": " rank"}.get(col.get("compute") or "", "")
    return base + extra


def change_text(now: float | None, before: float | None, fmt: str | None, against: tuple[str, str], lang: str) -> str:
    """'，比上月 +5.3%' / ', +5.3% vs last month'; rates in percentage points; '' when not comparable."""
    if now is None or before is None or not math.isfinite(now) or not math.isfinite(before):
        return ""
    if fmt in ("percent", "percentage"):
        delta = format_change(now - before, fmt, lang)
    elif before == 0:
        return ""
    else:
        delta = format_growth((now - before) / abs(before))
    return f"，{against[0]} {delta}" if lang == "zh" else f", {delta} {against[1]}"


def query_summary(result: dict[str, Any], spec: dict[str, Any], idx: ModelIndex, today: dt.date, lang: str,
                  *, before: float | None = None, against: tuple[str, str] | None = None,
                  additive: bool = False) -> str:
    """A table answer in words: one number (with its change), a breakdown's total and biggest member,
    or a series' latest period and its change from the one before."""
    cols, rows = result.get("columns") or [], result.get("rows") or []
    period = period_text(spec.get("time_range"), today, lang)
    lead = f"{period}" if lang == "zh" else (f" ({period})" if period else "")
    if not rows:
        return f"{period}没有数据。" if lang == "zh" else f"No data{lead}."
    metrics = [i for i, c in enumerate(cols) if c.get("role") == "metric"]
    dims = [i for i, c in enumerate(cols) if c.get("role") == "dimension"]
    if not metrics:
        return f"共 {len(rows)} 行。" if lang == "zh" else f"{len(rows)} rows."
    first = metrics[0]
    label, fmt = column_label(cols[first], idx, lang), cols[first].get("format")
    if not dims:  # one number (or a few metrics of one row)
        parts = [f"{column_label(cols[i], idx, lang)} {num(rows[0][i], cols[i].get('format'), lang)}"
                 for i in metrics[:4]]
        change = change_text(rows[0][first], before, fmt, against, lang) if against else ""
        if lang == "zh":
            return f"{period}{'，'.join(parts)}{change}。"
        return f"{'; '.join(parts)}{lead}{change}."
    time_dim = next((i for i in dims if _is_time(spec, cols[i])), None)
    values = [(r, r[first]) for r in rows if isinstance(r[first], int | float) and math.isfinite(r[first])]
    if not values:
        return f"{period}{label}没有数据。" if lang == "zh" else f"No {label} data{lead}."
    if time_dim is not None and len(dims) == 1:  # a series: the latest period, its change
        last, prev = rows[-1], (rows[-2] if len(rows) > 1 else None)
        when = _cell(last[time_dim], spec, cols[time_dim], lang)
        change = change_text(last[first], prev[first] if prev else None, fmt,
                             ("比上一期", "vs the period before"), lang) if prev else ""
        if lang == "zh":
            return f"{label}最近一期（{when}）为 {num(last[first], fmt, lang)}{change}。"
        return f"{label} was {num(last[first], fmt, lang)} in the latest period ({when}){change}."
    top_row, top = max(values, key=lambda x: x[1])
    member = " · ".join(_cell(top_row[i], spec, cols[i], lang) for i in dims)
    total = sum(v for _, v in values)
    share = (top / total) if additive and not spec.get("limit") and total > 0 and top >= 0 else None
    if lang == "zh":
        head = f"{period}{label}合计 {num(total, fmt, lang)}；" if share is not None else f"{period}共 {len(rows)} 项；"
        tail = f"，占 {share:.0%}" if share is not None else ""
        return f"{head}最高的是 {member}（{num(top, fmt, lang)}{tail}）。"
    head = (f"{label} totals {num(total, fmt, lang)}{lead}; " if share is not None else f"{len(rows)} rows{lead}; ")
    tail = f", {share:.0%} of the total" if share is not None else ""
    return f"{head}the largest is {member} ({num(top, fmt, lang)}{tail})."


def _is_time(spec: dict[str, Any], col: dict[str, Any]) -> bool:
    """The column of a dimension with a grain (a period's first day as a date)."""
    grained = any(isinstance(d, dict) and d.get("grain") for d in spec.get("dimensions") or [])
    return grained and col.get("type") in ("date", "timestamp")


def _cell(v: Any, spec: dict[str, Any], col: dict[str, Any], lang: str) -> str:
    if isinstance(v, dt.date):
        v = v.isoformat()
    if _is_time(spec, col) and isinstance(v, str) and len(v) >= 7:
        grain = next((d["grain"] for d in spec["dimensions"] if isinstance(d, dict) and d.get("grain")), "month")
        d = dt.date.fromisoformat(v[:10])
        if grain == "month":
            return f"{d.year}年{d.month}月" if lang == "zh" else f"{d:%b %Y}"
        if grain == "quarter":
            q = (d.month - 1) // 3 + 1
            return f"{d.year}年第{q}季度" if lang == "zh" else f"Q{q} {d.year}"
        if grain == "year":
            return f"{d.year}年" if lang == "zh" else str(d.year)
        return d.isoformat()
    return format_value(v, None, lang, style="sentence")


AGAINST = {"yoy": ("去年同期", "the same period last year"), "pop": ("上一期", "the period before")}


def yesno_summary(answer: bool, value: float | None, threshold: float, op: str, label: str, fmt: str | None,
                  period: str, lang: str, growth: str | None = None) -> str:
    """是/否 (Yes/No), the number, the comparison and the threshold; a growth against 0 (有没有超过去年) is
    said as higher or lower than the period it grows from."""
    words = YESNO_WORDS.get(op, YESNO_WORDS[">="])
    thr = num(threshold, fmt, lang)
    if growth in AGAINST and threshold == 0 and value is not None and op in (">", "<"):
        zh, en = AGAINST[growth]
        up = op == ">"
        if lang == "zh":
            rel = ("高于" if up else "低于") if answer else ("没有高于" if up else "没有低于")
            return f"{'是' if answer else '否'}。{period}{label} {format_growth(value)}，{rel}{zh}。"
        rel = ("higher than" if up else "lower than") if answer else ("not higher than" if up else "not lower than")
        return (f"{'Yes' if answer else 'No'}. {label} was {format_growth(value)}{f' ({period})' if period else ''}: "
                f"{rel} {en}.")
    if value is None:
        return (f"无法判断：{period}{label}没有数据（阈值 {thr}）。" if lang == "zh"
                else f"Cannot tell: no {label} data{f' for {period}' if period else ''} (threshold {thr}).")
    v = num(value, fmt, lang)
    if lang == "zh":
        return f"{'是' if answer else '否'}。{period}{label}为 {v}，{words[0] if answer else words[1]} {thr}。"
    return (f"{'Yes' if answer else 'No'}. {label} was {v}{f' ({period})' if period else ''}, "
            f"{words[2] if answer else words[3]} {thr}.")


def why_summary(ex: dict[str, Any], lang: str, top: int = 3) -> str:
    """The change (from → to, in percent when additive), the explanation's sentence and the top drivers of
    its best dimension by contribution."""
    fmt = ex.get("format")
    base = ex.get("summary_zh" if lang == "zh" else "summary_en") or ""
    frm, to = ex["from"]["period"], ex["to"]["period"]
    pct = ex.get("change_pct")
    pct_text = "" if pct is None or fmt in ("percent", "percentage") else f"（{format_growth(pct)}）" if lang == "zh" \
        else f" ({format_growth(pct)})"
    best = next((d for d in ex.get("dimensions") or [] if d["dimension"] == ex.get("best_dimension")), None)
    drivers = sorted(best["top"], key=lambda r: -abs(r["contribution"]))[:top] if best else []
    listed = ("、" if lang == "zh" else ", ").join(f"{r['member']} {format_change(r['contribution'], fmt, lang)}"
                                                 for r in drivers)
    label = ex.get("label") if lang == "zh" else ex.get("label_en") or ex.get("label")
    if lang == "zh":
        head = f"{to} 对比 {frm}：{label}变化 {format_change(ex['change'], fmt, lang)}{pct_text}。"
        return head + base + (f"主要因素（按{best['label']}）：{listed}。" if listed else "")
    head = f"{to} vs {frm}: {label} changed by {format_change(ex['change'], fmt, lang)}{pct_text}. "
    return head + base + (f" Main drivers (by {best['label_en']}): {listed}." if listed else "")


def forecast_summary(fc: dict[str, Any], label: str, additive: bool, lang: str) -> str:
    """The next period's forecast with its 80 % interval, and the horizon's total for an additive metric
    (one series), or the next value of each of the first members (a split)."""
    fmt = fc.get("format")
    series = [s for s in fc.get("series") or [] if s.get("forecast")]
    if not series:
        return "历史太短，无法预测。" if lang == "zh" else "The history is too short to forecast."
    if len(series) == 1:
        pts = series[0]["forecast"]
        nxt = pts[0]
        band = f"{num(nxt['lower80'], fmt, lang)}–{num(nxt['upper80'], fmt, lang)}"
        total = sum(p["value"] for p in pts if p.get("value") is not None)
        if lang == "zh":
            text = f"预计{label} {nxt['label']} 为 {num(nxt['value'], fmt, lang)}（80% 区间 {band}）"
            if additive and len(pts) > 1:
                text += f"；未来 {len(pts)} 期（{pts[0]['label']}–{pts[-1]['label']}）合计约 {num(total, fmt, lang)}"
            return text + "。"
        text = f"{label} is forecast at {num(nxt['value'], fmt, lang)} for {nxt['label']} (80% interval {band})"
        if additive and len(pts) > 1:
            text += f"; about {num(total, fmt, lang)} in total over the next {len(pts)} periods ({pts[0]['label']}–{pts[-1]['label']})"
        return text + "."
    parts = [f"{s['key']} {num(s['forecast'][0]['value'], fmt, lang)}" for s in series[:3]]
    when = series[0]["forecast"][0]["label"]
    if lang == "zh":
        return f"预计{label} {when}：" + "、".join(parts) + (f" 等 {len(series)} 项。" if len(series) > 3 else "。")
    return f"{label} forecast for {when}: " + ", ".join(parts) + (f" and {len(series) - 3} more." if len(series) > 3 else ".")


def periods_summary(label: str, fmt: str | None, values: list[tuple[str, float | None]], lang: str,
                    difference: bool = False) -> str:
    """Two periods compared: '产量：2025年1-10月 16,694，2026年1-10月 15,570，比前者 -6.7%' (the difference itself
    instead of the growth when `difference`; rates in percentage points)."""
    (p1, v1), (_p2, v2) = values[0], values[-1]
    shown = [f"{p} {num(v, fmt, lang) if v is not None else ('无数据' if lang == 'zh' else 'no data')}" for p, v in values]
    change = ""
    if difference and v1 is not None and v2 is not None and fmt not in ("percent", "percentage"):
        d = v2 - v1
        change = (f"，{'多' if d >= 0 else '少'} {num(abs(d), fmt, lang)}" if lang == "zh"
                  else f", {num(abs(d), fmt, lang)} {'more' if d >= 0 else 'less'}")
    else:
        change = change_text(v2, v1, fmt, (f"比{p1}", f"vs {p1}"), lang)
    return (f"{label}：{'，'.join(shown)}{change}。" if lang == "zh" else f"{label}: {', '.join(shown)}{change}.")
