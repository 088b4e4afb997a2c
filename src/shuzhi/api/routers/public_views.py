"""What share links and embeds have in common: the read-only dashboard a holder sees, its data, and the
filter options of its own filters — nothing else of the model or the catalog.

Invariants
- A holder (share link or guest token) reaches exactly one dashboard; the dashboard id comes from the
  verified link or token, never from the request.
- Filter options are answered only for the fields and hierarchies the dashboard's own filter controls
  use (a share link is no oracle for other fields); every query runs as the holder's user context, so
  row and column rules apply, plus an embed's fixed filters.
- The view never carries the owner, shared roles or version history.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from shuzhi.api.routers.dashboards import MAX_VALUES, FieldValues, HierarchyValues, answer_data
from shuzhi.auth.secrets import SecretBox
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboard_specs import hierarchy_of, same_field
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DataRequest
from shuzhi.service.query import query as run_spec
from shuzhi.spec.dashboards import hierarchy_levels
from shuzhi.spec.resolve import UserContext


class PublicDashboard(BaseModel):
    """A dashboard as a share link or an embed shows it (read-only)."""

    name: str
    title: str
    title_en: str | None = None
    description: str | None = None
    theme: str
    definition: DashboardDef
    component: str | None = Field(default=None, description="An embed of one chart or KPI: its id.")
    fixed_filters: dict[str, list[Any]] = Field(
        default={}, description="An embed's fixed filters (field → values)."
    )


_KEYS: dict[tuple[str | None, str, str], bytes] = {}


def signing_key(rt: Runtime, purpose: str) -> bytes:
    """The installation's HMAC key for `purpose` (auth/secrets.py), read once per process."""
    s = rt.settings
    k = (s.secret_key, str(s.secret_key_path), purpose)
    if k not in _KEYS:
        _KEYS[k] = SecretBox.from_settings(s).signing_key(purpose)
    return _KEYS[k]


def view_of(
    rec: DashboardRecord,
    d: DashboardDef,
    component: str | None = None,
    fixed: dict[str, list[Any]] | None = None,
) -> PublicDashboard:
    if component is not None:  # one chart: alone, full width, without the dashboard's filter controls
        c = d.component(component)
        assert c is not None
        one = c.model_copy(update={"pos": c.pos.model_copy(update={"x": 0, "y": 0, "w": 24})})
        d = d.model_copy(update={"components": [one]})
    return PublicDashboard(
        name=rec.name,
        title=rec.title,
        title_en=rec.title_en,
        description=rec.description,
        theme=rec.theme,
        definition=d,
        component=component,
        fixed_filters=fixed or {},
    )


def _dim_fields(spec: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for x in spec.get("dimensions") or []:
        out |= {x} if isinstance(x, str) else {str(x.get("field", "")), str(x.get("name") or "")}
    return out - {""}


def check_cross(d: DashboardDef, idx: ModelIndex, body: DataRequest) -> None:
    """A cross-filter (联动) from a page without an account may name only a dimension the clicked chart
    shows (or a level of the hierarchy it drills along): otherwise a holder could probe any field of the
    model (does customer X have revenue?) through the dashboard's KPIs."""
    levels = hierarchy_levels(idx)
    for cf in body.cross:
        c = d.component(cf.source)
        allowed: set[str] = set()
        if c is not None and c.kind == "chart" and c.spec is not None:
            allowed = _dim_fields(c.spec)
            found = hierarchy_of(c.spec, levels, c.drill)
            if found:
                allowed |= set(levels[found[0]])
        if not any(same_field(cf.field, a) for a in allowed):
            raise ShuzhiError(
                "cross_filter_not_offered",
                f"此页面不能按 {cf.field} 联动筛选（只能按所点图表显示的维度）。",
                f"This page cannot cross-filter on {cf.field} (only on a dimension the clicked chart shows).",
            )


def data(
    request: Request,
    rt: Runtime,
    rec: DashboardRecord,
    d: DashboardDef,
    idx: ModelIndex,
    model_version: int,
    user: UserContext,
    body: DataRequest,
    lang: str,
    *,
    component: str | None = None,
    fixed: list[dict[str, Any]] | None = None,
) -> Any:
    if component is not None:  # a chart embed answers that chart only, whatever the request asks
        body = body.model_copy(update={"components": [component], "filters": {}})
    check_cross(d, idx, body)
    return answer_data(
        rt, request.app.state.dashboard_answers, rec, d, idx, model_version, user, body, lang, fixed=fixed
    )


def _not_offered(what: str) -> ShuzhiError:
    return ShuzhiError(
        "share_field_not_offered", f"此页面没有 {what} 的筛选器。", f"This page has no filter on {what}.", 404
    )


def field_values(
    rt: Runtime,
    d: DashboardDef,
    user: UserContext,
    field: str,
    search: str | None,
    limit: int,
    fixed: list[dict[str, Any]] | None = None,
    component: str | None = None,
) -> FieldValues:
    offered = {c.filter.field for c in d.filters() if c.filter is not None} if component is None else set()
    if field not in offered:
        raise _not_offered(field)
    limit = min(limit, MAX_VALUES)
    spec: dict[str, Any] = {
        "dimensions": [field],
        "order_by": [{"field": field}],
        "limit": limit + 1,
        "where": [p["where"] for p in fixed or []],
    }
    if search and search.strip():
        spec["where"].append({"field": field, "op": "contains", "value": search.strip()})
    result = run_spec(rt, spec, user, purpose="ui")
    values = [r[0] for r in result.rows]
    return FieldValues(field=field, values=values[:limit], truncated=len(values) > limit)


def hierarchy_values(
    rt: Runtime,
    d: DashboardDef,
    idx: ModelIndex,
    user: UserContext,
    name: str,
    limit: int,
    fixed: list[dict[str, Any]] | None = None,
    component: str | None = None,
) -> HierarchyValues:
    offered = {c.filter.hierarchy for c in d.filters() if c.filter is not None and c.filter.hierarchy}
    h = next((h for h in idx.model.hierarchies if h.name == name), None)
    if component is not None or name not in offered or h is None:
        raise _not_offered(name)
    levels = list(h.levels)
    spec = {
        "dimensions": levels,
        "order_by": [{"field": lv} for lv in levels],
        "limit": limit + 1,
        "where": [p["where"] for p in fixed or []],
    }
    result = run_spec(rt, spec, user, purpose="ui")
    fields = [idx.fields[idx.resolve_field(lv)] for lv in levels]
    return HierarchyValues(
        hierarchy=name,
        levels=levels,
        labels=[f.label or f.name for f in fields],
        labels_en=[f.label_en for f in fields],
        rows=result.rows[:limit],
        truncated=len(result.rows) > limit,
    )
