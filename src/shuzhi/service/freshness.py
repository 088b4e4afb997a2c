"""Data freshness: the dates a metric has data for, and what that means for a period (数据截至).

    dates = metric_dates(ex, ["revenue", "win_rate"])        # {metric: (first, last) | None}
    info = freshness(ex, spec)                               # the answer's `freshness` (or None)

Invariants
- A metric's dates are the first and last day of its own time field (the field it is dated by) among
  the rows the caller may see: they are read as QuerySpecs through the executor, so row and column
  rules apply, and they are cached in the result cache like any answer (per model version, data
  version — the warehouse version — and the caller's rule signature).
- A derived metric is complete only up to its least fresh part: its last date is the earliest last
  date of its aggregate parts (rd_intensity = rd_spend / revenue ends where rd_spend ends), its first
  date the latest first date. A part without a time field, or one the caller may not read, is skipped;
  a metric none of whose parts has dates has no dates (None), and nothing is said about it.
- A period is empty for a query when, for every metric of the query that has dates, the period ends
  before the first date or starts after the last date. Only the shared time axis (`time`) or a
  metric's own time field counts as the query's period.
- The latest period with data (`latest`) keeps the kind of period that was asked for
  (spec.time_ranges.anchored_range): a relative preset is anchored at the data's last date, an
  explicit range is moved by whole years towards the data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from shuzhi.errors import ShuzhiError
from shuzhi.model.checks import leaf_metrics
from shuzhi.model.dashboards import Component, DashboardDef
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.time_ranges import anchored_range, relative_range

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.service.executor import Executor
    from shuzhi.spec.resolve import UserContext

Dates = tuple[dt.date, dt.date] | None


def _day(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and len(v) >= 10:
        return dt.date.fromisoformat(v[:10])
    return None


def _leaf_dates(ex: Executor, leaf: str) -> Dates:
    """(first, last) day of one aggregate metric's time field, as the executor's user sees the rows."""
    m = ex.index.metrics[leaf]
    if m.time is None:
        return None
    out: list[dt.date] = []
    for desc in (False, True):
        spec = {"metrics": [leaf], "dimensions": [{"field": "time", "grain": "day", "name": "d"}],
                "order_by": [{"field": "d", "desc": desc}], "limit": 1}
        try:
            rows = ex.run(spec).table.column(0).to_pylist()
        except ShuzhiError:
            return None  # a metric the caller may not read, or one the model cannot date
        day = _day(rows[0]) if rows else None
        if day is None:
            return None
        out.append(day)
    return out[0], out[1]


def _leaves(index: Any, name: str) -> list[str]:
    """leaf_metrics, kept per model version (parsing formulas is sqlglot work)."""
    from shuzhi.service.pipeline import index_cache

    cache = index_cache(index, "leaf_metrics", 4096)
    found = cache.get(name)
    if found is None:
        found = leaf_metrics(index, name)
        cache.put(name, found)
    return list(found)


def metric_dates(ex: Executor, metrics: list[str]) -> dict[str, Dates]:
    """{metric: (first, last) day with data} for the caller of `ex`; None for a metric without dates."""
    leaves: dict[str, Dates] = {}
    out: dict[str, Dates] = {}
    for name in metrics:
        if name not in ex.index.metrics:
            out[name] = None
            continue
        parts = []
        for leaf in _leaves(ex.index, name):
            if leaf not in leaves:
                leaves[leaf] = _leaf_dates(ex, leaf)
            if leaves[leaf] is not None:
                parts.append(leaves[leaf])
        out[name] = (max(p[0] for p in parts), min(p[1] for p in parts)) if parts else None
    return out


def query_metrics(qs: QuerySpec) -> list[str]:
    """The model metrics a spec reads (computes name the metric they are based on)."""
    names: list[str] = []
    for m in qs.metrics:
        name = m if isinstance(m, str) else (next(iter(m.compute.values())) if m.compute else m.name)
        if name not in names:
            names.append(name)
    return names


def period_of(qs: QuerySpec, today: dt.date, time_fields: set[str]) -> tuple[dt.date | None, dt.date | None] | None:
    """The query's [start, end] on the time axis (either end may be open), or None without one."""
    tr = qs.time_range
    if tr is None or (tr.field != "time" and tr.field not in time_fields):
        return None
    if tr.relative:
        return relative_range(tr.relative, today)
    return tr.start, tr.end


def is_empty(period: tuple[dt.date | None, dt.date | None], dates: Dates) -> bool:
    if dates is None:
        return False
    start, end = period
    return (start is not None and start > dates[1]) or (end is not None and end < dates[0])


def describe(dates: dict[str, Dates], period: tuple[dt.date | None, dt.date | None] | None,
             relative: str | None, today: dt.date) -> dict[str, Any] | None:
    """The `freshness` of an answer: data's last (and first) date, whether the period is empty, and
    the latest period of the same kind that has data."""
    known = {k: v for k, v in dates.items() if v is not None}
    if not known:
        return None
    first = min(v[0] for v in known.values())
    last = max(v[1] for v in known.values())
    out: dict[str, Any] = {"first_date": first.isoformat(), "last_date": last.isoformat(),
                           "metrics": {k: v[1].isoformat() for k, v in known.items()},
                           "period": None, "empty": False, "latest": None}
    if period is None:
        return out
    start, end = period
    out["period"] = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None,
                     "relative": relative}
    out["empty"] = all(is_empty(period, v) for v in known.values())
    if out["empty"]:
        s, e = anchored_range(relative, start, end, first, last, today)
        out["latest"] = {"start": s.isoformat(), "end": e.isoformat(), "relative": None}
    return out


