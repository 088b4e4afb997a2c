"""Login, logout, the current user, password change and the caller's own API tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from shuzhi.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    DbDep,
    PrincipalDep,
    RuntimeDep,
    client_ip,
)
from shuzhi.api.params import IdPath
from shuzhi.api.schemas import (
    ErrorResponse,
    LoginRequest,
    LoginResponse,
    MeOut,
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserOut,
)
from shuzhi.auth import credentials as cred
from shuzhi.auth.ldap import LdapDirectory
from shuzhi.auth.roles import PERMISSIONS, forbidden, has_permission
from shuzhi.auth.users import UserView, get_user, set_password
from shuzhi.catalog.models import ApiToken

router = APIRouter(prefix="/auth", tags=["auth"])
ERRORS = {401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse}}


def user_out(u) -> UserOut:  # type: ignore[no-untyped-def]
    return UserOut(**UserView.of(u).__dict__)


def token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at.isoformat(),
        expires_at=t.expires_at.isoformat() if t.expires_at else None,
        last_used_at=t.last_used_at.isoformat() if t.last_used_at else None,
        revoked=t.revoked_at is not None,
        scope=t.scope,
    )


def _throttle_limits(s) -> dict:  # type: ignore[no-untyped-def]
    return {
        "max_failures": s.login_max_failures,
        "window": dt.timedelta(minutes=s.login_window_minutes),
        "lockout": dt.timedelta(minutes=s.login_lockout_minutes),
    }


@router.post("/login", response_model=LoginResponse, responses=ERRORS, summary="Log in / 登录")
def login(body: LoginRequest, request: Request, response: Response, db: DbDep, rt: RuntimeDep) -> LoginResponse:
    s = rt.settings
    directory = LdapDirectory.from_settings(s)
    user = cred.authenticate(db, body.username, body.password, ip=client_ip(request), **_throttle_limits(s),
                             directory=directory.authenticate if directory is not None else None)
    ttl = dt.timedelta(hours=s.session_ttl_hours)
    raw, ws = cred.create_session(
        db, user, ttl=ttl, ip=client_ip(request), user_agent=request.headers.get("user-agent")
    )
    max_age = int(ttl.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, raw, max_age=max_age, httponly=True, samesite="lax", secure=s.cookie_secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, ws.csrf_token, max_age=max_age, httponly=False, samesite="lax",
        secure=s.cookie_secure, path="/",
    )
    return LoginResponse(user=user_out(user), csrf_token=ws.csrf_token, expires_at=ws.expires_at.isoformat())


@router.post("/logout", status_code=204, responses=ERRORS, summary="Log out / 退出登录")
def logout(principal: PrincipalDep, response: Response, db: DbDep) -> Response:
    if principal.session_id:
        cred.revoke_session(db, principal.session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut, responses=ERRORS, summary="Current user / 当前用户")
def me(principal: PrincipalDep, db: DbDep) -> MeOut:
    u = get_user(db, principal.username)
    return MeOut(
        **user_out(u).model_dump(),
        permissions=sorted(PERMISSIONS.get(u.role, ())),
        auth_via=principal.via,  # type: ignore[arg-type]
    )


@router.post("/password", status_code=204, responses=ERRORS, summary="Change own password / 修改密码")
def change_password(body: PasswordChange, request: Request, principal: PrincipalDep, db: DbDep,
                    rt: RuntimeDep) -> Response:
    # Every other session and every API token of the user is revoked; this session stays.
    u = get_user(db, principal.username)
    cred.check_current_password(db, u, body.current_password, ip=client_ip(request),
                                **_throttle_limits(rt.settings))
    set_password(db, u.username, body.new_password, actor=principal.username, keep_session_id=principal.session_id)
    return Response(status_code=204)


def _own_tokens(principal: PrincipalDep) -> PrincipalDep:
    if not has_permission(principal.role, "tokens:own"):
        raise forbidden("tokens:own")
    return principal


@router.get("/tokens", response_model=list[TokenOut], responses=ERRORS, summary="My API tokens / 我的令牌")
def list_tokens(principal: PrincipalDep, db: DbDep) -> list[TokenOut]:
    _own_tokens(principal)
    return [token_out(t) for t in cred.list_tokens(db, principal.user_id)]


@router.post(
    "/tokens", response_model=TokenCreated, status_code=201, responses=ERRORS,
    summary="Create an API token (shown once) / 创建令牌",
)
def create_token(body: TokenCreate, principal: PrincipalDep, db: DbDep, rt: RuntimeDep) -> TokenCreated:
    _own_tokens(principal)
    cred.check_may_mint(principal)
    u = get_user(db, principal.username)
    raw, tok = cred.create_token(
        db, u, body.name, expires_in_days=body.expires_in_days, actor=principal.username,
        max_days=rt.settings.token_max_days, default_days=rt.settings.token_default_days, scope=body.scope,
    )
    return TokenCreated(**token_out(tok).model_dump(), token=raw)


@router.delete("/tokens/{token_id}", status_code=204, responses=ERRORS, summary="Revoke a token / 撤销令牌")
def revoke_token(token_id: IdPath, principal: PrincipalDep, db: DbDep) -> Response:
    owner = None if has_permission(principal.role, "users:manage") else principal.user_id
    cred.revoke_token(db, token_id, owner_id=owner, actor=principal.username)
    return Response(status_code=204)
