"""Content shared with people: a user, a department (with its sub-departments) or a role, to view or
to edit (dashboards today).

    grant(s, "dashboard", rec.id, parse_grantee(s, "dept:华精科技/销售中心"), "view", actor="li")
    access_of(grants_for(s, "dashboard", rec.id), user_id, role, groups)   # "edit" | "view" | None

Invariants
- A grantee is stored by id (users and departments can be renamed), a role by name; one grant per
  (content, grantee), a new grant replaces the old access.
- Edit access lets someone change the content only where their role may change content at all
  (content:edit is still checked by the routes): an edit grant to a viewer acts as view.
- Every grant and removal is an audit event (share.grant, share.ungrant).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shuzhi.catalog.audit import append
from shuzhi.catalog.models import ROLES, User
from shuzhi.catalog.org import get_department
from shuzhi.catalog.org_models import ContentGrant, Department
from shuzhi.errors import ShuzhiError

ACCESS = ("view", "edit")
KINDS = ("dashboard",)


@dataclass(frozen=True)
class Grantee:
    type: str  # user | dept | role
    key: str  # user id, department id, role name
    label: str  # the user name, the department path, the role


def parse_grantee(s: Session, text: str) -> Grantee:
    """user:NAME, dept:PATH or role:NAME."""
    kind, _, name = (text or "").partition(":")
    kind, name = kind.strip().lower(), name.strip()
    if kind == "user" and name:
        u = s.scalar(select(User).where(User.username == name.lower()))
        if u is None:
            raise ShuzhiError("user_not_found", f"用户「{name}」不存在。", f"User '{name}' does not exist.", 404)
        return Grantee("user", str(u.id), u.username)
    if kind in ("dept", "department") and name:
        d = get_department(s, name)
        return Grantee("dept", str(d.id), d.path)
    if kind == "role" and name.lower() in ROLES:
        return Grantee("role", name.lower(), name.lower())
    raise ShuzhiError("bad_grantee", f"「{text}」不是共享对象：请写 user:用户名、dept:部门路径 或 role:admin|editor|viewer。",
                      f"'{text}' is not someone to share with: write user:NAME, dept:PATH or role:admin|editor|viewer.")


def _check(kind: str, access: str) -> None:
    if kind not in KINDS:
        raise ShuzhiError("bad_share_kind", f"不能共享 {kind}。", f"Cannot share a {kind}.")
    if access not in ACCESS:
        raise ShuzhiError("bad_access", f"权限只能是 view（查看）或 edit（编辑），不能是 {access}。",
                          f"Access is view or edit, not {access}.")


def grant(s: Session, kind: str, object_id: int, who: Grantee, access: str, *, actor: str | None,
          target: str | None = None) -> ContentGrant:
    _check(kind, access)
    g = s.scalar(select(ContentGrant).where(ContentGrant.kind == kind, ContentGrant.object_id == object_id,
                                            ContentGrant.grantee_type == who.type, ContentGrant.grantee == who.key))
    if g is None:
        g = ContentGrant(kind=kind, object_id=object_id, grantee_type=who.type, grantee=who.key, access=access,
                         created_by=actor)
        s.add(g)
    else:
        g.access = access
    s.flush()
    append(s, "share.grant", actor=actor, target=target or f"{kind}:{object_id}",
           detail={"kind": kind, "with": f"{who.type}:{who.label}", "access": access})
    return g


def ungrant(s: Session, kind: str, object_id: int, who: Grantee, *, actor: str | None, target: str | None = None) -> bool:
    n = s.execute(delete(ContentGrant).where(ContentGrant.kind == kind, ContentGrant.object_id == object_id,
                                             ContentGrant.grantee_type == who.type,
                                             ContentGrant.grantee == who.key)).rowcount or 0
    if n:
        append(s, "share.ungrant", actor=actor, target=target or f"{kind}:{object_id}",
               detail={"kind": kind, "with": f"{who.type}:{who.label}"})
    return bool(n)


def grants_for(s: Session, kind: str, object_id: int | None = None) -> list[ContentGrant]:
    q = select(ContentGrant).where(ContentGrant.kind == kind)
    if object_id is not None:
        q = q.where(ContentGrant.object_id == object_id)
    return list(s.scalars(q.order_by(ContentGrant.id)))


def by_object(grants: Iterable[ContentGrant]) -> dict[int, list[ContentGrant]]:
    out: dict[int, list[ContentGrant]] = {}
    for g in grants:
        out.setdefault(g.object_id, []).append(g)
    return out


def access_of(grants: Iterable[ContentGrant], user_id: int, role: str, groups: frozenset[int]) -> str | None:
    """The widest access these grants give this person ("edit" > "view"), or None."""
    best: str | None = None
    for g in grants:
        hit = ((g.grantee_type == "user" and g.grantee == str(user_id)) or (g.grantee_type == "role" and g.grantee == role)
               or (g.grantee_type == "dept" and g.grantee.isdigit() and int(g.grantee) in groups))
        if hit and (best is None or g.access == "edit"):
            best = g.access
    return best


def label_of(s: Session, g: ContentGrant) -> str:
    """The grantee as people name it (a removed user or department says so)."""
    if g.grantee_type == "role":
        return g.grantee
    if g.grantee_type == "user":
        u = s.get(User, int(g.grantee))
        return u.username if u else f"#{g.grantee}"
    d = s.get(Department, int(g.grantee))
    return d.path if d else f"#{g.grantee}"
