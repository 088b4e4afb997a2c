"""Departments (admins: users:manage), the sharing directory and who a dashboard is shared with
(its owner and admins; content:edit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.users import check_attrs
from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog import org
from shuzhi.catalog.org_models import Department
from shuzhi.errors import ShuzhiError
from shuzhi.service import org as svc

router = APIRouter(tags=["organisation"])
Admin = Annotated[Principal, Depends(require("users:manage"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]
AttrValue = str | int | float | bool | list[str | int | float]


class DepartmentCreate(BaseModel):
    path: str = Field(min_length=1, max_length=700, description="华精科技/销售中心/华东销售部; parents are made as needed")
    attributes: dict[str, AttrValue] = {}


class DepartmentUpdate(BaseModel):
    attributes: dict[str, AttrValue] | None = None
    remove_attributes: list[str] | None = None


class GrantsIn(BaseModel):
    grants: list[svc.GrantIn] = Field(max_length=500)


def _dept(db: DbDep, dept_id: int) -> Department:
    d = db.get(Department, dept_id) if 0 < dept_id < 2**31 else None
    if d is None:
        raise ShuzhiError("department_not_found", "部门不存在。", "The department does not exist.", 404)
    return d


def _who(p: Principal) -> dash_store.Viewer:
    return dash_store.Viewer(p.user_id, p.username, p.role, p.groups)


@router.get("/departments", response_model=svc.DepartmentList, responses=ERRORS, summary="Departments / 部门")
def list_departments(_: Admin, db: DbDep) -> svc.DepartmentList:
    return svc.list_departments(db)


@router.post("/departments", response_model=svc.DepartmentOut, status_code=201, responses=ERRORS,
             summary="Add a department / 新建部门")
def add_department(body: DepartmentCreate, admin: Admin, db: DbDep) -> svc.DepartmentOut:
    d = org.add_department(db, body.path, check_attrs(body.attributes), actor=admin.username)
    db.flush()
    return svc.department_out(d, org.member_counts(db))


@router.patch("/departments/{dept_id}", response_model=svc.DepartmentOut, responses=ERRORS,
              summary="Change a department's attributes / 修改部门属性")
def update_department(dept_id: int, body: DepartmentUpdate, admin: Admin, db: DbDep) -> svc.DepartmentOut:
    d = org.update_department(db, _dept(db, dept_id).path, attributes=check_attrs(body.attributes or {}),
                              remove_attributes=body.remove_attributes, actor=admin.username)
    return svc.department_out(d, org.member_counts(db))


@router.delete("/departments/{dept_id}", status_code=204, responses=ERRORS,
               summary="Remove a department and its sub-departments / 删除部门")
def delete_department(dept_id: int, admin: Admin, db: DbDep) -> Response:
    org.delete_department(db, _dept(db, dept_id).path, actor=admin.username)
    return Response(status_code=204)


@router.get("/directory", response_model=svc.Directory, responses=ERRORS,
            summary="People, departments and roles to share with / 共享对象")
def directory(_: Editor, db: DbDep) -> svc.Directory:
    return svc.directory(db)


@router.get("/dashboards/{key}/grants", response_model=svc.GrantList, responses=ERRORS,
            summary="Who a dashboard is shared with / 仪表板共享给谁")
def dashboard_grants(key: str, user: Editor, db: DbDep) -> svc.GrantList:
    return svc.dashboard_grants(db, key, _who(user))


@router.put("/dashboards/{key}/grants", response_model=svc.GrantList, responses=ERRORS,
            summary="Share a dashboard with users, departments or roles / 共享仪表板")
def put_dashboard_grants(key: str, body: GrantsIn, user: Editor, db: DbDep) -> svc.GrantList:
    return svc.replace_grants(db, key, body.grants, _who(user))


@router.get("/users/{username}/access", response_model=svc.UserAccess, responses=ERRORS,
            summary="What a user sees: rules with their values, dashboards and why / 用户能看到什么")
def user_access(username: str, _: Admin, db: DbDep, rt: RuntimeDep) -> svc.UserAccess:
    idx, _version = rt.model_index(None, db)
    return svc.user_access(db, idx, username)


@router.get("/dashboards/{key}/viewers", response_model=svc.DashboardViewers, responses=ERRORS,
            summary="Who can open a dashboard and why / 谁能看到此仪表板")
def dashboard_viewers(key: str, user: Editor, db: DbDep) -> svc.DashboardViewers:
    return svc.dashboard_viewers(db, key, _who(user))
