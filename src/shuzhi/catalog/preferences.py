"""Display preferences: company-wide settings (`app_settings`) and a user's own overrides
(`users.preferences`), revision 0012_display_preferences.

    effective(s, username)          {"change_colors": "red_up" | "green_up", ...}: the user's own, else the company's
    set_company(s, key, value, actor)    audited
    set_own(s, username, key, value)     None removes the override (the company's setting applies)

Invariants
- Only the keys in DEFAULTS exist, each with its allowed values; anything else is a 422 in both languages.
- Preferences change how answers are shown, never what data a user may see: row rules never read them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog.audit import append
from shuzhi.catalog.models import AppSetting, User, utcnow
from shuzhi.errors import ShuzhiError

# key → (default, allowed values). change_colors: which colour a rise gets — red_up (红涨绿跌, the
# Chinese convention) or green_up (绿涨红跌).
DEFAULTS: dict[str, tuple[Any, tuple[Any, ...]]] = {"change_colors": ("red_up", ("red_up", "green_up"))}


def _check(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise ShuzhiError("unknown_preference", f"没有这个设置项：{key}（可选：{'、'.join(DEFAULTS)}）。",
                          f"There is no setting {key} (known: {', '.join(DEFAULTS)}).", 422)
    allowed = DEFAULTS[key][1]
    if value not in allowed:
        shown = "、".join(map(str, allowed))
        raise ShuzhiError("bad_preference", f"设置 {key} 只能是 {shown}（收到 {value!r}）。",
                          f"Setting {key} must be one of {', '.join(map(str, allowed))} (got {value!r}).", 422)


def company(s: Session) -> dict[str, Any]:
    """Every company setting (the default where none was saved)."""
    saved = {r.key: r.value for r in s.scalars(select(AppSetting))}
    return {k: saved.get(k, d) for k, (d, _) in DEFAULTS.items()}


def own(s: Session, username: str) -> dict[str, Any]:
    """The user's own overrides (only known keys)."""
    u = s.scalar(select(User).where(User.username == username))
    prefs = (u.preferences or {}) if u is not None else {}
    return {k: v for k, v in prefs.items() if k in DEFAULTS}


def effective(s: Session, username: str) -> dict[str, Any]:
    return {**company(s), **own(s, username)}


def set_company(s: Session, key: str, value: Any, actor: str) -> None:
    _check(key, value)
    rec = s.get(AppSetting, key)
    if rec is None:
        s.add(AppSetting(key=key, value=value, updated_by=actor))
    else:
        rec.value, rec.updated_at, rec.updated_by = value, utcnow(), actor
    append(s, "settings.company", actor=actor, target=key, detail={"value": value})


def set_own(s: Session, username: str, key: str, value: Any) -> None:
    if value is not None or key not in DEFAULTS:
        _check(key, value)
    u = s.scalar(select(User).where(User.username == username))
    if u is None:
        raise ShuzhiError("user_not_found", f"用户 {username} 不存在。", f"User {username} does not exist.", 404)
    prefs = {k: v for k, v in (u.preferences or {}).items() if k != key}
    if value is not None:
        prefs[key] = value
    u.preferences = prefs
