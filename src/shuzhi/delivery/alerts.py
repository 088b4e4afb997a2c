"""Alert conditions over metric series: what fires, with its evidence. Pure over a Source.

A rule watches one metric at one grain, optionally split by a dimension (one series per member)
and scoped by QuerySpec `where` filters. Its condition is one of:

- threshold  {"type": "threshold", "op": ">"|">="|"<"|"<=", "value": number}
- change     {"type": "change", "compare": "previous"|"last_year", "op": ..., "value": fraction}
             (growth vs the previous period or the same period a year before; -0.2 = a 20 % drop);
             with "direction": "both" the size of the change is compared (|change| > 0.2: 变化超过 20 %)
- anomaly    {"type": "anomaly", "direction": "both"|"up"|"down"}  (shuzhi.ai.insights.anomalies)

and all take "lookback" (how many of the latest complete periods are checked, default 1) and
threshold/change an optional "severity" (low/medium/high, default medium).

Invariants
- Series are read through fetch_series, i.e. through run_query as the Source's user: the rule
  owner's row and column rules apply to what the rule sees.
- Only complete periods are checked (the current, unfinished period is never judged).
- evaluate() also returns what it looked at ("observed": value, and change or threshold, and whether
  the condition is met, per series and checked period; at most MAX_OBSERVED rows, the met ones
  first) so a check on demand can say what it found even when nothing fired.
- Every candidate carries its evidence: value, threshold or expected range, period, series, the
  QuerySpec used, and a description in Chinese and English; (series, period, kind) identifies it.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from typing import Any

import numpy as np

from shuzhi.ai.insights.anomalies import MIN_SHARE, detect_series
from shuzhi.ai.insights.series import SeriesSet, Source, fetch_series, period_label, series_spec
from shuzhi.errors import ShuzhiError
from shuzhi.results.format import format_growth, format_value

KINDS = ("threshold", "change", "anomaly")
OPS: dict[str, Any] = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
OP_ZH = {">": "高于", ">=": "不低于", "<": "低于", "<=": "不高于"}
OP_EN = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
COMPARES = ("previous", "last_year")
SEVERITIES = ("low", "medium", "high")
MAX_LOOKBACK = 60
MAX_OBSERVED = 500


def _bad(zh: str, en: str) -> ShuzhiError:
    return ShuzhiError("alert_condition_invalid", f"告警条件无效：{zh}", f"Invalid alert condition: {en}")


def _number(v: Any, what_zh: str, what_en: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise _bad(f"{what_zh}必须是数字。", f"{what_en} must be a number.")
    return float(v)


def check_condition(cond: Any) -> dict[str, Any]:
    """Validate a condition and return it normalised (defaults filled in, unknown keys refused)."""
    if not isinstance(cond, dict):
        raise _bad("应是一个对象，例如 {\"type\": \"threshold\", \"op\": \">\", \"value\": 100}。",
                   'it must be an object, e.g. {"type": "threshold", "op": ">", "value": 100}.')
    kind = cond.get("type")
    if kind not in KINDS:
        raise _bad(f"type 只能是 {'、'.join(KINDS)}。", f"type must be one of {', '.join(KINDS)}.")
    allowed = {"type", "lookback", "severity"} | {
        "threshold": {"op", "value"}, "change": {"op", "value", "compare", "direction"}, "anomaly": {"direction"}}[kind]
    extra = sorted(set(cond) - allowed)
    if extra:
        raise _bad(f"不认识的字段 {'、'.join(extra)}。", f"unknown field(s) {', '.join(extra)}.")
    lookback = cond.get("lookback", 1)
    if isinstance(lookback, bool) or not isinstance(lookback, int) or not 1 <= lookback <= MAX_LOOKBACK:
        raise _bad(f"lookback 须是 1 到 {MAX_LOOKBACK} 的整数。", f"lookback must be an integer from 1 to {MAX_LOOKBACK}.")
    out: dict[str, Any] = {"type": kind, "lookback": lookback}
    if kind in ("threshold", "change"):
        if cond.get("op") not in OPS:
            raise _bad(f"op 只能是 {' '.join(OPS)}。", f"op must be one of {' '.join(OPS)}.")
        out["op"] = cond["op"]
        out["value"] = _number(cond.get("value"), "value ", "value")
        sev = cond.get("severity", "medium")
        if sev not in SEVERITIES:
            raise _bad(f"severity 只能是 {'、'.join(SEVERITIES)}。", f"severity must be one of {', '.join(SEVERITIES)}.")
        out["severity"] = sev
    if kind == "change":
        compare = cond.get("compare", "previous")
        if compare not in COMPARES:
            raise _bad("compare 只能是 previous（环比）或 last_year（同比）。",
                       "compare must be previous (vs the previous period) or last_year (vs a year before).")
        out["compare"] = compare
        if "direction" in cond:  # only "both": up and down are op and the value's sign
            if cond["direction"] != "both":
                raise _bad("变化率的 direction 只能是 both（按变化幅度比较）。",
                           "direction of a change can only be both (compare the size of the change).")
            if out["value"] < 0:
                raise _bad("按变化幅度比较时 value 不能为负。", "value cannot be negative when comparing the size of a change.")
            out["direction"] = "both"
    if kind == "anomaly":
        direction = cond.get("direction", "both")
        if direction not in ("both", "up", "down"):
            raise _bad("direction 只能是 both、up 或 down。", "direction must be both, up or down.")
        out["direction"] = direction
    return out


def _say(v: float, fmt: str | None, lang: str = "zh") -> str:
    """A value inside an alert's sentence."""
    return format_value(v, fmt, lang, style="sentence")


