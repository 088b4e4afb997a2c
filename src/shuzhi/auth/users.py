"""User accounts: create, look up, change, and the first admin of a fresh install.

Usernames are stored in lower case (ASCII letters, digits, _ . - and CJK characters), so
login is case-insensitive. Attributes are free-form string pairs (region=华东, plant=常州工厂)
that later row rules read as {{ user.region }}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuzhi.auth.passwords import check_password_policy, generate_password, hash_password
from shuzhi.auth.roles import check_role
from shuzhi.catalog import org
from shuzhi.catalog.audit import append
from shuzhi.catalog.models import User, utcnow
from shuzhi.catalog.org_models import ContentGrant
from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    from shuzhi.auth.ldap import Identity

_USERNAME_RE = re.compile(r"^[a-z0-9_.\-\u4e00-\u9fff]{1,64}$")
_ATTR_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
FIRST_ADMIN = "admin"


@dataclass(frozen=True)
class UserView:
    """What callers outside auth see of a user (never the hash)."""

    id: int
    username: str
    display_name: str | None
    role: str
    attributes: dict[str, Any] = field(default_factory=dict)
    is_active: bool = True
    created_at: str | None = None
    last_login_at: str | None = None
    departments: list[str] = field(default_factory=list)
    source: str = "local"  # or the directory / provider that vouches for the account (ldap, oidc, ...)
    effective_attributes: dict[str, Any] = field(default_factory=dict)  # with the departments' (row rules read these)

    @classmethod
    def of(cls, u: User) -> UserView:
        return cls(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            attributes=dict(u.attributes or {}),
            is_active=u.is_active,
            created_at=u.created_at.isoformat() if u.created_at else None,
            last_login_at=u.last_login_at.isoformat() if u.last_login_at else None,
            departments=sorted(d.path for d in u.departments),  # type: ignore[attr-defined]
            source=u.source or "local",
            effective_attributes=org.effective_attributes(u),
        )


def normalize_username(name: str) -> str:
    n = (name or "").strip().lower()
    if not _USERNAME_RE.match(n):
        raise ShuzhiError(
            "bad_username",
            "用户名需为 1–64 个字符，只能包含字母、数字、汉字和 _ . -。",
            "A user name is 1-64 characters: letters, digits, Chinese characters, _ . or -.",
        )
    return n


def parse_attrs(pairs: list[str]) -> dict[str, str]:
    """Parse ["region=华东", "plant=常州工厂"] into a dict, rejecting malformed pairs."""
    attrs: dict[str, str] = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        key = key.strip()
        if not sep or not _ATTR_KEY_RE.match(key):
            raise ShuzhiError(
                "bad_attribute",
                f"用户属性「{p}」格式不对，应为 键=值，例如 region=华东（键只能用字母、数字和下划线）。",
                f"User attribute '{p}' is malformed; use key=value, e.g. region=华东 "
                "(keys use letters, digits and underscores).",
            )
        attrs[key] = value.strip()
    return attrs


def check_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    for k, v in attrs.items():
        if not _ATTR_KEY_RE.match(str(k)):
            raise ShuzhiError(
                "bad_attribute",
                f"用户属性名「{k}」无效：只能用字母、数字和下划线，且不以数字开头。",
                f"User attribute name '{k}' is invalid: letters, digits and underscores, not starting with a digit.",
            )
        if not isinstance(v, str | int | float | bool) and not (
            isinstance(v, list) and all(isinstance(x, str | int | float) for x in v)
        ):
            raise ShuzhiError(
                "bad_attribute",
                f"用户属性「{k}」的值必须是文字、数字或它们的列表。",
                f"User attribute '{k}' must be text, a number, or a list of them.",
            )
    return dict(attrs)


def find_user(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(User.username == (username or "").strip().lower()))


def get_user(s: Session, username: str) -> User:
    u = find_user(s, username)
    if u is None:
        raise ShuzhiError("user_not_found", f"用户「{username}」不存在。", f"User '{username}' does not exist.", 404)
    return u


def list_users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.username)))


def count_users(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(User)) or 0


audit = append  # every module that records an event calls this (catalog/audit.py)


def create_user(
    s: Session,
    username: str,
    password: str,
    role: str,
    *,
    attributes: dict[str, Any] | None = None,
    display_name: str | None = None,
    departments: list[str] | None = None,
    actor: str | None = None,
) -> User:
    name = normalize_username(username)
    role = check_role(role)
    check_password_policy(password, name)
    attrs = check_attrs(attributes or {})
    if find_user(s, name) is not None:
        raise ShuzhiError("user_exists", f"用户「{name}」已存在。", f"User '{name}' already exists.", 409)
    u = User(
        username=name,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
        attributes=attrs,
        is_active=True,
    )
    s.add(u)
    s.flush()
    if departments:
        org.set_user_departments(s, u, departments, actor=actor)
    audit(s, "user.create", actor=actor, target=name, detail={"role": role, "attributes": attrs,
                                                               **({"departments": departments} if departments else {})})
    return u


def update_user(
    s: Session,
    username: str,
    *,
    role: str | None = None,
    attributes: dict[str, Any] | None = None,
    remove_attributes: list[str] | None = None,
    display_name: str | None = None,
    is_active: bool | None = None,
    actor: str | None = None,
) -> User:
    u = get_user(s, username)
    changes: dict[str, Any] = {}
    if role is not None:
        new_role = check_role(role)
        if u.role == "admin" and new_role != "admin":
            _keep_one_admin(s, u)
        u.role = new_role
        changes["role"] = new_role
    if attributes is not None or remove_attributes:
        merged = dict(u.attributes or {})
        merged.update(check_attrs(attributes or {}))
        for k in remove_attributes or []:
            merged.pop(k, None)
        u.attributes = merged
        changes["attributes"] = merged
    if display_name is not None:
        u.display_name = display_name
        changes["display_name"] = display_name
    if is_active is not None:
        if not is_active and u.role == "admin":
            _keep_one_admin(s, u)
        u.is_active = is_active
        changes["is_active"] = is_active
        if not is_active:
            _revoke_all(u)
    u.updated_at = utcnow()
    audit(s, "user.update", actor=actor, target=u.username, detail=changes)
    return u


def set_password(s: Session, username: str, password: str, *, actor: str | None = None,
                 keep_session_id: str | None = None) -> User:
    """Set a new password (it must pass the policy) and revoke every session and API token of the
    user: whoever held the old password must not keep a way in. keep_session_id spares the session
    that changed its own password (it has just proved the old one)."""
    u = get_user(s, username)
    if (u.source or "local") != "local":
        raise ShuzhiError("password_external", f"账号「{u.username}」的密码由 {u.source} 管理，请在那里修改。",
                          f"The password of '{u.username}' is managed by {u.source}; change it there.", 409)
    check_password_policy(password, u.username)
    u.password_hash = hash_password(password)
    u.password_changed_at = u.updated_at = utcnow()
    revoked = _revoke_all(u, keep_session_id=keep_session_id)
    audit(s, "user.password", actor=actor, target=u.username, detail={"revoked_tokens": revoked} if revoked else None)
    return u


def delete_user(s: Session, username: str, *, actor: str | None = None) -> None:
    u = get_user(s, username)
    if u.role == "admin":
        _keep_one_admin(s, u)
    s.execute(delete(ContentGrant).where(ContentGrant.grantee_type == "user", ContentGrant.grantee == str(u.id)))
    s.delete(u)
    audit(s, "user.delete", actor=actor, target=u.username)


def _keep_one_admin(s: Session, leaving: User) -> None:
    others = s.scalar(
        select(func.count()).select_from(User).where(
            User.role == "admin", User.is_active.is_(True), User.id != leaving.id
        )
    )
    if not others:
        raise ShuzhiError(
            "last_admin",
            "不能移除最后一个管理员，请先指定另一位管理员。",
            "Cannot remove the last administrator; make someone else an admin first.",
            409,
        )


def _revoke_all(u: User, *, keep_session_id: str | None = None) -> int:
    """Revoke the user's sessions (but keep_session_id) and API tokens; returns the tokens revoked."""
    now = utcnow()
    for ws in u.sessions:
        if ws.revoked_at is None and ws.id != keep_session_id:
            ws.revoked_at = now
    revoked = 0
    for t in u.tokens:
        if t.revoked_at is None:
            t.revoked_at = now
            revoked += 1
    return revoked


