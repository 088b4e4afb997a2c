"""The metric center (指标中心) and semantic models: list, read, create, update, versions, lineage.

Reading needs content:view, changing needs content:edit. Every change validates the whole model and
becomes a new version; versions can be read and restored.

Who sees what:
- Changing row or column rules (by any route: PUT /models, restores, metric routes) also needs
  security:manage; the catalog refuses the save otherwise (see catalog/semantic.save_model).
- A reader without content:edit gets the model without its rules, dataset SQL, or anything the
  column rules deny to their role (model.access.reader_view); a metric their role is denied answers
  403 for its definition and its versions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from shuzhi.api import model_answers as answers
from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.params import VersionPath
from shuzhi.api.responses import MetricCheckOut, MetricDetail, MetricSaved, ModelOut, ModelSaved
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog import semantic as store
from shuzhi.errors import ShuzhiError
from shuzhi.model.access import reader_view, restricted
from shuzhi.model.aggregations import field_aggregations
from shuzhi.model.index import ModelIndex, Problem
from shuzhi.model.lineage import metric_lineage
from shuzhi.model.schema import MetricDef, SemanticModel
from shuzhi.service.query import query as run_spec

router = APIRouter(tags=["metrics", "models"])
Viewer = Annotated[Principal, Depends(require("content:view"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]


def _rules_ok(p: Principal) -> bool:
    return has_permission(p.role, "security:manage")


def _restricted(name: str) -> ShuzhiError:
    return ShuzhiError("field_restricted", f"你的角色无权查看 {name}。", f"Your role may not see {name}.", 403)


class MetricSummary(BaseModel):
    name: str
    label: str
    label_en: str | None = None
    synonyms: list[str] = []
    description: str | None = None
    owner: str | None = None
    unit: str | None = None
    format: str
    tags: list[str] = []
    status: str
    kind: str
    hidden: bool = False
    model: str


class ModelSummary(BaseModel):
    name: str
    label: str | None = None
    version: int
    is_default: bool
    datasets: int
    metrics: int
    updated_at: str
    updated_by: str | None = None


class VersionOut(BaseModel):
    version: int
    created_at: str
    created_by: str | None = None
    comment: str | None = None
    definition: dict[str, Any] | None = None
    deleted: bool = False


def _kind(m: MetricDef) -> str:
    if m.is_derived:
        return "derived"
    if m.time_aggregation:
        return "semi_additive"
    return "filtered" if m.filter else "aggregate"


def _summary(m: MetricDef, model: str) -> MetricSummary:
    return MetricSummary(**m.model_dump(include=set(MetricSummary.model_fields) - {"kind", "model"}),
                         kind=_kind(m), model=model)


@router.get("/metrics", response_model=list[MetricSummary], responses=ERRORS, summary="Metric center / 指标列表")
def list_metrics(user: Viewer, db: DbDep, model: str | None = None, q: str | None = None,
                 tag: str | None = None, owner: str | None = None, status: str | None = None,
                 include_hidden: bool = False) -> list[MetricSummary]:
    sm, _ = store.get_model(db, model)
    denied = restricted(ModelIndex.build(sm), user.role)
    out = []
    needle = (q or "").strip().lower()
    for m in sm.metrics:
        if m.name in denied or (m.hidden and not include_hidden):
            continue
        if tag and tag not in m.tags or owner and m.owner != owner or status and m.status != status:
            continue
        if needle and not any(needle in (x or "").lower() for x in
                              [m.name, m.label, m.label_en, m.description, *m.synonyms, *m.tags]):
            continue
        out.append(_summary(m, sm.name))
    return out


@router.get("/metrics/{name}", response_model=MetricDetail, response_model_exclude_unset=True, responses=ERRORS,
            summary="One metric with lineage / 指标详情")
def get_metric(name: str, user: Viewer, db: DbDep, model: str | None = None) -> dict[str, Any]:
    sm, version = store.get_model(db, model)
    idx = ModelIndex.build(sm)
    try:
        m = idx.metric(name)
    except ShuzhiError as exc:
        exc.status = 404  # a resource path that names no metric
        raise
    if name in restricted(idx, user.role):
        raise _restricted(name)
    return {"model": sm.name, "model_version": version, "kind": _kind(m), **m.model_dump(mode="json"),
            "lineage": metric_lineage(idx, name, _dashboards_of(db, sm.name, user))}


def _dashboards_of(db: Any, model: str, user: Principal) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """The dashboards `user` may see, when `model` is the default model (the one dashboards query)."""
    if store.current_version(db, None)[0] != model:
        return []
    who = dash_store.Viewer(user.user_id, user.username, user.role, user.groups)
    return [(r.name, r.title, r.title_en, r.definition) for r in dash_store.list_records(db, who)]


@router.get("/metrics/{name}/versions", response_model=list[VersionOut], responses=ERRORS,
            summary="Metric version history / 指标版本")
def metric_versions(name: str, user: Viewer, db: DbDep, model: str | None = None) -> list[VersionOut]:
    sm, _ = store.get_model(db, model)
    if name in restricted(ModelIndex.build(sm), user.role):
        raise _restricted(name)
    return [VersionOut(**v) for v in store.metric_history(db, model, name)]


class MetricCheck(BaseModel):
    metric: dict[str, Any]
    replace: str | None = None  # the metric being edited (None: a new metric)
    preview: bool = True  # also compute the metric's value over the last 12 months when valid


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()))
        out.append(Problem(f"metric.{loc}" if loc else "metric", f"{e.get('msg')}（{loc or '定义'}）",
                           str(e.get("msg"))))
    return out


def _candidate(sm: SemanticModel, body: MetricCheck) -> tuple[MetricDef | None, list[Problem]]:
    try:
        metric = MetricDef.model_validate(body.metric)
    except ValidationError as exc:
        return None, _pydantic_problems(exc)
    if body.replace is None and any(m.name == metric.name for m in sm.metrics):
        return metric, [Problem("metric.name", f"指标 {metric.name} 已存在。", f"Metric {metric.name} already exists.")]
    if body.replace is not None and body.replace != metric.name:
        return metric, [Problem("metric.name", "修改指标时不能改名；请新建指标。",
                                "A metric cannot be renamed by an update; create a new one.")]
    metrics = [m for m in sm.metrics if m.name != metric.name] + [metric]
    try:
        ModelIndex.build(sm.model_copy(update={"metrics": metrics}))
    except ShuzhiError as exc:
        problems = exc.details.get("problems") or [{"path": "metric", "message_zh": exc.zh, "message_en": exc.en}]
        return metric, [Problem(p["path"], p["message_zh"], p["message_en"], p.get("suggestion")) for p in problems]
    return metric, []


@router.post("/metrics/validate", response_model=MetricCheckOut, responses=ERRORS,
             summary="Check a metric definition as it is typed / 校验指标定义")
async def validate_metric(body: MetricCheck, user: Editor, rt: RuntimeDep, model: str | None = None
                          ) -> MetricCheckOut:
    """Validate a metric against the model without saving; when valid, preview its value by month
    over the last 12 months (as the caller, row rules applied)."""

    def work() -> MetricCheckOut:
        with rt.catalog.session() as db:
            sm, _ = store.get_model(db, model)
        metric, problems = _candidate(sm, body)
        if problems or metric is None:
            return MetricCheckOut(valid=False, problems=[p.as_dict() for p in problems])
        if not body.preview:
            return MetricCheckOut(valid=True)
        metrics = [m for m in sm.metrics if m.name != metric.name] + [metric]
        idx = ModelIndex.build(sm.model_copy(update={"metrics": metrics}))
        spec = {"metrics": [metric.name], "dimensions": [{"field": "time", "grain": "month"}],
                "time_range": {"field": "time", "relative": "last_12_months"}}
        try:
            res = run_spec(rt, spec, user.context(), purpose="ui", index=idx)
        except ShuzhiError as exc:
            return MetricCheckOut(valid=True, preview={"error": {"zh": exc.zh, "en": exc.en}})
        return MetricCheckOut(valid=True, preview=res.to_json_obj())

    return await run_in_threadpool(work)


@router.post("/metrics", status_code=201, response_model=MetricSaved, response_model_exclude_unset=True, responses=ERRORS,
              summary="Create a metric / 新建指标")
def create_metric(body: MetricDef, user: Editor, db: DbDep, model: str | None = None) -> dict[str, Any]:
    sm, _ = store.get_model(db, model)
    if any(m.name == body.name for m in sm.metrics):
        raise ShuzhiError("metric_exists", f"指标 {body.name} 已存在。", f"Metric {body.name} already exists.", 409)
    version = store.save_model(db, sm.model_copy(update={"metrics": [*sm.metrics, body]}), actor=user.username,
                               comment=f"create metric {body.name}", may_change_rules=_rules_ok(user))
    return {"name": body.name, "model": sm.name, "model_version": version}


@router.put("/metrics/{name}", response_model=MetricSaved, response_model_exclude_unset=True, responses=ERRORS,
             summary="Change a metric / 修改指标")
def update_metric(name: str, body: MetricDef, user: Editor, db: DbDep, model: str | None = None,
                  comment: str | None = None) -> dict[str, Any]:
    sm, _ = store.get_model(db, model)
    ModelIndex.build(sm).metric(name)
    if body.name != name:
        raise ShuzhiError("metric_rename", "修改指标时不能改名；请新建指标。",
                          "A metric cannot be renamed by an update; create a new one.")
    metrics = [body if m.name == name else m for m in sm.metrics]
    version = store.save_model(db, sm.model_copy(update={"metrics": metrics}), actor=user.username,
                               comment=comment or f"update metric {name}", may_change_rules=_rules_ok(user))
    return {"name": name, "model": sm.name, "model_version": version}


@router.post("/metrics/{name}/versions/{version}/restore", response_model=MetricSaved, response_model_exclude_unset=True,
             responses=ERRORS, summary="Restore a metric version")
def restore_metric(name: str, version: VersionPath, user: Editor, db: DbDep, model: str | None = None) -> dict[str, Any]:
    v = store.restore_metric(db, model, name, version, actor=user.username, may_change_rules=_rules_ok(user))
    return {"name": name, "model_version": v}


@router.get("/models", response_model=list[ModelSummary], responses=ERRORS, summary="Semantic models / 模型列表")
def list_models(user: Viewer, db: DbDep, request: Request) -> list[ModelSummary]:
    cache = answers.of(request)
    key = ("models", *store.model_versions_key(db))
    hit = cache.cached(key)
    if hit is not None:
        return hit  # type: ignore[return-value]  # the same JSON, encoded once per set of versions
    return cache.keep(key, [ModelSummary(name=r.name, label=r.definition.get("label"), version=r.version, is_default=r.is_default,
                         datasets=len(r.definition.get("datasets", [])), metrics=len(r.definition.get("metrics", [])),
                         updated_at=r.updated_at.isoformat(), updated_by=r.updated_by).model_dump(mode="json")
                                for r in store.list_models(db)])  # type: ignore[return-value]


@router.get("/models/{name}", response_model=ModelOut, responses=ERRORS, summary="A model's definition / 模型定义")
def get_model(name: str, user: Viewer, db: DbDep, request: Request) -> dict[str, Any]:
    # The view decides the answer: editors need the whole model to change it, readers get
    # reader_view(model, role). Cached per (name, version, view): see api/model_answers.py.
    cache = answers.of(request)
    view = "full" if has_permission(user.role, "content:edit") else f"reader:{user.role}"
    hit = cache.cached(("model", *store.current_version(db, name), view))
    if hit is not None:
        return hit  # type: ignore[return-value]
    sm, version = store.get_model(db, name)
    definition = sm.model_dump(mode="json", by_alias=True) if view == "full" else reader_view(sm, user.role)
    shown = {f"{d['name']}.{f['name']}" for d in definition["datasets"] for f in d["fields"]}
    aggs = {k: v for k, v in field_aggregations(ModelIndex.build(sm, check_formulas=False)).items() if k in shown}
    return cache.keep(("model", sm.name, version, view),  # type: ignore[return-value]
                        {"version": version, "definition": definition, "aggregations": aggs})


@router.put("/models/{name}", response_model=ModelSaved, response_model_exclude_unset=True, responses=ERRORS,
            summary="Replace a model (validated) / 保存模型")
def put_model(name: str, body: SemanticModel, user: Editor, db: DbDep, comment: str | None = None) -> dict[str, Any]:
    if body.name != name:
        raise ShuzhiError("model_name_mismatch", f"请求体中的模型名 {body.name} 与地址中的 {name} 不一致。",
                          f"The model name in the body ({body.name}) differs from the URL ({name}).")
    version = store.save_model(db, body, actor=user.username, comment=comment, may_change_rules=_rules_ok(user))
    return {"name": name, "version": version}


@router.get("/models/{name}/versions", response_model=list[VersionOut], responses=ERRORS,
            summary="Model versions / 模型版本")
def model_versions(name: str, user: Viewer, db: DbDep) -> list[VersionOut]:
    return [VersionOut(version=v.version, created_at=v.created_at.isoformat(), created_by=v.created_by,
                       comment=v.comment) for v in store.model_versions(db, name)]


@router.post("/models/{name}/versions/{version}/restore", response_model=ModelSaved, responses=ERRORS,
              summary="Restore a model version")
def restore_model(name: str, version: VersionPath, user: Editor, db: DbDep) -> Response:
    v = store.restore_model(db, name, version, actor=user.username, may_change_rules=_rules_ok(user))
    import json

    return Response(json.dumps({"name": name, "version": v}), media_type="application/json")
