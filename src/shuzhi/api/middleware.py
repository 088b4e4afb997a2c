"""Request ids and access logs.

Each request gets an id (the caller's X-Request-ID when it is a safe token, else a new one),
bound into the structlog context for every log line of the request and echoed in the
X-Request-ID response header and in error bodies.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuzhi.log import get_logger

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = get_logger("shuzhi.access")


class RequestContextMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        structlog.contextvars.clear_contextvars()
        client = scope.get("client")
        structlog.contextvars.bind_contextvars(request_id=rid, client_ip=client[0] if client else None)
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [(b"x-request-id", rid.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin")]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log.info("request", method=scope.get("method"), path=scope.get("path"), status=status,
                     ms=round((time.perf_counter() - start) * 1000, 1), client=client[0] if client else None)