def describe_condition(cond: dict[str, Any], fmt: str | None = None) -> tuple[str, str]:
    """The condition in words (zh, en)."""
    k = cond["type"]
    if k == "threshold":
        vz, ve = _say(cond["value"], fmt), _say(cond["value"], fmt, "en")
        return f"{OP_ZH[cond['op']]} {vz}", f"{OP_EN[cond['op']]} {ve}"
    if k == "change":
        zh_c, en_c = ("环比", "vs the previous period") if cond["compare"] == "previous" else ("同比", "vs a year before")
        if cond.get("direction") == "both":
            v = format_value(cond["value"], "percent", "zh", style="sentence")
            ve = format_value(cond["value"], "percent", "en", style="sentence")
            return (f"{zh_c}变化幅度{OP_ZH[cond['op']]} {v}",
                    f"size of the change {en_c} {OP_EN[cond['op']]} {ve}")
        v = format_growth(cond["value"])
        return f"{zh_c}变化{OP_ZH[cond['op']]} {v}", f"change {en_c} {OP_EN[cond['op']]} {v}"
    d = cond.get("direction", "both")
    zh = {"both": "出现异常", "up": "异常偏高", "down": "异常偏低"}[d]
    en = {"both": "is anomalous", "up": "is anomalously high", "down": "is anomalously low"}[d]
    return zh, en


