"""Dashboards (仪表板): list, read, create, update (new version), delete, duplicate, favourites, recent
views, versions, the batch data endpoint, and filter options (field values, hierarchy members).

Reading needs content:view and the dashboard shared with you (owner, admin, or your role in its
shared_roles); changing needs content:edit and being its owner or an admin. A dashboard you may
not see answers 404, like one that does not exist.

A definition of the wrong shape (POST, PUT) answers 422 "dashboard_invalid" in the project's error
shape, naming each problem's component, field path and fault in Chinese and English (the model's
definition_problems), instead of FastAPI's generic pydantic details; nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import DbDep, LangDep, RuntimeDep, auth_parts, authorize, require
from shuzhi.api.params import VersionPath
from shuzhi.api.responses import DashboardData
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import dashboards as store
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef, definition_error, definition_problems
from shuzhi.model.index import ModelIndex
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DashboardAnswers, DataRequest, answer_key, cached_plan, run_plans
from shuzhi.service.freshness import annotate, dashboard_periods
from shuzhi.service.query import query as run_spec
from shuzhi.spec.dashboards import check_against_model, parse_definition
from shuzhi.spec.resolve import UserContext


class _DefinitionRoute(APIRoute):
    """A route whose JSON body is a DashboardDef: body errors become one bilingual dashboard_invalid."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                errors = [dict(e) for e in exc.errors()]
                body = [e for e in errors if tuple(e.get("loc", ()))[:1] == ("body",)]
                if not body or len(body) < len(errors):
                    raise  # a query or path parameter is wrong too: the generic answer names it
                raise _body_error(body, exc.body) from None

        return route


def _body_error(errors: list[dict[str, Any]], data: Any) -> ShuzhiError:
    if any(e.get("type") == "json_invalid" for e in errors):
        return ShuzhiError("dashboard_invalid", "仪表板定义不是有效的 JSON。", "The dashboard definition is not valid JSON.",
                           422)
    if data is None:
        return ShuzhiError("dashboard_invalid", "请求体中缺少仪表板定义（JSON 对象：name、title、components…）。",
                           "The request has no dashboard definition (a JSON object: name, title, components, ...).",
                           422)
    for e in errors:
        e["loc"] = tuple(e.get("loc", ()))[1:]
    return definition_error(definition_problems(data, errors))


router = APIRouter(tags=["dashboards"])
definitions = APIRouter(route_class=_DefinitionRoute)  # POST and PUT of a definition (included in router)
ViewerDep = Annotated[Principal, Depends(require("content:view"))]
EditorDep = Annotated[Principal, Depends(require("content:edit"))]
MAX_VALUES = 1000


class DashboardSummary(BaseModel):
    id: int
    name: str
    title: str
    title_en: str | None = None
    description: str | None = None
    theme: str
    owner: str
    shared_roles: list[str] = []
    version: int
    updated_at: str
    updated_by: str | None = None
    components: int
    favourite: bool = False
    can_edit: bool = False
    shared_with_me: bool = Field(False, description="shared with you in person or with your department")
    viewed_at: str | None = None


class DashboardOut(DashboardSummary):
    definition: DashboardDef


class DuplicateRequest(BaseModel):
    name: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    title: str | None = Field(default=None, min_length=1, max_length=200)


class DashboardVersionOut(BaseModel):
    version: int
    created_at: str
    created_by: str | None = None
    comment: str | None = None


class FieldValues(BaseModel):
    field: str
    values: list[Any]
    truncated: bool = False


class HierarchyValues(BaseModel):
    hierarchy: str
    levels: list[str]
    labels: list[str]
    labels_en: list[str | None]
    rows: list[list[Any]]
    truncated: bool = False


def _who(p: Principal) -> store.Viewer:
    return store.Viewer(p.user_id, p.username, p.role, p.groups)


def _summary(r: DashboardRecord, who: store.Viewer, favs: set[int], viewed_at: str | None = None) -> DashboardSummary:
    return DashboardSummary(
        id=r.id, name=r.name, title=r.title, title_en=r.title_en, description=r.description, theme=r.theme,
        owner=r.owner, shared_roles=list(r.shared_roles or []), version=r.version,
        updated_at=r.updated_at.isoformat(), updated_by=r.updated_by,
        components=len(r.definition.get("components", [])), favourite=r.id in favs,
        can_edit=store.can_edit(r, who) and who.role in ("admin", "editor"), shared_with_me=store.shared_with(r, who),
        viewed_at=viewed_at)


