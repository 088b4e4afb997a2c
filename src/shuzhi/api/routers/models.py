"""The metric center (指标中心) and semantic models: list, read, create, update, versions, lineage.

Reading needs content:view, changing needs content:edit. Every change validates the whole model and
becomes a new version; versions can be read and restored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from shuzhi.api.deps import DbDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import semantic as store
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.lineage import metric_lineage
from shuzhi.model.schema import MetricDef, SemanticModel

router = APIRouter(tags=["metrics", "models"])
Viewer = Annotated[Principal, Depends(require("content:view"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]


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
    denied = sm.denied_for(user.role)
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


@router.get("/metrics/{name}", responses=ERRORS, summary="One metric with lineage / 指标详情")
def get_metric(name: str, user: Viewer, db: DbDep, model: str | None = None) -> dict[str, Any]:
    sm, version = store.get_model(db, model)
    idx = ModelIndex.build(sm)
    m = idx.metric(name)
    if name in sm.denied_for(user.role):
        raise ShuzhiError("field_restricted", f"你的角色无权查看 {name}。", f"Your role may not see {name}.", 403)
    return {"model": sm.name, "model_version": version, "kind": _kind(m), **m.model_dump(mode="json"),
            "lineage": metric_lineage(idx, name)}


@router.get("/metrics/{name}/versions", response_model=list[VersionOut], responses=ERRORS,
            summary="Metric version history / 指标版本")
def metric_versions(name: str, user: Viewer, db: DbDep, model: str | None = None) -> list[VersionOut]:
    return [VersionOut(**v) for v in store.metric_history(db, model, name)]


@router.post("/metrics", status_code=201, responses=ERRORS, summary="Create a metric / 新建指标")
def create_metric(body: MetricDef, user: Editor, db: DbDep, model: str | None = None) -> dict[str, Any]:
    sm, _ = store.get_model(db, model)
    if any(m.name == body.name for m in sm.metrics):
        raise ShuzhiError("metric_exists", f"指标 {body.name} 已存在。", f"Metric {body.name} already exists.", 409)
    version = store.save_model(db, sm.model_copy(update={"metrics": [*sm.metrics, body]}), actor=user.username,
                               comment=f"create metric {body.name}")
    return {"name": body.name, "model": sm.name, "model_version": version}


@router.put("/metrics/{name}", responses=ERRORS, summary="Change a metric / 修改指标")
def update_metric(name: str, body: MetricDef, user: Editor, db: DbDep, model: str | None = None,
                  comment: str | None = None) -> dict[str, Any]:
    sm, _ = store.get_model(db, model)
    ModelIndex.build(sm).metric(name)
    if body.name != name:
        raise ShuzhiError("metric_rename", "修改指标时不能改名；请新建指标。",
                          "A metric cannot be renamed by an update; create a new one.")
    metrics = [body if m.name == name else m for m in sm.metrics]
    version = store.save_model(db, sm.model_copy(update={"metrics": metrics}), actor=user.username,
                               comment=comment or f"update metric {name}")
    return {"name": name, "model": sm.name, "model_version": version}


@router.post("/metrics/{name}/versions/{version}/restore", responses=ERRORS, summary="Restore a metric version")
def restore_metric(name: str, version: int, user: Editor, db: DbDep, model: str | None = None) -> dict[str, Any]:
    v = store.restore_metric(db, model, name, version, actor=user.username)
    return {"name": name, "model_version": v}


@router.get("/models", response_model=list[ModelSummary], responses=ERRORS, summary="Semantic models / 模型列表")
def list_models(user: Viewer, db: DbDep) -> list[ModelSummary]:
    return [ModelSummary(name=r.name, label=r.definition.get("label"), version=r.version, is_default=r.is_default,
                         datasets=len(r.definition.get("datasets", [])), metrics=len(r.definition.get("metrics", [])),
                         updated_at=r.updated_at.isoformat(), updated_by=r.updated_by) for r in store.list_models(db)]


@router.get("/models/{name}", responses=ERRORS, summary="A model's definition / 模型定义")
def get_model(name: str, user: Viewer, db: DbDep) -> dict[str, Any]:
    sm, version = store.get_model(db, name)
    return {"version": version, "definition": sm.model_dump(mode="json", by_alias=True)}


@router.put("/models/{name}", responses=ERRORS, summary="Replace a model (validated) / 保存模型")
def put_model(name: str, body: SemanticModel, user: Editor, db: DbDep, comment: str | None = None) -> dict[str, Any]:
    if body.name != name:
        raise ShuzhiError("model_name_mismatch", f"请求体中的模型名 {body.name} 与地址中的 {name} 不一致。",
                          f"The model name in the body ({body.name}) differs from the URL ({name}).")
    version = store.save_model(db, body, actor=user.username, comment=comment)
    return {"name": name, "version": version}


@router.get("/models/{name}/versions", response_model=list[VersionOut], responses=ERRORS,
            summary="Model versions / 模型版本")
def model_versions(name: str, user: Viewer, db: DbDep) -> list[VersionOut]:
    return [VersionOut(version=v.version, created_at=v.created_at.isoformat(), created_by=v.created_by,
                       comment=v.comment) for v in store.model_versions(db, name)]


@router.post("/models/{name}/versions/{version}/restore", responses=ERRORS, summary="Restore a model version")
def restore_model(name: str, version: int, user: Editor, db: DbDep) -> Response:
    v = store.restore_model(db, name, version, actor=user.username)
    import json

    return Response(json.dumps({"name": name, "version": v}), media_type="application/json")
