"""The organisation as the API and the CLI show it: departments (with inherited attributes and member
counts), who a dashboard is shared with, and the directory people pick from when sharing.

Invariants
- Department and sharing changes are audited in the catalog (dept.*, user.departments, share.grant,
  share.ungrant) and take effect at the next sign-in or session refresh of the people concerned
  (sessions are re-read from the catalog within auth/session_cache's bound).
- Only the owner of a dashboard and admins see or change who it is shared with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog import grants as G
from shuzhi.catalog import org
from shuzhi.catalog.models import ROLES, User
from shuzhi.catalog.org_models import Department
from shuzhi.errors import ShuzhiError

AttrValue = str | int | float | bool | list[str | int | float]


class DepartmentOut(BaseModel):
    id: int
    path: str
    name: str
    parent: str | None = None
    attributes: dict[str, AttrValue] = Field(description="set on this department")
    inherited_attributes: dict[str, AttrValue] = Field(description="what its members get: its own over its parents'")
    members: int = Field(description="users in this department itself")
    source: str = "local"


class DepartmentList(BaseModel):
    departments: list[DepartmentOut]


class GrantIn(BaseModel):
    grantee: str = Field(min_length=3, max_length=760, description="user:NAME, dept:PATH or role:NAME")
    access: Literal["view", "edit"] = "view"


class GrantOut(BaseModel):
    grantee: str = Field(description="user:NAME, dept:PATH or role:NAME")
    type: Literal["user", "dept", "role"]
    label: str
    access: Literal["view", "edit"]
    created_by: str | None = None
    created_at: dt.datetime


class GrantList(BaseModel):
    dashboard: str
    owner: str
    grants: list[GrantOut]


class Directory(BaseModel):
    users: list[dict[str, Any]] = Field(description="[{username, display_name}] of active users")
    departments: list[str]
    roles: list[str]


def department_out(d: Department, counts: dict[int, int]) -> DepartmentOut:
    return DepartmentOut(id=d.id, path=d.path, name=d.name, parent=d.parent.path if d.parent else None,
                         attributes=dict(d.attributes or {}), inherited_attributes=org.inherited_attributes(d),
                         members=counts.get(d.id, 0), source=d.source)


def list_departments(s: Session) -> DepartmentList:
    counts = org.member_counts(s)
    return DepartmentList(departments=[department_out(d, counts) for d in org.list_departments(s)])


def _grant_out(s: Session, g: Any) -> GrantOut:
    label = G.label_of(s, g)
    return GrantOut(grantee=f"{g.grantee_type}:{label}", type=g.grantee_type, label=label, access=g.access,
                    created_by=g.created_by, created_at=g.created_at)


def _owned(s: Session, key: str, who: dash_store.Viewer) -> Any:
    rec = dash_store.get_record(s, key, who)
    if who.role != "admin" and rec.owner != who.username:
        raise ShuzhiError("share_forbidden", f"只有所有者 {rec.owner} 或管理员可以共享仪表板「{rec.title}」。",
                          f"Only the owner ({rec.owner}) or an administrator may share dashboard '{rec.title}'.", 403)
    return rec


def dashboard_grants(s: Session, key: str, who: dash_store.Viewer) -> GrantList:
    rec = _owned(s, key, who)
    return GrantList(dashboard=rec.name, owner=rec.owner,
                     grants=[_grant_out(s, g) for g in G.grants_for(s, "dashboard", rec.id)])


def share_dashboard(s: Session, key: str, grantee: str, access: str, who: dash_store.Viewer, *,
                    remove: bool = False) -> GrantList:
    rec = _owned(s, key, who)
    g = G.parse_grantee(s, grantee)
    if remove:
        if not G.ungrant(s, "dashboard", rec.id, g, actor=who.username, target=rec.name):
            raise ShuzhiError("grant_not_found", f"仪表板「{rec.title}」没有共享给 {grantee}。",
                              f"Dashboard '{rec.title}' is not shared with {grantee}.", 404)
    else:
        G.grant(s, "dashboard", rec.id, g, access, actor=who.username, target=rec.name)
    return dashboard_grants(s, key, who)


def replace_grants(s: Session, key: str, wanted: list[GrantIn], who: dash_store.Viewer) -> GrantList:
    """Make the dashboard's shares exactly `wanted` (the sharing dialog saves the whole list)."""
    rec = _owned(s, key, who)
    parsed = [(G.parse_grantee(s, w.grantee), w.access) for w in wanted]
    keep = {(g.type, g.key) for g, _ in parsed}
    for old in G.grants_for(s, "dashboard", rec.id):
        if (old.grantee_type, old.grantee) not in keep:
            G.ungrant(s, "dashboard", rec.id, G.Grantee(old.grantee_type, old.grantee, G.label_of(s, old)),
                      actor=who.username, target=rec.name)
    current = {(g.grantee_type, g.grantee): g.access for g in G.grants_for(s, "dashboard", rec.id)}
    for g, access in parsed:
        if current.get((g.type, g.key)) != access:
            G.grant(s, "dashboard", rec.id, g, access, actor=who.username, target=rec.name)
    return dashboard_grants(s, key, who)


def directory(s: Session) -> Directory:
    users = [{"username": u.username, "display_name": u.display_name}
             for u in s.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))]
    return Directory(users=users, departments=[d.path for d in org.list_departments(s)], roles=list(ROLES))