def _out(s: Session, r: DashboardRecord, who: store.Viewer) -> DashboardOut:
    base = _summary(r, who, store.favourite_ids(s, who.user_id))
    return DashboardOut(**base.model_dump(), definition=DashboardDef.model_validate(r.definition))


def _validated(rt: Runtime, s: Session, d: DashboardDef) -> DashboardDef:
    idx, _ = rt.model_index(None, s)
    check_against_model(d, idx, rt.settings.today_date())
    return d


@router.get("/dashboards", response_model=list[DashboardSummary], responses=ERRORS,
            summary="Dashboards you may see / 仪表板列表")
def list_dashboards(user: ViewerDep, db: DbDep, favourites: bool = False) -> list[DashboardSummary]:
    who = _who(user)
    favs = store.favourite_ids(db, who.user_id)
    return [_summary(r, who, favs) for r in store.list_records(db, who) if not favourites or r.id in favs]


@router.get("/dashboards/recent", response_model=list[DashboardSummary], responses=ERRORS,
            summary="Dashboards you opened lately / 最近浏览")
def recent_dashboards(user: ViewerDep, db: DbDep, limit: int = Query(8, ge=1, le=50)) -> list[DashboardSummary]:
    who = _who(user)
    favs = store.favourite_ids(db, who.user_id)
    return [_summary(r, who, favs, at.isoformat()) for r, at in store.recent(db, who, limit)]


@router.get("/dashboards/{key}", response_model=DashboardOut, responses=ERRORS,
            summary="A dashboard (by id or name) / 仪表板详情")
def get_dashboard(key: str, user: ViewerDep, db: DbDep, view: bool = True) -> DashboardOut:
    who = _who(user)
    rec = store.get_record(db, key, who)
    out = _out(db, rec, who)
    if view:
        # The only write, last, and committed at once: the SQLite write lock is held for one
        # statement, not until the response is on its way (concurrent views queued on it).
        if store.record_view(db, rec, who.user_id):
            db.commit()
    return out


@definitions.post("/dashboards", status_code=201, response_model=DashboardOut, responses=ERRORS,
             summary="Create a dashboard / 新建仪表板")
def create_dashboard(body: DashboardDef, user: EditorDep, db: DbDep, rt: RuntimeDep) -> DashboardOut:
    rec = store.create(db, _validated(rt, db, body), owner=user.username)
    return _out(db, rec, _who(user))


@definitions.put("/dashboards/{key}", response_model=DashboardOut, responses=ERRORS,
            summary="Save a dashboard as a new version / 保存仪表板")
def update_dashboard(key: str, body: DashboardDef, user: EditorDep, db: DbDep, rt: RuntimeDep,
                     comment: str | None = Query(None, max_length=500)) -> DashboardOut:
    who = _who(user)
    rec = store.get_record(db, key, who)
    store.require_edit(rec, who)
    store.update(db, rec, _validated(rt, db, body), actor=user.username, comment=comment)
    return _out(db, rec, who)


@router.delete("/dashboards/{key}", status_code=204, responses=ERRORS, summary="Delete a dashboard / 删除仪表板")
def delete_dashboard(key: str, user: EditorDep, db: DbDep) -> Response:
    who = _who(user)
    rec = store.get_record(db, key, who)
    store.require_edit(rec, who)
    store.remove(db, rec)
    return Response(status_code=204)


@router.post("/dashboards/{key}/duplicate", status_code=201, response_model=DashboardOut, responses=ERRORS,
             summary="Copy a dashboard (the copy is yours and unshared) / 复制仪表板")
def duplicate_dashboard(key: str, user: EditorDep, db: DbDep, body: DuplicateRequest | None = None) -> DashboardOut:
    who = _who(user)
    rec = store.get_record(db, key, who)
    body = body or DuplicateRequest()
    copy = store.duplicate(db, rec, owner=user.username, name=body.name, title=body.title)
    return _out(db, copy, who)


@router.put("/dashboards/{key}/favourite", status_code=204, responses=ERRORS, summary="Favourite / 收藏")
def favourite(key: str, user: ViewerDep, db: DbDep) -> Response:
    store.set_favourite(db, store.get_record(db, key, _who(user)), user.user_id, True)
    return Response(status_code=204)


