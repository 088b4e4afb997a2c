"""Roles and what each may do. Permissions are checked by name; roles are ordered."""

from __future__ import annotations

from shuzhi.errors import ShuzhiError

ROLES = ("admin", "editor", "viewer")

# What each permission guards (docs/auth.md has the route-by-route table, checked by
# tests/auth/test_role_walk.py):
#   content:view     read dashboards, metrics, the model's public parts; query through the model
#                    (row and column rules apply)
#   content:edit     change the model (not its security rules), datasets, dashboards, alert rules
#   data:raw         raw warehouse data outside the model: tables, previews, profiles, dataset
#                    definitions and previews, imports, and the generated SQL in query answers
#   security:manage  row and column rules: who sees what (separately audited)
#   sql:run, users:manage, audit:view, connections:manage, channels:manage: administration
# Invariant: every role's set includes the sets of the roles below it.
_VIEWER = frozenset({"content:view", "tokens:own"})
_EDITOR = _VIEWER | {"content:edit", "data:raw"}
_ADMIN = _EDITOR | {"users:manage", "sql:run", "audit:view", "connections:manage", "channels:manage",
                    "security:manage"}

PERMISSIONS: dict[str, frozenset[str]] = {"viewer": _VIEWER, "editor": _EDITOR, "admin": _ADMIN}

ROLE_LABELS = {
    "admin": ("管理员", "Administrator"),
    "editor": ("编辑者", "Editor"),
    "viewer": ("查看者", "Viewer"),
}


def check_role(role: str) -> str:
    r = (role or "").strip().lower()
    if r not in ROLES:
        raise ShuzhiError(
            "bad_role",
            f"未知角色「{role}」，可选：admin（管理员）、editor（编辑者）、viewer（查看者）。",
            f"Unknown role '{role}'; choose admin, editor or viewer.",
        )
    return r


def has_permission(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())


def forbidden(permission: str) -> ShuzhiError:
    return ShuzhiError(
        "forbidden",
        f"你的角色没有此操作的权限（需要 {permission}）。",
        f"Your role is not allowed to do this (needs {permission}).",
        403,
    )
