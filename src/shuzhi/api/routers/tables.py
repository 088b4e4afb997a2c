"""Warehouse tables for the data page: list (rows, columns, labels, import record), first rows, profile.

Reading needs data:raw (editors and admins); adding a table to a model needs content:edit.
Row and column rules apply: a table that backs a model dataset shows a caller with rules only the
rows that dataset's rules leave and none of the denied columns — in the list (row count, columns),
the preview and the profile alike (service.tables, runtime.scopes).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.results.encoders import to_columns, to_rows
from shuzhi.runtime.modeling import add_table_to_model
from shuzhi.service import tables
from shuzhi.spec.resolve import UserContext

router = APIRouter(prefix="/tables", tags=["tables"])
Raw = Annotated[Principal, Depends(require("data:raw"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]


class TableColumn(BaseModel):
    name: str
    type: str
    label: str | None = None


class ImportInfo(BaseModel):
    source_file: str
    source_format: str
    source_sheet: str | None = None
    mode: str
    rows: int
    rejected: int
    imports: int
    imported_at: str
    imported_by: str | None = None
    job_id: int | None = None


class TableOut(BaseModel):
    name: str
    rows: int
    columns: list[TableColumn]
    imported: ImportInfo | None = None


class TableRows(BaseModel):
    columns: list[dict[str, Any]]
    rows: list[list[Any]]


class ColumnProfile(BaseModel):
    name: str
    label: str | None = None
    type: str
    nulls: int
    distinct: int
    min: Any = None
    max: Any = None
    top: list[dict[str, Any]]


class TableProfile(BaseModel):
    table: str
    rows: int
    columns: list[ColumnProfile]


def _list(rt: Any, user: UserContext) -> list[TableOut]:
    out = []
    for t in tables.list_tables(rt, user):
        rec, lab = t["record"], t["labels"]
        out.append(TableOut(name=t["name"], rows=t["rows"],
                            columns=[TableColumn(**c, label=lab.get(c["name"])) for c in t["columns"]],
                            imported=ImportInfo(**{k: v for k, v in rec.items() if k in ImportInfo.model_fields})
                            if rec else None))
    return out


@router.get("", response_model=list[TableOut], responses=ERRORS, summary="Warehouse tables / 数据表")
async def list_tables(user: Raw, rt: RuntimeDep) -> list[TableOut]:
    return await run_in_threadpool(_list, rt, user.context())


def _preview(rt: Any, name: str, limit: int, user: UserContext) -> TableRows:
    t = tables.first_rows(rt, name, limit, user)
    lab = tables.labels(rt, name).get(name, (None, {}))[1]
    cols = [{**c, "label": lab.get(c["name"])} for c in to_columns(t)]
    return TableRows(columns=cols, rows=to_rows(t))


@router.get("/{name}/preview", response_model=TableRows, responses=ERRORS, summary="First rows / 前几行")
async def preview_table(name: str, user: Raw, rt: RuntimeDep,
                        limit: int = Query(default=50, ge=1, le=1000)) -> TableRows:
    return await run_in_threadpool(_preview, rt, name, limit, user.context())


def _profile(rt: Any, name: str, user: UserContext) -> TableProfile:
    p = tables.profile(rt, name, user)
    lab = tables.labels(rt, name).get(name, (None, {}))[1]
    return TableProfile(table=p["table"], rows=p["rows"],
                        columns=[ColumnProfile(**c, label=lab.get(c["name"])) for c in p["columns"]])


@router.get("/{name}/profile", response_model=TableProfile, responses=ERRORS, summary="Column profile / 列概况")
async def profile_table(name: str, user: Raw, rt: RuntimeDep) -> TableProfile:
    return await run_in_threadpool(_profile, rt, name, user.context())


class AddTable(BaseModel):
    model: str | None = None  # default: the default model
    replace: bool = False  # swap in the table's dataset again (after its columns changed)
    label: str | None = None  # the dataset's label (default: the imported file's name)


class AddTableOut(BaseModel):
    model: str
    model_version: int
    dataset: str
    metrics: list[dict[str, str]]


@router.post("/{name}/add-to-model", response_model=AddTableOut, responses=ERRORS,
             summary="Make a table analyzable: add it to a semantic model / 加入模型")
def add_to_model(name: str, user: Editor, db: DbDep, rt: RuntimeDep, body: AddTable | None = None) -> AddTableOut:
    """The table becomes a model dataset (fields typed and labelled) with generated metrics: a row
    count and a sum per numeric column. A new model version; usable in analysis and questions."""
    opts = body or AddTable()
    return AddTableOut(**add_table_to_model(rt, db, name, model=opts.model, actor=user.username,
                                            replace=opts.replace, label=opts.label,
                                            may_change_rules=has_permission(user.role, "security:manage")))
