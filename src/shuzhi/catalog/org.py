"""Departments: a tree named by paths, members, and the attributes members inherit.

    add_department(s, "华精科技/销售中心/华东销售部", {"region": "华东"})   # parents made as needed
    set_user_departments(s, user, ["华精科技/销售中心/华东销售部"])
    effective_attributes(user)   # {"region": "华东", ...}: what row rules read

Invariants
- A path is its names from the root joined by "/", each name 1–64 characters without "/" or control
  characters, at most MAX_DEPTH deep; surrounding spaces are dropped. The same path is one department.
- A member's attributes: for each of their departments, the attributes of its root, then each
  sub-department down to it (the nearest wins); across several departments, a key with different
  values becomes the list of them (a row rule then reads IN); the user's own attributes win over all.
- Departments a user belongs to, with all their ancestors, are the user's groups for sharing
  (content shared with 销售中心 reaches members of 华东销售部).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shuzhi.catalog.audit import append
from shuzhi.catalog.models import User
from shuzhi.catalog.org_models import ContentGrant, Department, UserDepartment
from shuzhi.errors import ShuzhiError

MAX_DEPTH = 10
_BAD_NAME = re.compile(r"[/\x00-\x1f\x7f]")


def split_path(path: str) -> list[str]:
    parts = [p.strip() for p in (path or "").strip().strip("/").split("/")]
    if not parts or any(not p for p in parts):
        raise ShuzhiError("bad_department", f"部门路径「{path}」不合法：请用「/」分隔各级名称，例如 华精科技/销售中心/华东销售部。",
                          f"The department path '{path}' is not valid: separate the levels with '/', e.g. "
                          "华精科技/销售中心/华东销售部.")
    if len(parts) > MAX_DEPTH:
        raise ShuzhiError("bad_department", f"部门层级最多 {MAX_DEPTH} 级。", f"Departments nest at most {MAX_DEPTH} deep.")
    for p in parts:
        if len(p) > 64 or _BAD_NAME.search(p):
            raise ShuzhiError("bad_department", f"部门名称「{p[:80]}」不合法：最多 64 个字符，不能含控制字符。",
                              f"The department name '{p[:80]}' is not valid: at most 64 characters, no control characters.")
    return parts


def normalize_path(path: str) -> str:
    return "/".join(split_path(path))


def get_department(s: Session, path: str) -> Department:
    norm = normalize_path(path)
    d = s.scalar(select(Department).where(Department.path == norm))
    if d is None:
        raise ShuzhiError("department_not_found", f"部门「{norm}」不存在（shuzhi dept list 列出所有部门）。",
                          f"The department '{norm}' does not exist (shuzhi dept list lists them).", 404)
    return d


def add_department(s: Session, path: str, attributes: dict[str, Any] | None = None, *, actor: str | None = None,
                   source: str = "local") -> Department:
    """The department at `path`, made with any missing parents; `attributes` are set on it (merged
    into an existing one's)."""
    parts = split_path(path)
    parent: Department | None = None
    made: list[str] = []
    for i in range(len(parts)):
        here = "/".join(parts[: i + 1])
        d = s.scalar(select(Department).where(Department.path == here))
        if d is None:
            d = Department(path=here, name=parts[i], parent_id=parent.id if parent else None, attributes={},
                           source=source)
            s.add(d)
            s.flush()
            made.append(here)
        parent = d
    assert parent is not None
    if attributes:
        parent.attributes = {**(parent.attributes or {}), **attributes}
    append(s, "dept.add" if made else "dept.update", actor=actor, target=parent.path[:128],
           detail={"made": made, "attributes": attributes or {}})
    return parent


def update_department(s: Session, path: str, *, attributes: dict[str, Any] | None = None,
                      remove_attributes: list[str] | None = None, actor: str | None = None) -> Department:
    d = get_department(s, path)
    merged = {**(d.attributes or {}), **(attributes or {})}
    for k in remove_attributes or []:
        merged.pop(k, None)
    d.attributes = merged
    append(s, "dept.update", actor=actor, target=d.path[:128], detail={"attributes": merged})
    return d


def delete_department(s: Session, path: str, *, actor: str | None = None) -> int:
    """Remove a department and its sub-departments (members stay users); the number removed."""
    d = get_department(s, path)
    doomed = [x for x in s.scalars(select(Department)) if x.path == d.path or x.path.startswith(d.path + "/")]
    ids = [str(x.id) for x in doomed]
    s.execute(delete(ContentGrant).where(ContentGrant.grantee_type == "dept", ContentGrant.grantee.in_(ids)))
    for x in sorted(doomed, key=lambda x: -x.path.count("/")):
        s.delete(x)
    append(s, "dept.delete", actor=actor, target=d.path[:128], detail={"removed": [x.path for x in doomed]})
    return len(doomed)


def list_departments(s: Session) -> list[Department]:
    return list(s.scalars(select(Department).order_by(Department.path)))


def members(s: Session, d: Department) -> list[User]:
    return list(s.scalars(select(User).join(UserDepartment, UserDepartment.user_id == User.id)
                          .where(UserDepartment.department_id == d.id).order_by(User.username)))


def member_counts(s: Session) -> dict[int, int]:
    counts: dict[int, int] = {}
    for (dept_id,) in s.execute(select(UserDepartment.department_id)):
        counts[dept_id] = counts.get(dept_id, 0) + 1
    return counts


def set_user_departments(s: Session, u: User, paths: list[str], *, actor: str | None = None) -> None:
    """Make `u` a member of exactly these departments (each must exist)."""
    depts = [get_department(s, p) for p in dict.fromkeys(paths)]
    u.departments = depts  # type: ignore[attr-defined]
    append(s, "user.departments", actor=actor, target=u.username, detail={"departments": [d.path for d in depts]})


def chain(d: Department) -> list[Department]:
    """The department's ancestors and itself, root first."""
    out: list[Department] = []
    cur: Department | None = d
    while cur is not None and len(out) <= MAX_DEPTH:
        out.append(cur)
        cur = cur.parent
    return out[::-1]


def inherited_attributes(d: Department) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for a in chain(d):
        attrs.update(a.attributes or {})
    return attrs


def effective_attributes(u: User) -> dict[str, Any]:
    """The attributes row rules read for `u` (see the module's invariants)."""
    merged: dict[str, list[Any]] = {}
    for d in getattr(u, "departments", None) or []:
        for k, v in inherited_attributes(d).items():
            for x in v if isinstance(v, list) else [v]:
                if x not in merged.setdefault(k, []):
                    merged[k].append(x)
    out: dict[str, Any] = {k: (vs[0] if len(vs) == 1 else vs) for k, vs in merged.items()}
    out.update(u.attributes or {})
    return out


def group_ids(u: User) -> frozenset[int]:
    """The user's departments and all their ancestors (for sharing)."""
    return frozenset(a.id for d in (getattr(u, "departments", None) or []) for a in chain(d))
