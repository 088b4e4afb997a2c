"""The batch data of a dashboard: every component's query, with the viewer's filters, cross-filters
(联动) and drill paths applied, answered in parallel in one request.

Invariants
- A filter control applies only to the components in its scope; a cross-filter (a clicked element)
  to every chart and KPI except the one clicked. A filter on a field that a component's metrics
  cannot reach (no many-to-one join path, e.g. customers.region on defect_rate) is skipped for that
  component and listed in its `ignored_filters`, never an error: dashboards mix subject areas.
- Values chosen by the viewer become filter values of the QuerySpec only; the queries run as the
  viewer (row and column rules apply) through the same pipeline as POST /query.
- One component's failure is reported in that component (`error`) and does not fail the others.
- Concurrency: the caller reads what it needs from the catalog (dashboard, model index) and closes
  its session before plan() and run_plans(); no catalog connection is held while queries run or
  while waiting for another request. Queries run on the process-wide DashboardAnswers.pool (bounded,
  sized from the machine), not on threads made per request.
- Identical concurrent requests are answered once (single-flight): the key is answer_key(), i.e. the
  dashboard and its version, the request (filters, cross-filters, drill, components), the viewer's
  rule signature (role for column rules, attributes for row rules — the same parts the query cache
  keys on), the model version, the data version, today and the language. Two viewers whose row
  rules differ never share an answer. Answers without component errors are kept (bounded LRU) until
  one of those parts changes; direct-mode models are only single-flighted, never kept.
- Plan cache (cached_plan): the plans of a request are kept on the model index (one model version;
  bounded, PLANS_MAX) keyed by the dashboard and its version, the request after its default periods
  are anchored, the viewer's rule signature, today, the metric dates and an embed's fixed filters, so
  an answer whose queries are cached does no sqlglot work. Plans are shared: callers never mutate a
  Plan's spec dicts (run_plans copies what it merges).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shuzhi.engines.cache import ResultCache, cache_key
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboard_specs import (
    Piece,
    apply_pieces,
    cross_piece,
    drill_spec,
    filter_piece,
    hierarchy_of,
    kpi_specs,
)
from shuzhi.model.dashboards import Component, DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.results.encoders import json_value
from shuzhi.results.result import QueryResult
from shuzhi.service import plan_query
from shuzhi.service.pipeline import index_cache
from shuzhi.spec.dashboards import hierarchy_levels
from shuzhi.spec.kpi_windows import kpi_windows, spark_at_data
from shuzhi.spec.query_spec import Scalar
from shuzhi.spec.resolve import UserContext

SKIPPABLE = {"not_reachable", "fan_out"}  # a filter this component's metrics cannot use


class CrossFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(max_length=64, description="The component whose element was clicked.")
    field: str = Field(max_length=200)
    value: Scalar = None


class DataRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filters: dict[str, Any] = Field(default={}, description="Filter component id → value; absent ids use "
                                    "their default, null clears.")
    cross: list[CrossFilter] = Field(default=[], max_length=10)
    drill: dict[str, list[Scalar]] = Field(default={}, description="Component id → clicked values, top first.")
    components: list[str] | None = Field(default=None, description="Only these components (default: all).")


@dataclass
class Plan:
    component: Component
    spec: dict[str, Any]
    spark: dict[str, Any] | None = None
    chart: dict[str, Any] | None = None
    ignored: list[str] = field(default_factory=list)
    drill: dict[str, Any] | None = None
    error: ShuzhiError | None = None
    pop: dict[str, Any] | None = None  # a KPI's 环比 of the latest month, when its period is longer
    windows: dict[str, Any] | None = None  # the periods a KPI's 同比 / 环比 compare


def _pieces(d: DashboardDef, req: DataRequest, idx: ModelIndex) -> list[tuple[str, Component | None, Piece]]:
    """(filter id or 'cross:<source>', the filter component, piece) for every active filter value."""
    levels = hierarchy_levels(idx)
    out: list[tuple[str, Component | None, Piece]] = []
    unknown = [k for k in req.filters if d.component(k) is None or d.component(k).kind != "filter"]  # type: ignore[union-attr]
    if unknown:
        raise ShuzhiError("unknown_filter", f"仪表板没有筛选器 {', '.join(unknown)}。",
                          f"The dashboard has no filter {', '.join(unknown)}.", details={"filters": unknown})
    for flt in d.filters():
        assert flt.filter is not None
        value = req.filters[flt.id] if flt.id in req.filters else flt.filter.default
        try:
            piece = filter_piece(flt.filter, value, levels=levels.get(flt.filter.hierarchy or ""),
                                 is_metric=flt.filter.field in idx.metrics)
        except ValueError as exc:
            raise ShuzhiError("filter_value_invalid", f"筛选器 {flt.id} 的取值有误：{exc}",
                              f"The value of filter {flt.id} is invalid: {exc}") from None
        if piece:
            out.append((flt.id, flt, piece))
    for cf in req.cross:
        src = d.component(cf.source)
        if src is None:
            raise ShuzhiError("unknown_component", f"仪表板没有组件 {cf.source}。",
                              f"The dashboard has no component {cf.source}.")
        if cf.field != "time" and cf.field not in idx.shared:
            idx.resolve_field(cf.field, dimension_only=True)  # unknown fields are a 4xx
        out.append((f"cross:{cf.source}", src, cross_piece(cf.field, cf.value)))
    return out


def validate_filters(d: DashboardDef, req: DataRequest, idx: ModelIndex) -> None:
    """Raise the 4xx the data API would for these filter values (unknown filter, bad value)."""
    _pieces(d, req, idx)


def _applies(key: str, owner: Component | None, d: DashboardDef, c: Component) -> bool:
    if key.startswith("cross:"):
        return owner is not None and owner.id != c.id
    return owner is not None and d.in_scope(owner, c.id)


def _fit(spec: dict[str, Any], pieces: list[tuple[str, Piece]], idx: ModelIndex, user: UserContext,
         today: dt.date) -> tuple[dict[str, Any], list[str]]:
    """The spec with every piece its metrics can use; the others are named as ignored."""
    def compiles(s: dict[str, Any]) -> bool:
        try:
            plan_query(s, idx, user, today)
            return True
        except ShuzhiError as err:
            if err.code in SKIPPABLE:
                return False
            raise

    full = apply_pieces(spec, [p for _, p in pieces])
    if not pieces or compiles(full):
        return full, []
    kept: list[Piece] = []
    ignored: list[str] = []
    for key, p in pieces:
        if compiles(apply_pieces(spec, [*kept, p])):
            kept.append(p)
        else:
            ignored.append(key)
    return apply_pieces(spec, kept), ignored


def plan(d: DashboardDef, req: DataRequest, idx: ModelIndex, user: UserContext, today: dt.date,
         dates: dict[str, Any] | None = None, fixed: list[Piece] | None = None) -> list[Plan]:
    """Every chart's and KPI's spec; `dates` (metric → first and last day with data, from
    service.freshness) let a KPI compare like with like (spec.kpi_windows).

    `fixed` (an embed token's filters, delivery/embed_tokens.py) are where-pieces put into every
    component's base spec: never skipped like a viewer's filter — a component that cannot use one
    fails (its query is refused) instead of showing unfiltered rows."""
    pieces = _pieces(d, req, idx)
    levels = hierarchy_levels(idx)
    wanted = set(req.components) if req.components is not None else None
    plans: list[Plan] = []
    for c in d.components:
        if c.kind not in ("chart", "kpi") or c.spec is None or (wanted is not None and c.id not in wanted):
            continue
        mine = [(k, p) for k, owner, p in pieces if _applies(k, owner, d, c)]
        chart = c.chart
        base = c.spec
        drill_info = None
        if c.kind == "chart":
            found = hierarchy_of(base, levels, c.drill)
            if found:
                h, di, li = found
                path = list(req.drill.get(c.id, []))
                base, chart, level = drill_spec(base, chart, levels[h], di, li, path)
                drill_info = {"hierarchy": h, "levels": levels[h], "level": level, "start": li,
                              "path": path[: level - li], "can_drill": level + 1 < len(levels[h])}
        if fixed:
            base = apply_pieces(base, fixed)
        try:
            spec, ignored = _fit(base, mine, idx, user, today)
            p = Plan(c, spec, chart=chart.model_dump(exclude_none=True) if chart else None, ignored=ignored,
                     drill=drill_info)
            if c.kind == "kpi" and c.kpi is not None:
                p.spec, p.spark = kpi_specs(spec, c.kpi)
                metric = p.spec["metrics"][0]
                rate = metric in idx.metrics and idx.metrics[metric].format == "percent"
                p.spec, p.pop, p.windows = kpi_windows(p.spec, (dates or {}).get(metric), today, points=rate)
                p.spark = spark_at_data(p.spark, (dates or {}).get(metric), today)
        except ShuzhiError as err:
            p = Plan(c, base, error=err)
        plans.append(p)
    return plans


PLANS_MAX = 256  # request plans kept per model version


def cached_plan(dashboard: tuple[int, int], d: DashboardDef, req: DataRequest, idx: ModelIndex, user: UserContext,
                today: dt.date, dates: dict[str, Any] | None = None, fixed: list[Piece] | None = None) -> list[Plan]:
    """plan() through the plan cache of `idx`; `dashboard` is (id, version) of `d`. A request that fails
    to plan (a 4xx) is not kept."""
    cache = index_cache(idx, "dashboard_plans", PLANS_MAX)
    key = cache_key("dashboard-plan", *dashboard, req.model_dump(mode="json"), rule_signature(user),
                    today.isoformat(), {k: [v[0].isoformat(), v[1].isoformat()] if v else None
                                        for k, v in (dates or {}).items()}, fixed or [])
    hit = cache.get(key)
    if hit is None:
        hit = plan(d, req, idx, user, today, dates, fixed=fixed)
        cache.put(key, hit)
    return [copy.copy(p) for p in hit]


def _merge_key(spec: dict[str, Any]) -> str:
    """KPI queries that differ only in their metrics can be answered by one query."""
    return json.dumps({k: v for k, v in spec.items() if k != "metrics"}, sort_keys=True, ensure_ascii=False)


def _batches(plans: list[Plan]) -> list[tuple[list[tuple[Plan, str, list[str]]], dict[str, Any]]]:
    """Queries to run: each is [(plan, slot, its output columns)] and one spec. KPI values and KPI
    sparklines with the same filters share one query (one scan for the four cockpit KPIs)."""
    out: list[tuple[list[tuple[Plan, str, list[str]]], dict[str, Any]]] = []
    groups: dict[tuple[str, str], int] = {}
    for p in plans:
        if p.error is not None:
            continue
        slots = [("result", p.spec)] + ([("spark", p.spark)] if p.spark is not None else []) + (
            [("pop", p.pop)] if p.pop is not None else [])
        for slot, spec in slots:
            if p.component.kind != "kpi":
                out.append(([(p, slot, [])], spec))
                continue
            names = [m if isinstance(m, str) else m["name"] for m in spec["metrics"]]
            key = (slot, _merge_key(spec))
            if key in groups:
                members, merged = out[groups[key]]
                have = {m if isinstance(m, str) else m["name"] for m in merged["metrics"]}
                merged["metrics"] = [*merged["metrics"], *(m for m in spec["metrics"]
                                                           if (m if isinstance(m, str) else m["name"]) not in have)]
                members.append((p, slot, names))
            else:
                groups[key] = len(out)
                out.append(([(p, slot, names)], {**spec, "metrics": list(spec["metrics"])}))
    return out


def _pick(result: dict[str, Any], names: list[str], keep_dims: bool) -> dict[str, Any]:
    """The columns of one member out of a merged result (dimensions first when kept)."""
    cols = result["columns"]
    idx = [i for i, c in enumerate(cols) if keep_dims and c.get("role") == "dimension"]
    idx += [next(i for i, c in enumerate(cols) if c["name"] == n) for n in names]
    return {**result, "columns": [cols[i] for i in idx], "rows": [[r[i] for i in idx] for r in result["rows"]]}


def run_plans(plans: list[Plan], run: Callable[[dict[str, Any]], QueryResult], lang: str,
              workers: int = 4, executor: Executor | None = None) -> dict[str, Any]:
    """Answer every plan (value and sparkline queries) in parallel; errors stay per component.

    With `executor` (the process-wide pool) the queries run there; else on `workers` threads of
    this call. The executor's tasks never wait on the executor itself, so it cannot deadlock.
    A merged KPI query that fails is retried per component, so one KPI's problem stays its own."""
    t0 = time.perf_counter()

    def answer(spec: dict[str, Any]) -> Any:
        try:
            r = run(spec).to_json_obj()
            r.pop("sql", None)
            return r
        except ShuzhiError as err:
            return err

    def one(batch: tuple[list[tuple[Plan, str, list[str]]], dict[str, Any]]) -> list[tuple[Plan, str, Any]]:
        members, spec = batch
        value = answer(spec)
        if len(members) == 1 and not members[0][2]:
            return [(members[0][0], members[0][1], value)]
        if isinstance(value, ShuzhiError) and len(members) > 1:
            return [(p, slot, answer({"result": p.spec, "spark": p.spark, "pop": p.pop}[slot] or {}))
                    for p, slot, _ in members]
        if isinstance(value, ShuzhiError):
            return [(members[0][0], members[0][1], value)]
        return [(p, slot, _pick(value, names, keep_dims=slot == "spark")) for p, slot, names in members]

    out: dict[str, Any] = {}
    for p in plans:
        out[p.component.id] = {"id": p.component.id, "kind": p.component.kind, "result": None, "spark": None,
                               "chart": p.chart, "spec": p.spec, "ignored_filters": p.ignored, "drill": p.drill,
                               "error": _err(p.error, lang) if p.error else None, "windows": p.windows}
    batches = _batches(plans)
    if batches:
        if executor is not None:
            answered = list(executor.map(one, batches))
        else:
            with ThreadPoolExecutor(max_workers=max(1, min(workers, len(batches)))) as pool:
                answered = list(pool.map(one, batches))
        for answers in answered:
            for p, slot, value in answers:
                entry = out[p.component.id]
                if isinstance(value, ShuzhiError):
                    entry["error"] = entry["error"] or _err(value, lang)
                else:
                    entry[slot] = value
    for entry in out.values():
        _add_pop(entry)
    return {"components": out, "queries": len(batches),
            "timings_ms": {"total": round((time.perf_counter() - t0) * 1000, 1)}}


def _add_pop(entry: dict[str, Any]) -> None:
    """A KPI's 环比 answered by its own spec becomes the last column of its result, as if one query."""
    pop = entry.pop("pop", None)
    res = entry.get("result")
    if pop is None or res is None or not pop["rows"]:
        return
    entry["result"] = {**res, "columns": [*res["columns"], pop["columns"][-1]],
                       "rows": [[*res["rows"][0], pop["rows"][0][-1]]] if res["rows"] else []}


def _err(err: ShuzhiError, lang: str) -> dict[str, str]:
    return {"code": err.code, "message": err.message(lang)}


# -- concurrency ------------------------------------------------------------------------------
def rule_signature(user: UserContext) -> dict[str, Any]:
    """What row and column rules read of a user: answers may be shared only when this is equal."""
    return {"role": user.role, "attributes": user.attributes}


def answer_key(dashboard_id: int, dashboard_version: int, req: DataRequest, user: UserContext, model: str,
               model_version: int, data_version: str, today: dt.date, lang: str,
               fixed: list[Piece] | None = None) -> str:
    return cache_key("dashboard-data", dashboard_id, dashboard_version, req.model_dump(mode="json"),
                     rule_signature(user), model, model_version, data_version, today.isoformat(), lang, fixed or [])


class DashboardAnswers:
    """Process-wide: the bounded pool dashboard queries run on, and the single-flight (+ bounded
    LRU) of whole answers, kept as encoded JSON bytes."""

    def __init__(self, threads: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="dashboard-query")
        # cache.misses counts the answers actually computed; cache.shared those that waited for one.
        self.cache = ResultCache(max_bytes, size_of=lambda v: len(v[0]))

    def answer(self, key: str, compute: Callable[[], dict[str, Any]], *, keep: bool) -> bytes:
        """The encoded answer for `key`: computed once however many identical requests arrive together."""
        def encoded() -> tuple[bytes, bool]:
            out = compute()
            ok = not any(c.get("error") for c in out["components"].values())
            return json.dumps(out, ensure_ascii=False, allow_nan=False, default=json_value).encode("utf-8"), ok

        value, _ = self.cache.get_or_compute(key, encoded, keep=lambda v: keep and v[1])
        return value[0]

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