@router.delete("/dashboards/{key}/favourite", status_code=204, responses=ERRORS, summary="Unfavourite / 取消收藏")
def unfavourite(key: str, user: ViewerDep, db: DbDep) -> Response:
    store.set_favourite(db, store.get_record(db, key, _who(user)), user.user_id, False)
    return Response(status_code=204)


@router.get("/dashboards/{key}/versions", response_model=list[DashboardVersionOut], responses=ERRORS,
            summary="Versions of a dashboard / 版本")
def dashboard_versions(key: str, user: ViewerDep, db: DbDep) -> list[DashboardVersionOut]:
    rec = store.get_record(db, key, _who(user))
    return [DashboardVersionOut(version=v.version, created_at=v.created_at.isoformat(), created_by=v.created_by,
                                comment=v.comment) for v in store.versions(db, rec)]


@router.post("/dashboards/{key}/versions/{version}/restore", response_model=DashboardOut, responses=ERRORS,
             summary="Restore a version (saved as a new version) / 恢复版本")
def restore_dashboard_version(key: str, version: VersionPath, user: EditorDep, db: DbDep, rt: RuntimeDep) -> DashboardOut:
    """The old definition becomes the newest version again, checked against today's model (a metric
    removed since then is refused by name, like any save). The dashboard keeps its current name."""
    who = _who(user)
    rec = store.get_record(db, key, who)
    store.require_edit(rec, who)
    old = parse_definition({**store.version_definition(db, rec, version), "name": rec.name}, f"v{version}")
    store.update(db, rec, _validated(rt, db, old), actor=user.username, comment=f"restore v{version}")
    return _out(db, rec, who)


@router.post("/dashboards/{key}/data", response_model=DashboardData, responses=ERRORS,
             summary="Every component's data in one request (filters, cross-filters, drill) / 仪表板数据")
async def dashboard_data(key: str, body: DataRequest, request: Request, rt: RuntimeDep,
                         lang: LangDep) -> dict[str, Any]:
    parts = auth_parts(request)
    answers = _answers(request)

    def answer() -> Response:
        # Read what the answer needs, then close the session: no catalog connection is held while
        # the queries run or while this request waits for an identical one (single-flight).
        t0 = time.perf_counter()
        with rt.catalog.session() as db:
            principal = authorize(rt, parts, db)
            request.state.principal = principal
            rec = store.get_record(db, key, _who(principal))
            d = DashboardDef.model_validate(rec.definition)
            idx, model_version = rt.model_index(None, db)
        catalog_ms = (time.perf_counter() - t0) * 1000
        out = answer_data(rt, answers, rec, d, idx, model_version, principal.context(), body, lang, timing=True)
        out.headers["Server-Timing"] = f"catalog;dur={catalog_ms:.2f}, {out.headers['Server-Timing']}"
        return out

    return await run_in_threadpool(answer)  # type: ignore[return-value]


def answer_data(rt: Runtime, answers: DashboardAnswers, rec: DashboardRecord, d: DashboardDef, idx: ModelIndex,
                model_version: int, user: UserContext, body: DataRequest, lang: str,
                fixed: list[dict[str, Any]] | None = None, timing: bool = False) -> Response:
    """The data answer of a dashboard for `user` (sync; the catalog session is already closed). Also
    serves share links and embeds (routers/shares.py, routers/embed.py); `fixed` are an embed token's
    filters, applied to every component and part of the answer's key. With `timing` (signed-in
    viewers only: a public link does not learn whether others asked before) a Server-Timing header."""
    today = rt.settings.today_date()
    direct = bool(idx.model.connection)
    data_version = "direct" if direct else rt.data_version()
    data_version += "|" + rt.cache.generation  # moves on when data changes in any instance (SHUZHI_REDIS_URL)

    computed: list[bool] = []

    def compute() -> dict[str, Any]:
        # timings_ms: every phase of computing the answer (dates: the metrics' first and last days;
        # plan; queries; annotate: freshness and periods) and their total
        computed.append(True)
        t0 = time.perf_counter()
        current = (idx, model_version)
        dates, req, periods = dashboard_periods(rt, d, body, user, today, current)
        t1 = time.perf_counter()
        plans = cached_plan((rec.id, rec.version), d, req, idx, user, today, dates, fixed=fixed)
        t2 = time.perf_counter()
        out = run_plans(plans, lambda spec: run_spec(rt, spec, user, purpose="ui", current=current), lang,
                        executor=answers.pool)
        t3 = time.perf_counter()
        annotate(out, plans, dates, periods, today, idx)
        out["dashboard"] = {"id": rec.id, "name": rec.name, "version": rec.version}
        t4 = time.perf_counter()
        out["timings_ms"] = {name: round(ms * 1000, 2) for name, ms in (
            ("dates", t1 - t0), ("plan", t2 - t1), ("queries", t3 - t2), ("annotate", t4 - t3), ("total", t4 - t0))}
        return out

    s0 = time.perf_counter()
    k = answer_key(rec.id, rec.version, body, user, idx.model.name, model_version, data_version, today, lang, fixed)
    data = answers.answer(k, compute, keep=not direct)
    # Server-Timing: this request's own time (an answer kept from before carries its first timings_ms)
    spent = f'answer;dur={(time.perf_counter() - s0) * 1000:.2f};desc="{"computed" if computed else "reused"}"'
    return Response(data, media_type="application/json", headers={"Server-Timing": spent} if timing else None)


