"""Self-service datasets (自助数据集): list, read, create, update (new version), delete, versions,
restore, preview after any step, materialize (a job), lineage, add to a semantic model.

Reading definitions and previewing data need data:raw (dataset steps read warehouse tables); changing,
materializing and adding to a model need content:edit. Each table is read through the caller's view of
it: a table that backs a model dataset shows only the rows the caller's row rules leave and no column
the caller's column rules deny (service.datasets, runtime.scopes) — editors have row rules too.
Request bodies with steps are validated here (shuzhi.model.datasets.steps.parse_dataset), so a bad
step is a 400 whose message names the step number; the OpenAPI document still describes them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.params import VersionPath
from shuzhi.api.responses import AddedToModel, DatasetLineage
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.catalog import datasets as store
from shuzhi.errors import ShuzhiError
from shuzhi.model.datasets.steps import DatasetSpec
from shuzhi.model.schema import JoinDef
from shuzhi.service import datasets as service
from shuzhi.service import datasets_refresh

router = APIRouter(prefix="/datasets", tags=["datasets"])
Raw = Annotated[Principal, Depends(require("data:raw"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]


def _body(schema: str | type[BaseModel]) -> dict[str, Any]:
    """Document a request body that the handler validates itself (for step-numbered errors)."""
    if isinstance(schema, str):
        doc: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    else:  # inline, its nested models referring to the components the responses define
        doc = schema.model_json_schema(ref_template="#/components/schemas/{model}")
        doc.pop("$defs", None)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": doc}}}}


class ColumnOut(BaseModel):
    name: str
    type: str
    label: str


class DatasetSummary(BaseModel):
    name: str
    label: str | None = None
    description: str | None = None
    mode: str
    version: int
    sources: list[str]
    owner: str | None = None
    updated_at: str
    updated_by: str | None = None
    materialized_at: str | None = None
    row_count: int | None = None
    refresh_error: dict[str, Any] | None = None


class DatasetOut(DatasetSummary):
    definition: DatasetSpec
    columns: list[ColumnOut]
    materialized_version: int | None = None


class DatasetVersionOut(BaseModel):
    version: int
    created_at: str
    created_by: str | None = None
    comment: str | None = None
    definition: DatasetSpec


class PreviewOptions(BaseModel):
    upto: int | None = Field(default=None, ge=0, description="Rows after this many steps (default: all).")
    limit: int | None = Field(default=None, ge=1, le=1000, description="At most this many rows (default 100).")


class PreviewRequest(PreviewOptions):
    """An unsaved definition to preview: source and steps (name and mode are optional)."""

    definition: DatasetSpec


class PreviewOut(BaseModel):
    columns: list[ColumnOut]
    rows: list[list[Any]]
    sql: str
    upto: int
    limit: int
    truncated: bool
    steps: list[list[ColumnOut]] = Field(description="The columns after each step; [0] is the source.")


class JobStarted(BaseModel):
    job_id: int
    dataset: str


class AddToModel(BaseModel):
    model: str | None = Field(default=None, description="The semantic model (default: the default model).")
    joins: list[JoinDef] = []
    replace: bool = Field(default=False, description="Replace a model dataset of the same name.")


def _summary(r: store.DatasetRecord) -> dict[str, Any]:
    return {"name": r.name, "label": r.label, "description": r.description, "mode": r.mode, "version": r.version,
            "sources": r.sources, "owner": r.owner, "updated_at": r.updated_at.isoformat(),
            "updated_by": r.updated_by, "row_count": r.row_count, "refresh_error": r.refresh_error,
            "materialized_at": r.materialized_at.isoformat() if r.materialized_at else None}


def _out(r: store.DatasetRecord) -> DatasetOut:
    return DatasetOut(**_summary(r), definition=r.spec, columns=[ColumnOut(**c) for c in r.columns],
                      materialized_version=r.materialized_version)


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ShuzhiError("dataset_invalid", "请求体必须是一个 JSON 对象。", "The request body must be a JSON object.")
    return body


@router.get("", response_model=list[DatasetSummary], responses=ERRORS, summary="Datasets / 自助数据集列表")
def list_datasets(user: Raw, db: DbDep) -> list[DatasetSummary]:
    return [DatasetSummary(**_summary(r)) for r in store.list_datasets(db)]


@router.post("", status_code=201, response_model=DatasetOut, responses=ERRORS, openapi_extra=_body("DatasetSpec"),
             summary="Create a dataset / 新建数据集")
def create_dataset(user: Editor, db: DbDep, rt: RuntimeDep, body: Any = Body(..., include_in_schema=False),
                   comment: str | None = None) -> DatasetOut:
    return _out(service.save(rt, db, _object(body), actor=user.username, create=True, comment=comment,
                             user=user.context()))


@router.post("/preview", response_model=PreviewOut, responses=ERRORS, openapi_extra=_body(PreviewRequest),
             summary="Preview an unsaved definition / 预览（未保存）")
def preview_definition(user: Raw, db: DbDep, rt: RuntimeDep,
                       body: Any = Body(..., include_in_schema=False)) -> dict[str, Any]:
    data = dict(_object(body))
    definition = data.pop("definition", None)
    try:
        opts = PreviewOptions.model_validate(data)
    except ValidationError as exc:  # the caller's options: a 422 like any bad body, never a 500
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    return service.preview(rt, db, _object(definition), upto=opts.upto, limit=opts.limit, user=user.context())


@router.get("/{name}", response_model=DatasetOut, responses=ERRORS, summary="A dataset / 数据集详情")
def get_dataset(name: str, user: Raw, db: DbDep) -> DatasetOut:
    return _out(store.get_dataset(db, name))


@router.put("/{name}", response_model=DatasetOut, responses=ERRORS, openapi_extra=_body("DatasetSpec"),
            summary="Change a dataset (new version) / 修改数据集")
def update_dataset(name: str, user: Editor, db: DbDep, rt: RuntimeDep, body: Any = Body(..., include_in_schema=False),
                   comment: str | None = None) -> DatasetOut:
    data = _object(body)
    if data.get("name", name) != name:
        raise ShuzhiError("dataset_name_mismatch", f"请求体中的数据集名 {data.get('name')} 与地址中的 {name} 不一致。",
                          f"The dataset name in the body ({data.get('name')}) differs from the URL ({name}).")
    return _out(service.save(rt, db, {**data, "name": name}, actor=user.username, create=False, comment=comment,
                             user=user.context()))


@router.delete("/{name}", status_code=204, responses=ERRORS, summary="Delete a dataset / 删除数据集")
def delete_dataset(name: str, user: Editor, db: DbDep, rt: RuntimeDep) -> Response:
    service.delete(rt, db, name)
    return Response(status_code=204)


@router.get("/{name}/versions", response_model=list[DatasetVersionOut], responses=ERRORS,
            summary="Dataset versions / 数据集版本")
def dataset_versions(name: str, user: Raw, db: DbDep) -> list[DatasetVersionOut]:
    return [DatasetVersionOut(version=v.version, created_at=v.created_at.isoformat(), created_by=v.created_by,
                              comment=v.comment, definition=DatasetSpec.model_validate(v.definition))
            for v in store.dataset_versions(db, name)]


@router.post("/{name}/versions/{version}/restore", response_model=DatasetOut, responses=ERRORS,
             summary="Restore a dataset version / 恢复版本")
def restore_dataset(name: str, version: VersionPath, user: Editor, db: DbDep, rt: RuntimeDep) -> DatasetOut:
    return _out(service.restore(rt, db, name, version, actor=user.username, user=user.context()))


@router.post("/{name}/preview", response_model=PreviewOut, responses=ERRORS, summary="Preview a dataset / 预览数据")
def preview_dataset(name: str, user: Raw, db: DbDep, rt: RuntimeDep,
                    body: PreviewOptions | None = None) -> dict[str, Any]:
    opts = body or PreviewOptions()
    return service.preview(rt, db, store.get_dataset(db, name).definition, upto=opts.upto, limit=opts.limit,
                           user=user.context())


@router.post("/{name}/materialize", status_code=202, response_model=JobStarted, responses=ERRORS,
             summary="Materialize (a background job) / 物化")
def materialize_dataset(name: str, user: Editor, db: DbDep, rt: RuntimeDep) -> JobStarted:
    store.get_dataset(db, name)
    return JobStarted(job_id=datasets_refresh.submit_materialize(rt, name, actor=user.username), dataset=name)


@router.get("/{name}/lineage", response_model=DatasetLineage, response_model_exclude_unset=True, responses=ERRORS,
            summary="Dataset lineage / 数据集血缘")
def dataset_lineage(name: str, user: Raw, db: DbDep, rt: RuntimeDep) -> dict[str, Any]:
    return service.lineage(rt, db, name)


@router.post("/{name}/add-to-model", response_model=AddedToModel, response_model_exclude_unset=True, responses=ERRORS,
              summary="Add to a semantic model / 加入语义模型")
def add_to_model(name: str, user: Editor, db: DbDep, rt: RuntimeDep, body: AddToModel | None = None) -> dict[str, Any]:
    opts = body or AddToModel()
    return service.add_to_model(rt, db, name, model=opts.model, actor=user.username, joins=opts.joins,
                                replace=opts.replace,
                                may_change_rules=has_permission(user.role, "security:manage"))
