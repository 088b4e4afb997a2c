"""Request dependencies: the runtime, a catalog session, the caller, permissions, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shuzhi.api.i18n import pick_language
from shuzhi.auth.credentials import (
    CSRF_COOKIE,
    SCOPE_PATHS,
    SESSION_COOKIE,
    Principal,
    csrf_ok,
    resolve_session,
    resolve_token,
    scope_allows,
    scope_refused,
    session_id,
    unauthenticated,
)
from shuzhi.auth.roles import forbidden, has_permission
from shuzhi.auth.session_cache import CACHE, token_key
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE"]  # named here too: routers read the cookie names from deps
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_db(rt: RuntimeDep) -> AsyncIterator[Session]:
    """A catalog unit of work (Catalog.session) for a handler.

    Made on the event loop: making the session does no I/O (it connects on first use, in the
    handler's thread), so it needs no thread hop; only its commit or rollback and close run in a
    worker thread, shielded from cancellation and outside the thread limit, as FastAPI does for
    sync dependencies (one hop per request instead of two)."""
    cm = rt.catalog.session()
    s = cm.__enter__()
    try:
        yield s
    except BaseException as exc:
        with CancelScope(shield=True):
            ok = await anyio.to_thread.run_sync(cm.__exit__, type(exc), exc, exc.__traceback__,
                                                limiter=CapacityLimiter(1))
        if not ok:
            raise
    else:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(cm.__exit__, None, None, None, limiter=CapacityLimiter(1))


# scope="function": the commit happens before the response is sent, so a client that acts on a
# response (log in, then call /auth/me) always sees what the request wrote.
# Invariant (issue 12): DbDep is for handlers that only read and write the catalog. A handler that
# queries the warehouse, or may wait for another request (single-flight) or a lock, does not take
# DbDep: it opens `rt.catalog.session()` itself, reads what it needs (authorize, the record, the
# model index), closes it, and only then queries (see routers/dashboards.py dashboard_data). The
# pool has a connection for every worker thread (Settings.effective_metadata_pool_size), so a
# catalog-only handler never waits for one.
DbDep = Annotated[Session, Depends(get_db, scope="function")]


async def get_lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


LangDep = Annotated[str, Depends(get_lang)]


def auth_parts(request: Request) -> tuple[str, str, str | None, str | None]:
    """What resolve_principal needs from a request, read on the event loop."""
    return (request.method, request.headers.get("authorization", ""), request.cookies.get(SESSION_COOKIE),
            request.headers.get(CSRF_HEADER))


def client_ip(request: Request) -> str | None:
    """The caller's address: the connection's peer, or the address a trusted proxy forwarded
    (TrustedProxyMiddleware has already rewritten request.client; never read the headers here)."""
    return request.client.host if request.client else None


def _csrf_checked(principal: Principal, method: str, csrf: str | None) -> Principal:
    if method not in SAFE_METHODS and not csrf_ok(principal, csrf):
        raise ShuzhiError(
            "csrf_failed",
            "请求缺少有效的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试。",
            "The request lacks a valid CSRF token (X-CSRF-Token); reload the page and try again.",
            403,
        )
    return principal


def _bearer(auth: str) -> str:
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise unauthenticated("token_invalid")
    return value.strip()


def cached_principal(method: str, auth: str, cookie: str | None, csrf: str | None) -> Principal | None:
    """The caller from the session cache (auth/session_cache.py), without a catalog read; None when
    the request's session or API token is not cached. The CSRF check still applies to sessions."""
    if auth:
        scheme, _, value = auth.partition(" ")
        return CACHE.get(token_key(value.strip())) if scheme.lower() == "bearer" and value.strip() else None
    if not cookie:
        return None
    principal = CACHE.get(session_id(cookie))
    return None if principal is None else _csrf_checked(principal, method, csrf)


def resolve_principal(rt: Runtime, method: str, auth: str, cookie: str | None, csrf: str | None,
                      db: Session | None = None) -> Principal:
    """Authenticate a request (sync; call in a worker thread). Uses `db` when given.

    At most one catalog read: none when the session is cached."""
    hit = cached_principal(method, auth, cookie, csrf)
    if hit is not None:
        return hit
    if db is None:
        with rt.catalog.session() as own:
            return resolve_principal(rt, method, auth, cookie, csrf, own)
    generation = CACHE.generation  # read before the catalog: a change after it is not cached
    if auth:
        raw = _bearer(auth)
        principal = resolve_token(db, raw)
        CACHE.put(token_key(raw), principal, ttl=rt.settings.session_cache_seconds, generation=generation,
                  session_expires_at=principal.session_expires_at)
        return principal
    if not cookie:
        raise unauthenticated("not_authenticated")
    ttl = dt.timedelta(hours=rt.settings.session_ttl_hours)
    principal = resolve_session(db, cookie, ttl=ttl)
    CACHE.put(principal.session_id or "", principal, ttl=rt.settings.session_cache_seconds, generation=generation,
              session_expires_at=principal.session_expires_at)
    return _csrf_checked(principal, method, csrf)


def authorize(rt: Runtime, parts: tuple[str, str, str | None, str | None], db: Session,
              permission: str = "content:view") -> Principal:
    """resolve_principal + a permission check, for handlers that do all their work in one thread."""
    principal = resolve_principal(rt, *parts, db=db)
    if not scope_allows(principal, permission):
        raise scope_refused(principal)
    if not has_permission(principal.role, permission):
        raise forbidden(permission)
    return principal


async def get_principal(request: Request, rt: RuntimeDep) -> Principal:
    """The caller, from a bearer token or the session cookie (+ CSRF on unsafe methods).

    A cached session answers on the event loop; otherwise one thread hop with its own catalog
    session, so the check stays cheap on hot paths."""
    parts = auth_parts(request)
    principal = cached_principal(*parts) or await run_in_threadpool(resolve_principal, rt, *parts)
    if principal.scope is not None and request.url.path not in SCOPE_PATHS.get(principal.scope, frozenset()):
        raise scope_refused(principal)  # a scoped token reaches only its own routes
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: str) -> Callable[[Principal], Principal]:
    async def _check(principal: PrincipalDep) -> Principal:
        if not scope_allows(principal, permission):
            raise scope_refused(principal)
        if not has_permission(principal.role, permission):
            raise forbidden(permission)
        return principal

    return _check