def warm_up(app: Any) -> Any:
    """Answer the most viewed dashboards in the background at server start (service/warmup.py),
    through answer_data as their viewers, in Chinese (the web app's default language)."""
    from shuzhi.service import warmup

    rt, answers = app.state.runtime, app.state.dashboard_answers
    return warmup.start(rt, lambda rec, d, idx, version, user: answer_data(
        rt, answers, rec, d, idx, version, user, DataRequest(), "zh"))


def _answers(request: Request) -> DashboardAnswers:
    """The process's DashboardAnswers (made by create_app)."""
    return request.app.state.dashboard_answers


@router.get("/fields/{field}/values", response_model=FieldValues, responses=ERRORS,
            summary="Distinct values of a field, for filter controls (row rules apply) / 字段取值")
async def field_values(field: str, request: Request, rt: RuntimeDep, search: str | None = Query(None, max_length=100),
                       limit: int = Query(200, ge=1, le=MAX_VALUES),
                       model: str | None = Query(None, max_length=128)) -> FieldValues:
    parts = auth_parts(request)

    def answer() -> FieldValues:
        with rt.catalog.session() as db:
            principal = authorize(rt, parts, db)
        # the session is closed: the warehouse query holds no catalog connection
        spec: dict[str, Any] = {"dimensions": [field], "order_by": [{"field": field}], "limit": limit + 1,
                                "model": model}
        if search and search.strip():
            spec["where"] = [{"field": field, "op": "contains", "value": search.strip()}]
        result = run_spec(rt, spec, principal.context(), purpose="ui")
        values = [r[0] for r in result.rows]
        return FieldValues(field=field, values=values[:limit], truncated=len(values) > limit)

    return await run_in_threadpool(answer)


@router.get("/hierarchies/{name}/values", response_model=HierarchyValues, responses=ERRORS,
            summary="Members of a hierarchy, for tree filters (row rules apply) / 层级成员")
async def hierarchy_values(name: str, request: Request, rt: RuntimeDep,
                           limit: int = Query(2000, ge=1, le=10_000),
                           model: str | None = Query(None, max_length=128)) -> HierarchyValues:
    parts = auth_parts(request)

    def answer() -> HierarchyValues:
        with rt.catalog.session() as db:
            principal = authorize(rt, parts, db)
            idx, _ = rt.model_index(model, db)
        # the session is closed: the warehouse query holds no catalog connection
        h = next((h for h in idx.model.hierarchies if h.name == name), None)
        if h is None:
            raise ShuzhiError("unknown_hierarchy", f"模型中没有层级 {name}。", f"The model has no hierarchy {name}.", 404)
        levels = list(h.levels)
        spec = {"dimensions": levels, "order_by": [{"field": lv} for lv in levels], "limit": limit + 1,
                "model": idx.model.name}
        result = run_spec(rt, spec, principal.context(), purpose="ui")
        fields = [idx.fields[idx.resolve_field(lv)] for lv in levels]
        return HierarchyValues(hierarchy=name, levels=levels, labels=[f.label or f.name for f in fields],
                               labels_en=[f.label_en for f in fields], rows=result.rows[:limit],
                               truncated=len(result.rows) > limit)

    return await run_in_threadpool(answer)


router.include_router(definitions)  # after their definitions: include_router copies the routes