def freshness(ex: Executor, spec: QuerySpec | dict[str, Any]) -> dict[str, Any] | None:
    """The answer's freshness for the executor's user (None when no metric of the spec has dates)."""
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    names = query_metrics(qs)
    if not names:
        return None
    dates = metric_dates(ex, names)
    time_fields = {f"{m.dataset}.{m.time}" for n in names if (m := ex.index.metrics.get(n)) and m.time}
    today = ex.rt.settings.today_date(qs.timezone)
    period = period_of(qs, today, time_fields)
    return describe(dates, period, qs.time_range.relative if qs.time_range else None, today)


# -- dashboards ---------------------------------------------------------------------------------
def _component_metrics(c: Component) -> list[str]:
    try:
        return query_metrics(parse_spec(c.spec)) if c.spec is not None else []
    except Exception:  # noqa: BLE001 - a bad spec is reported by the component's own answer
        return []


def dashboard_dates(ex: Executor, d: DashboardDef) -> dict[str, Dates]:
    """The dates of every metric the dashboard's charts and KPIs read, for the executor's user."""
    names: list[str] = []
    for c in d.components:
        if c.kind in ("chart", "kpi"):
            names += [n for n in _component_metrics(c) if n not in names]
    return metric_dates(ex, names)


def _as_date(v: Any) -> dt.date | None:
    return _day(v) if v else None


def anchor_defaults(d: DashboardDef, filters: dict[str, Any], dates: dict[str, Dates], today: dt.date
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(filter values to use, {date filter id: its period}) — the rule for a dashboard's period.

    A date-range filter whose value is its default (the viewer chose nothing) and whose period has no
    data for any chart or KPI in its scope shows the latest period of the same kind that has data
    (anchored_range: 今年 → the year of the data's last date); `anchored` says so. A period the
    viewer chose is kept as chosen: it is `empty`, and `latest` offers the latest period with data."""
    out = dict(filters)
    periods: dict[str, Any] = {}
    for flt in d.filters():
        f = flt.filter
        assert f is not None
        if f.control != "date_range":
            continue
        value = filters[flt.id] if flt.id in filters else f.default
        if not isinstance(value, dict) or not any(value.get(k) for k in ("relative", "start", "end")):
            continue
        relative = value.get("relative")
        try:
            period = relative_range(relative, today) if relative else (_as_date(value.get("start")),
                                                                     _as_date(value.get("end")))
        except ValueError:
            continue  # an unknown preset is refused by the filter itself
        known = [v for c in d.components if c.kind in ("chart", "kpi") and d.in_scope(flt, c.id)
                 for n in _component_metrics(c) if (v := dates.get(n)) is not None]
        if not known:
            continue
        first, last = min(v[0] for v in known), max(v[1] for v in known)
        s, e = period
        entry: dict[str, Any] = {"relative": relative, "start": s.isoformat() if s else None,
                                 "end": e.isoformat() if e else None, "first_date": first.isoformat(),
                                 "last_date": last.isoformat(), "empty": all(is_empty(period, v) for v in known),
                                 "anchored": False, "latest": None, "asked": None}
        if entry["empty"]:
            ls, le = anchored_range(relative, s, e, first, last, today)
            entry["latest"] = {"start": ls.isoformat(), "end": le.isoformat(), "relative": None}
            if flt.id not in filters:
                out[flt.id] = {"start": ls.isoformat(), "end": le.isoformat()}
                entry.update(anchored=True, empty=False, start=ls.isoformat(), end=le.isoformat(),
                             asked={"start": entry["start"], "end": entry["end"], "relative": relative})
        periods[flt.id] = entry
    return out, periods


def component_freshness(spec: dict[str, Any], dates: dict[str, Dates], today: dt.date, idx: Any) -> dict[str, Any] | None:
    """The freshness of one component's answer, from the dashboard's metric dates."""
    qs = parse_spec(spec)
    names = query_metrics(qs)
    time_fields = {f"{m.dataset}.{m.time}" for n in names if (m := idx.metrics.get(n)) and m.time}
    return describe({n: dates.get(n) for n in names}, period_of(qs, today, time_fields),
                    qs.time_range.relative if qs.time_range else None, today)


def dashboard_periods(rt: Runtime, d: DashboardDef, req: Any, user: UserContext, today: dt.date,
                      current: tuple[Any, int] | None = None) -> tuple[dict[str, Dates], Any, dict[str, Any]]:
    """(metric dates, the request with anchored default periods, the periods) of one dashboard answer;
    `current` is (index, version) of the default model as the request read it (else read here)."""
    from shuzhi.service.executor import Executor

    ex = Executor(rt, user, current[0], current[1], "ui") if current else Executor.open(rt, user, purpose="ui")
    dates = dashboard_dates(ex, d)
    filters, periods = anchor_defaults(d, req.filters, dates, today)
    return dates, req.model_copy(update={"filters": filters}), periods


def annotate(out: dict[str, Any], plans: list[Any], dates: dict[str, Dates], periods: dict[str, Any],
             today: dt.date, idx: Any) -> None:
    """Each chart's and KPI's `freshness`, and the answer's `periods` and overall `last_date`."""
    for p in plans:
        entry = out["components"][p.component.id]
        entry["freshness"] = None if p.error else component_freshness(p.spec, dates, today, idx)
    out["periods"] = periods
    known = [v[1] for v in dates.values() if v is not None]
    out["last_date"] = max(known).isoformat() if known else None