def _year_before(p: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return p - dt.timedelta(weeks=52)
    if grain == "day":
        try:
            return p.replace(year=p.year - 1)
        except ValueError:  # 29 February
            return p.replace(year=p.year - 1, day=28)
    return p.replace(year=p.year - 1)


def evaluate(src: Source, metric: str, grain: str, condition: dict[str, Any], *, by: str | None = None,
             where: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Check a (validated) condition on the latest complete periods. Returns {"spec", "series_checked",
    "periods_checked", "candidates": [...], "notes"}; each candidate is one (series, period) that meets it."""
    ss = fetch_series(src, metric, grain, by=by, where=where)
    spec = series_spec(metric, grain, by=by, where=where)
    lookback = condition.get("lookback", 1)
    first = max(0, len(ss.periods) - lookback)
    observed: list[dict[str, Any]] = []
    if condition["type"] == "anomaly":
        found = _anomalies(ss, condition, first, observed)
    else:
        found = _threshold_or_change(ss, condition, first, observed)
    for c in found:
        c["evidence"].update({"metric": metric, "label_metric": ss.label, "grain": grain, "by": by,
                              "spec": spec, "unit": ss.unit, "format": ss.format})
    return {"spec": spec, "series_checked": len(ss.series),
            "periods_checked": [p.isoformat() for p in ss.periods[first:]], "candidates": found,
            "notes": ss.notes, "observed": _cap(observed), "observed_total": len(observed),
            "label": ss.label, "label_en": ss.label_en, "unit": ss.unit, "format": ss.format}


def _cap(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The met rows first (then by series and period), at most MAX_OBSERVED."""
    return sorted(rows, key=lambda r: (not r["met"], r["series"] or "", r["period"]))[:MAX_OBSERVED]


def _who(key: str | None) -> tuple[str, str]:
    return (f"{key} 的", f" for {key}") if key else ("", "")


def _threshold_or_change(ss: SeriesSet, cond: dict[str, Any], first: int,
                         observed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    op, target, kind = OPS[cond["op"]], cond["value"], cond["type"]
    pos = {p: i for i, p in enumerate(ss.periods)}
    cz, ce = describe_condition(cond, ss.format)
    out = []
    for s in ss.series:
        for i in range(first, len(ss.periods)):
            p, y = ss.periods[i], s.values[i]
            lbl = period_label(p, ss.grain)
            seen: dict[str, Any] = {"series": s.key, "period": p.isoformat(), "label": lbl,
                                    "value": float(y) if np.isfinite(y) else None, "met": False}
            observed.append(seen)
            if not np.isfinite(y):
                continue
            wz, we = _who(s.key)
            ev: dict[str, Any] = {"kind": kind, "series": s.key, "period": p.isoformat(), "label": lbl,
                                  "value": float(y), "op": cond["op"], "condition": cond}
            if kind == "threshold":
                if not op(float(y), target):
                    continue
                seen["met"] = True
                ev["threshold"] = target
                zh = (f"{lbl}，{wz}{ss.label}为 {_say(float(y), ss.format)}，{cz}（告警阈值）。")
                en = (f"In {lbl}, {ss.label_en or ss.label}{we} was {_say(float(y), ss.format, 'en')}, {ce} "
                      "(the alert threshold).")
            else:
                j = i - 1 if cond["compare"] == "previous" else pos.get(_year_before(p, ss.grain))
                if j is None or j < 0:
                    continue
                base = s.values[j]
                if not np.isfinite(base) or base == 0:
                    continue
                change = float(y / base - 1)
                seen.update(compare_value=float(base), change=round(change, 6),
                            compare_label=period_label(ss.periods[j], ss.grain))
                if not op(abs(change) if cond.get("direction") == "both" else change, target):
                    continue
                seen["met"] = True
                bl = period_label(ss.periods[j], ss.grain)
                ev.update({"compare": cond["compare"], "compare_period": ss.periods[j].isoformat(),
                           "compare_label": bl, "compare_value": float(base), "change": round(change, 6),
                           "threshold": target})
                zh_c = "环比" if cond["compare"] == "previous" else "同比"
                en_c = "vs the previous period" if cond["compare"] == "previous" else "vs a year before"
                zh = (f"{lbl}，{wz}{ss.label}为 {_say(float(y), ss.format)}，{zh_c} {format_growth(change)}"
                      f"（{bl}：{_say(float(base), ss.format)}），满足条件「{cz}」。")
                en = (f"In {lbl}, {ss.label_en or ss.label}{we} was {_say(float(y), ss.format, 'en')}, "
                      f"{format_growth(change)} {en_c} ({bl}: {_say(float(base), ss.format, 'en')}), meeting '{ce}'.")
            out.append({"series": s.key, "period": p.isoformat(), "kind": kind, "value": float(y),
                        "severity": cond["severity"], "description_zh": zh, "description_en": en, "evidence": ev})
    return out


def _anomalies(ss: SeriesSet, cond: dict[str, Any], first: int,
               observed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Anomalies (shuzhi.ai.insights.anomalies, judged on the whole history) in the checked periods."""
    additive = ss.kind.kind == "additive"
    checked = {p.isoformat() for p in ss.periods[first:]}
    direction = cond.get("direction", "both")
    total = sum(float(np.nansum(np.abs(s.values))) for s in ss.series) if additive and ss.by else 0.0
    out = []
    for s in ss.series:
        seen = {p.isoformat(): {"series": s.key, "period": p.isoformat(), "label": period_label(p, ss.grain),
                                "value": float(v) if np.isfinite(v) else None, "met": False}
                for p, v in zip(ss.periods[first:], s.values[first:], strict=True)}
        observed.extend(seen.values())
        if total > 0 and float(np.nansum(np.abs(s.values))) / total < MIN_SHARE:
            continue  # as anomalies(): members this small are too noisy to alert on
        log = additive and bool(np.nanmin(s.values) >= 0) if np.isfinite(s.values).any() else False
        for a in detect_series(s.values, ss.periods, ss.grain, ss.season, log=log, key=s.key, label=ss.label,
                               fmt=ss.format, label_en=ss.label_en):
            if a["period"] not in checked or direction not in ("both", a["direction"]):
                continue
            seen[a["period"]].update(met=True, expected=a["expected"], lower=a["lower"], upper=a["upper"])
            ev = {"kind": "anomaly", "condition": cond, **{k: a[k] for k in (
                "series", "period", "label", "value", "expected", "lower", "upper", "z", "direction", "change",
                "pop", "yoy", "method")}}
            out.append({"series": s.key, "period": a["period"], "kind": "anomaly", "value": a["value"],
                        "severity": a["severity"], "description_zh": a["description_zh"],
                        "description_en": a["description_en"], "evidence": ev})
    return out
