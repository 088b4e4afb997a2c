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
import re
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog import grants as G
from shuzhi.catalog import org
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import ROLES, User
from shuzhi.catalog.org_models import Department
from shuzhi.errors import ShuzhiError

AttrValue = str | int | float | bool | list[str | int | float]
_PLACEHOLDER = re.compile(r"\{\{\s*user\.(\w+)\s*\}\}")


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


# -- who can see what ---------------------------------------------------------------------------
class RowRuleView(BaseModel):
    name: str
    dataset: str
    filter: str = Field(description="the rule as written ({{ user.x }} placeholders)")
    applied: str = Field(description="the rule with this user's values, or 不过滤 / no filter when it does not bind them")
    binds: bool


class DashboardAccess(BaseModel):
    name: str
    title: str
    via: str = Field(description="owner, admin, role:viewer, shared:dept:PATH, shared:user:NAME, shared:role:NAME")
    access: Literal["view", "edit"]


class UserAccess(BaseModel):
    username: str
    role: str
    departments: list[str]
    effective_attributes: dict[str, AttrValue]
    row_rules: list[RowRuleView]
    denied_fields: list[str] = Field(description="fields and metrics the user's role may not query (column rules)")
    dashboards: list[DashboardAccess]


class ViewerOf(BaseModel):
    username: str
    role: str
    via: str
    access: Literal["view", "edit"]


class DashboardViewers(BaseModel):
    dashboard: str
    viewers: list[ViewerOf]


def _via(rec: Any, u: User, groups: frozenset[int], grants: list[Any], s: Session) -> tuple[str, str] | None:
    if u.role == "admin":
        return "admin", "edit"
    if rec.owner == u.username:
        return "owner", "edit"
    best: tuple[str, str] | None = None
    for g in grants:
        hit = ((g.grantee_type == "user" and g.grantee == str(u.id)) or (g.grantee_type == "role" and g.grantee == u.role)
               or (g.grantee_type == "dept" and g.grantee.isdigit() and int(g.grantee) in groups))
        if hit and (best is None or g.access == "edit"):
            access = g.access if u.role in ("admin", "editor") else "view"
            best = (f"shared:{g.grantee_type}:{G.label_of(s, g)}", access)
    if best is None and u.role in (rec.shared_roles or []):
        best = (f"role:{u.role}", "view")
    return best


def user_access(s: Session, index: Any, username: str) -> UserAccess:
    """What `username` sees: their attributes, the row rules with their values, denied fields, and every
    dashboard they may open and why."""
    from shuzhi.auth.users import get_user
    from shuzhi.compile.apply_security import rules_for
    from shuzhi.spec.resolve import UserContext

    u = get_user(s, username)
    attrs = org.effective_attributes(u)
    ctx = UserContext(u.username, u.role, attrs)
    binding = {r.name for r in rules_for(index, ctx)}
    rules = []
    for r in index.model.row_rules:
        def shown(m: re.Match[str]) -> str:
            v = attrs.get(m.group(1))
            return "、".join(map(str, v)) if isinstance(v, list) else ("（无）" if v in (None, "") else str(v))

        applied = _PLACEHOLDER.sub(shown, r.filter)
        binds = r.name in binding
        rules.append(RowRuleView(name=r.name, dataset=r.dataset, filter=r.filter, binds=binds,
                                 applied=applied if binds else "不过滤 / no filter"))
    denied = sorted({f for c in index.model.column_rules if u.role in c.deny_roles for f in c.fields})
    groups = org.group_ids(u)
    all_grants = G.by_object(G.grants_for(s, "dashboard"))
    dashboards = []
    for rec in s.scalars(select(DashboardRecord).order_by(DashboardRecord.name)):
        via = _via(rec, u, groups, all_grants.get(rec.id, []), s)
        if via is not None:
            dashboards.append(DashboardAccess(name=rec.name, title=rec.title, via=via[0], access=via[1]))  # type: ignore[arg-type]
    return UserAccess(username=u.username, role=u.role, departments=sorted(d.path for d in u.departments),  # type: ignore[attr-defined]
                      effective_attributes=attrs, row_rules=rules, denied_fields=denied, dashboards=dashboards)


def dashboard_viewers(s: Session, key: str, who: dash_store.Viewer) -> DashboardViewers:
    """Every active user who may open the dashboard, and why (its owner and admins ask)."""
    rec = _owned(s, key, who)
    grants = G.grants_for(s, "dashboard", rec.id)
    out = []
    for u in s.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)):
        via = _via(rec, u, org.group_ids(u), grants, s)
        if via is not None:
            out.append(ViewerOf(username=u.username, role=u.role, via=via[0], access=via[1]))  # type: ignore[arg-type]
    return DashboardViewers(dashboard=rec.name, viewers=out)
