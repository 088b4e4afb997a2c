"""The windows a KPI card compares, like with like (pure: spec dicts and dates in, spec dicts out).

    value, pop, windows = kpi_windows(value_spec, dates, today)

Invariants
- The card's period ends on the data's last date when the data ends inside it: 今年 on 2026-12-07 with
  data to 2026-11-30 is 2026-01-01…2026-11-30, so 同比 compares it with 2025-01-01…2025-11-30 (the
  same days), never with a year that had a month more. A period wholly outside the data is returned
  unchanged, without windows (the card says it has no data; there is nothing to compare).
- 同比 (yoy) is the period against the same days a year before.
- 环比 (pop) of a period within one calendar month is that period against the same days of the month
  before (本月至今 12-01…12-07 against 11-01…11-07; a whole month against the whole month before);
  of a longer period (a quarter, a year, 近12个月) it is the period's latest month — to the data's last
  date — against the same days of the month before, answered by a second spec (`pop`), and its
  window says so (`scope: month`). So 同比 and 环比 of 今年 are never the same comparison.
- A rate (format percent) compares by difference (yoy_value / pop_value): the card shows percentage
  points (「↑2.98 个百分点」), not a relative growth of a rate.
- A sparkline's recent history ends at the data's last date when the data ends before today.
- Specs without a time range, or with an open end, are returned unchanged (the card shows the value
  alone, as before).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from shuzhi.spec.time_ranges import anchored_range, month_start, previous_range, relative_range

Dates = tuple[dt.date, dt.date] | None


def _name(m: Any) -> str:
    return m if isinstance(m, str) else str(m.get("name"))


def _window(s: dt.date, e: dt.date, bs: dt.date, be: dt.date, scope: str) -> dict[str, str]:
    return {"start": s.isoformat(), "end": e.isoformat(), "base_start": bs.isoformat(), "base_end": be.isoformat(),
            "scope": scope}


def kpi_windows(value: dict[str, Any], dates: Dates, today: dt.date, *, points: bool = False
                ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """(value spec, 环比 spec or None, {"yoy": window, "pop": window}) of a KPI card's value spec
    (metric, then its yoy / pop computes, as model.dashboard_specs.kpi_specs writes them).

    `points`: the metric is a rate, so its changes are differences (yoy_value / pop_value, shown in
    percentage points), never a relative growth of a rate."""
    if points:
        value = {**value, "metrics": [
            {**m, "compute": {f"{k}_value" if k in ("yoy", "pop") else k: v for k, v in m["compute"].items()}}
            if isinstance(m, dict) and m.get("compute") else m for m in value.get("metrics") or []]}
    tr = value.get("time_range")
    metrics = value.get("metrics") or []
    computes = {next(iter(m["compute"])).removesuffix("_value"): m for m in metrics[1:]
                if isinstance(m, dict) and m.get("compute")}
    if not tr or not computes:
        return value, None, None
    if tr.get("relative"):
        s, e = relative_range(tr["relative"], today)
    elif tr.get("start") and tr.get("end"):
        s, e = dt.date.fromisoformat(str(tr["start"])), dt.date.fromisoformat(str(tr["end"]))
    else:
        return value, None, None
    if dates is not None and (s > dates[1] or e < dates[0]):
        return value, None, None  # no data in the period: nothing to compare (the card says so)
    if dates is not None and dates[1] < e:
        e = dates[1]
    out = copy.deepcopy(value)
    out["time_range"] = {"field": tr.get("field", "time"), "start": s.isoformat(), "end": e.isoformat()}
    windows: dict[str, Any] = {}
    if "yoy" in computes:
        windows["yoy"] = _window(s, e, s - relativedelta(years=1), e - relativedelta(years=1), "period")
    pop_spec = None
    if "pop" in computes:
        if (s.year, s.month) == (e.year, e.month):
            bs, be = previous_range(s, e)
            windows["pop"] = _window(s, e, bs, be, "period")
        else:
            ms = max(s, month_start(e))
            bs, be = previous_range(ms, e)
            windows["pop"] = _window(ms, e, bs, be, "month")
            out["metrics"] = [m for m in metrics if _name(m) != _name(computes["pop"])]
            pop_spec = {**copy.deepcopy(out), "metrics": [metrics[0], copy.deepcopy(computes["pop"])],
                        "time_range": {**out["time_range"], "start": ms.isoformat()}}
    return out, pop_spec, windows


def spark_at_data(spark: dict[str, Any] | None, dates: Dates, today: dt.date) -> dict[str, Any] | None:
    """A sparkline's recent history (近12个月 …) ends at the data's last date when the data ends before
    today (the same rule as a dashboard's default period: the preset anchored at the data)."""
    tr = (spark or {}).get("time_range") or {}
    if spark is None or dates is None or not tr.get("relative") or dates[1] >= today:
        return spark
    s, e = anchored_range(tr["relative"], None, None, dates[0], dates[1], today)
    return {**spark, "time_range": {"field": tr.get("field", "time"), "start": s.isoformat(), "end": e.isoformat()}}
