"""Browser sessions and API tokens.

Both are random secrets handed to the client once; the catalog stores only their SHA-256
(they are high-entropy, so a fast hash is right here; passwords use argon2). A session also
carries a CSRF token that unsafe requests must echo in the X-CSRF-Token header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from shuzhi.auth.passwords import hash_password, needs_rehash, verify_password
from shuzhi.auth.throttle import record_success, reserve_attempt
from shuzhi.auth.users import audit, find_user, normalize_username, provision
from shuzhi.catalog import org
from shuzhi.catalog.models import ApiToken, User, WebSession, utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.auth.ldap import Identity

TOKEN_PREFIX = "szt_"
SESSION_COOKIE = "shuzhi_session"  # the browser session's cookie (api/deps.py reads it)
CSRF_COOKIE = "shuzhi_csrf"  # its CSRF token, readable by the page, echoed in X-CSRF-Token
# A scoped token may do only this (its user's role still applies): "embed" issues embed guest tokens, so a
# portal's backend need not hold a token with its account's full rights.
TOKEN_SCOPES: dict[str, frozenset[str]] = {"embed": frozenset({"embed:issue"})}
SCOPE_PATHS: dict[str, frozenset[str]] = {"embed": frozenset({"/api/v1/embed/tokens"})}
DEFAULT_TOKEN_MAX_DAYS = 365  # Settings.token_max_days


def session_id(raw: str) -> str:
    """The id the catalog stores for a session cookie (its SHA-256)."""
    return _sha256(raw)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    user_id: int
    username: str
    role: str
    attributes: dict[str, Any] = field(default_factory=dict)
    via: str = "session"  # "session" | "token"
    session_id: str | None = None
    csrf_token: str | None = None
    token_id: int | None = None
    session_expires_at: dt.datetime | None = None  # the session's or token's expiry (bounds auth/session_cache)
    scope: str | None = None  # a scoped API token (TOKEN_SCOPES); None: the role's full rights
    groups: frozenset[int] = frozenset()  # departments and their ancestors (content shared with a department)

    def context(self) -> UserContext:
        """The security context queries run under (row rules read attributes, column rules the role)."""
        return UserContext(self.username, self.role, dict(self.attributes))


def _principal(u: User, **kw: Any) -> Principal:
    return Principal(user_id=u.id, username=u.username, role=u.role, attributes=org.effective_attributes(u),
                     groups=org.group_ids(u), **kw)


def unauthenticated(code: str = "not_authenticated") -> ShuzhiError:
    messages = {
        "not_authenticated": ("请先登录。", "Please log in."),
        "session_expired": ("登录已过期，请重新登录。", "Your session has expired; please log in again."),
        "token_invalid": ("API 令牌无效、已过期或已被撤销。", "The API token is invalid, expired or revoked."),
    }
    zh, en = messages[code]
    return ShuzhiError(code, zh, en, 401, headers={"WWW-Authenticate": "Bearer"})


# -- login ---------------------------------------------------------------------------------
def authenticate(
    s: Session,
    username: str,
    password: str,
    *,
    ip: str | None,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
    directory: Callable[[str, str], Identity | None] | None = None,
) -> User:
    """Check a username and password under throttling; `directory` (auth/ldap.py) vouches for people
    whose account is not local (or who have none yet), and their account is made or updated from it.

    The attempt is counted (reserve_attempt) before the slow password check and turned into a
    success only afterwards, so concurrent guesses cannot slip past the budget. A locked name or
    address is refused before the user is looked up: the same answer, in the same time, whether
    the user exists or not."""
    try:
        name = normalize_username(username)
    except ShuzhiError:
        name = (username or "")[:64].strip().lower()
    engine = s.get_bind()
    attempt = reserve_attempt(engine, name, ip, max_failures=max_failures, window=window, lockout=lockout)
    u = find_user(s, name)
    ident = None
    if directory is not None and (u is None or u.source != "local"):
        ident = directory(name, password or "")  # an unreachable directory raises a 503
        ok = ident is not None and (u is None or u.is_active)
    else:
        ok = verify_password(u.password_hash if u else None, password or "")
        if ok and u is not None and not u.is_active:
            ok = False
    if not ok or (u is None and ident is None):
        audit(s, "auth.login_failed", actor=name, detail={"ip": ip})
        # Commit the audit event even though the request fails (the attempt is already counted).
        s.commit()
        raise ShuzhiError(
            "bad_credentials",
            "用户名或密码错误。",
            "Wrong user name or password.",
            401,
        )
    record_success(engine, attempt)  # before this session writes anything: SQLite has one writer at a time
    if ident is not None:
        u = provision(s, ident)
    assert u is not None
    if u.source == "local" and needs_rehash(u.password_hash):
        u.password_hash = hash_password(password)
    u.last_login_at = utcnow()
    audit(s, "auth.login", actor=u.username, detail={"ip": ip, **({"via": u.source} if u.source != "local" else {})})
    return u


def check_current_password(
    s: Session, user: User, password: str, *, ip: str | None, max_failures: int, window: dt.timedelta,
    lockout: dt.timedelta,
) -> None:
    """Before a password change: the current password, under the same throttle as login (so a stolen
    session or token cannot guess it at full speed and take the account over)."""
    engine = s.get_bind()
    attempt = reserve_attempt(engine, user.username, ip, max_failures=max_failures, window=window, lockout=lockout)
    if not verify_password(user.password_hash, password or ""):
        audit(s, "auth.password_check_failed", actor=user.username, detail={"ip": ip})
        s.commit()
        raise ShuzhiError("bad_credentials", "当前密码不正确。", "The current password is wrong.", 400)
    record_success(engine, attempt)


# -- sessions ------------------------------------------------------------------------------
def create_session(
    s: Session, user: User, *, ttl: dt.timedelta, ip: str | None, user_agent: str | None
) -> tuple[str, WebSession]:
    raw = secrets.token_urlsafe(32)
    ws = WebSession(
        id=_sha256(raw),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + ttl,
        ip=ip,
        user_agent=(user_agent or "")[:256] or None,
    )
    s.add(ws)
    s.flush()
    return raw, ws


def resolve_session(s: Session, raw: str, *, ttl: dt.timedelta) -> Principal:
    ws = s.get(WebSession, _sha256(raw), options=[joinedload(WebSession.user)]) if raw else None
    now = utcnow()
    if ws is None or ws.revoked_at is not None or not ws.user.is_active:
        raise unauthenticated("not_authenticated")
    if ws.expires_at <= now:
        raise unauthenticated("session_expired")
    # Sliding expiry, written at most once a minute to keep reads cheap.
    if (now - ws.last_seen_at) > dt.timedelta(minutes=1):
        ws.last_seen_at = now
        ws.expires_at = max(ws.expires_at, now + ttl)
    return _principal(ws.user, via="session", session_id=ws.id, csrf_token=ws.csrf_token,
                      session_expires_at=ws.expires_at)


def revoke_session(s: Session, session_id: str) -> None:
    ws = s.get(WebSession, session_id)
    if ws is not None and ws.revoked_at is None:
        ws.revoked_at = utcnow()


def csrf_ok(principal: Principal, header_value: str | None) -> bool:
    if principal.via != "session":
        return True
    return bool(header_value) and hmac.compare_digest(principal.csrf_token or "", header_value or "")


# -- API tokens ----------------------------------------------------------------------------
def check_may_mint(principal: Principal) -> None:
    """Only a signed-in person (a browser session) or the CLI creates tokens: a token that could
    mint tokens would outlive its own revocation through its children."""
    if principal.via == "token":
        raise ShuzhiError(
            "token_cannot_mint",
            "不能用 API 令牌创建令牌：请在网页登录后创建，或使用 shuzhi token create。",
            "An API token cannot create tokens: create them after signing in, or with `shuzhi token create`.",
            403,
        )


def create_token(
    s: Session, user: User, name: str, *, expires_in_days: int | None, actor: str | None,
    max_days: int = DEFAULT_TOKEN_MAX_DAYS, default_days: int | None = None, scope: str | None = None,
) -> tuple[str, ApiToken]:
    """Create a token that expires: after expires_in_days, else default_days, never after max_days."""
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise ShuzhiError(
            "bad_token_name",
            "令牌名称不能为空，且不超过 128 个字符。",
            "A token name is required (at most 128 characters).",
        )
    if expires_in_days is not None and not (1 <= expires_in_days <= max_days):
        raise ShuzhiError(
            "bad_token_expiry",
            f"令牌有效期需在 1 到 {max_days} 天之间（上限由 SHUZHI_TOKEN_MAX_DAYS 设置）。",
            f"Token lifetime must be between 1 and {max_days} days (the limit is SHUZHI_TOKEN_MAX_DAYS).",
        )
    if scope is not None and scope not in TOKEN_SCOPES:
        raise ShuzhiError("bad_token_scope", f"未知的令牌用途「{scope}」，可选：embed（只能签发嵌入令牌）。",
                          f"Unknown token scope '{scope}'; choose embed (issuing embed guest tokens only).")
    days = expires_in_days or max(1, min(default_days or max_days, max_days))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    tok = ApiToken(
        user_id=user.id,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=_sha256(raw),
        expires_at=utcnow() + dt.timedelta(days=days),
        scope=scope,
    )
    s.add(tok)
    s.flush()
    audit(s, "token.create", actor=actor, target=user.username,
          detail={"token_id": tok.id, "name": name, "days": days, "scope": scope})
    return raw, tok


def resolve_token(s: Session, raw: str) -> Principal:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        raise unauthenticated("token_invalid")
    tok = s.scalar(select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == _sha256(raw)))
    now = utcnow()
    if (
        tok is None
        or tok.revoked_at is not None
        or (tok.expires_at is not None and tok.expires_at <= now)
        or not tok.user.is_active
    ):
        raise unauthenticated("token_invalid")
    if tok.last_used_at is None or (now - tok.last_used_at) > dt.timedelta(minutes=1):
        tok.last_used_at = now
    return _principal(tok.user, via="token", token_id=tok.id, scope=tok.scope, session_expires_at=tok.expires_at)


def scope_allows(principal: Principal, permission: str) -> bool:
    """A scoped token holds only its scope's permissions (and its role must still hold them)."""
    return principal.scope is None or permission in TOKEN_SCOPES.get(principal.scope, frozenset())


def scope_refused(principal: Principal) -> ShuzhiError:
    return ShuzhiError("token_scope", f"此 API 令牌只能用于「{principal.scope}」（签发嵌入令牌）。",
                       f"This API token may only be used for '{principal.scope}' (issuing embed guest tokens).", 403)


def list_tokens(s: Session, user_id: int) -> list[ApiToken]:
    return list(s.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def revoke_token(s: Session, token_id: int, *, owner_id: int | None, actor: str | None) -> ApiToken:
    """Revoke a token; owner_id limits it to that user's tokens (None: any, for admins)."""
    tok = s.get(ApiToken, token_id)
    if tok is None or (owner_id is not None and tok.user_id != owner_id):
        raise ShuzhiError("token_not_found", "找不到该令牌。", "No such token.", 404)
    if tok.revoked_at is None:
        tok.revoked_at = utcnow()
        audit(s, "token.revoke", actor=actor, target=tok.user.username, detail={"token_id": tok.id})
    return tok