def ensure_first_admin(s: Session, preset_password: str | None) -> tuple[bool, str | None]:
    """On an install with no users, create 'admin'.

    Returns (created, generated_password): the password is returned only when it was generated
    here (to be printed once); with SHUZHI_ADMIN_PASSWORD it is None.
    """
    if count_users(s) > 0:
        return False, None
    if preset_password:
        try:
            check_password_policy(preset_password, FIRST_ADMIN)
        except ShuzhiError as e:
            raise ShuzhiError(
                "admin_password_weak",
                f"SHUZHI_ADMIN_PASSWORD 不符合密码要求：{e.zh}",
                f"SHUZHI_ADMIN_PASSWORD does not meet the password rules: {e.en}",
            ) from None
    password = preset_password or generate_password()
    try:
        with s.begin_nested():  # a savepoint: losing the race below leaves the caller's transaction usable
            create_user(s, FIRST_ADMIN, password, "admin", display_name="管理员", actor="system")
    except (ShuzhiError, IntegrityError) as e:
        # Several instances starting together on one metadata store: another one created the first
        # admin since count_users() (user_exists) or at the same moment (the unique name).
        if isinstance(e, ShuzhiError) and e.code != "user_exists":
            raise
        return False, None
    return True, None if preset_password else password


def provision(s: Session, ident: Identity) -> User:
    """The local account of a person a directory or sign-in provider vouched for (auth/ldap.py), made or
    brought up to date: role, display name, the attributes the directory maps (others the admin set are
    kept) and departments (made as needed). A local account of the same name is never taken over."""
    name = normalize_username(ident.username)
    u = find_user(s, name)
    if u is not None and u.source == "local":
        raise ShuzhiError("account_is_local", f"已有同名的本地账号「{name}」，请用本地密码登录或请管理员处理。",
                          f"A local account named '{name}' exists: sign in with its own password or ask an administrator.",
                          409)
    attrs = check_attrs(ident.attributes)
    if u is None:
        u = User(username=name, display_name=ident.display_name, role=check_role(ident.role),
                 password_hash=hash_password(generate_password()), attributes=attrs, is_active=True,
                 source=ident.source, external_id=ident.external_id)
        s.add(u)
        s.flush()
        audit(s, "user.create", actor=ident.source, target=name,
              detail={"role": u.role, "attributes": attrs, "source": ident.source})
    else:
        changes: dict[str, Any] = {}
        if u.role != ident.role:
            changes["role"] = u.role = check_role(ident.role)
        merged = {**(u.attributes or {}), **attrs}
        if merged != (u.attributes or {}):
            changes["attributes"] = u.attributes = merged
        if ident.display_name and u.display_name != ident.display_name:
            changes["display_name"] = u.display_name = ident.display_name
        u.external_id = ident.external_id
        if changes:
            u.updated_at = utcnow()
            audit(s, "user.update", actor=ident.source, target=name, detail=changes)
    if ident.departments:
        for path in ident.departments:
            if not any(d.path == org.normalize_path(path) for d in org.list_departments(s)):
                org.add_department(s, path, actor=ident.source, source=ident.source)
        if sorted(d.path for d in u.departments) != sorted(org.normalize_path(p) for p in ident.departments):  # type: ignore[attr-defined]
            org.set_user_departments(s, u, ident.departments, actor=ident.source)
    return u



