"""Roles and what each may do. Permissions are checked by name; roles are ordered."""

from __future__ import annotations

from shuzhi.errors import ShuzhiError

ROLES = ("admin", "editor", "viewer")

PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"content:view", "tokens:own"}),
    "editor": frozenset({"content:view", "content:edit", "tokens:own"}),
    "admin": frozenset(
        {"content:view", "content:edit", "tokens:own", "users:manage", "sql:run", "audit:view",
         "connections:manage"}
    ),
}

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
