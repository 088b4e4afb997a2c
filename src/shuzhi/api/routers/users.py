"""User administration (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from shuzhi.api.deps import DbDep, require
from shuzhi.api.routers.auth import ERRORS, user_out
from shuzhi.api.schemas import PasswordReset, UserCreate, UserOut, UserUpdate
from shuzhi.auth import users as U
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import org

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require("users:manage"))]


@router.get("", response_model=list[UserOut], responses=ERRORS, summary="List users / 用户列表")
def list_users(admin: Admin, db: DbDep) -> list[UserOut]:
    return [user_out(u) for u in U.list_users(db)]


@router.post("", response_model=UserOut, status_code=201, responses=ERRORS, summary="Create a user / 新建用户")
def create_user(body: UserCreate, admin: Admin, db: DbDep) -> UserOut:
    u = U.create_user(
        db, body.username, body.password, body.role,
        attributes=body.attributes, display_name=body.display_name, departments=body.departments,
        actor=admin.username,
    )
    return user_out(u)


@router.get("/{username}", response_model=UserOut, responses=ERRORS, summary="One user / 查看用户")
def get_user(username: str, admin: Admin, db: DbDep) -> UserOut:
    return user_out(U.get_user(db, username))


@router.patch("/{username}", response_model=UserOut, responses=ERRORS, summary="Change a user / 修改用户")
def update_user(username: str, body: UserUpdate, admin: Admin, db: DbDep) -> UserOut:
    u = U.update_user(
        db, username, role=body.role, attributes=body.attributes, remove_attributes=body.remove_attributes,
        display_name=body.display_name, is_active=body.is_active, actor=admin.username,
    )
    if body.departments is not None:
        org.set_user_departments(db, u, body.departments, actor=admin.username)
    return user_out(u)


@router.post("/{username}/password", status_code=204, responses=ERRORS, summary="Reset a password / 重置密码")
def reset_password(username: str, body: PasswordReset, admin: Admin, db: DbDep) -> Response:
    U.set_password(db, username, body.new_password, actor=admin.username)
    return Response(status_code=204)


@router.delete("/{username}", status_code=204, responses=ERRORS, summary="Delete a user / 删除用户")
def delete_user(username: str, admin: Admin, db: DbDep) -> Response:
    U.delete_user(db, username, actor=admin.username)
    return Response(status_code=204)