def sync_directory(s: Session, people: list[Identity], units: list[str], *, source: str = "ldap") -> dict[str, int]:
    """Bring the organisation in line with a directory (`shuzhi ldap sync`): every unit a department,
    everyone an account with their role, attributes and department, and accounts of this source the
    directory no longer lists disabled (their sessions and tokens revoked). Local accounts are untouched."""
    known = {d.path for d in org.list_departments(s)}
    made = 0
    for path in units:
        if org.normalize_path(path) not in known:
            org.add_department(s, path, actor=source, source=source)
            made += 1
    seen: set[str] = set()
    created = updated = skipped = 0
    for ident in people:
        before = find_user(s, ident.username)
        if before is not None and before.source == "local":
            skipped += 1
            continue
        u = provision(s, ident)
        seen.add(u.username)
        created += before is None
        updated += before is not None
    disabled = 0
    for u in s.scalars(select(User).where(User.source == source, User.is_active.is_(True))):
        if u.username not in seen:
            u.is_active = False
            _revoke_all(u)
            audit(s, "user.update", actor=source, target=u.username, detail={"is_active": False, "reason": "not in directory"})
            disabled += 1
    return {"departments_made": made, "users_created": created, "users_updated": updated,
            "users_disabled": disabled, "local_skipped": skipped}
