"""Request body size limit (pure ASGI middleware).

Invariants
- No request body larger than its limit is read into memory or spooled to disk: a declared
  Content-Length over the limit is answered 413 before the app runs, and a body without one
  (chunked) is counted while it streams and stops with 413 at the first byte over.
- The limit is SHUZHI_BODY_MAX_MB (default 2 MB, plenty for any JSON request) except for the
  file upload route, POST /api/v1/imports/preview, which allows SHUZHI_UPLOAD_MAX_MB plus 1 MB for
  the form fields (Starlette spools multipart files to a temporary file before the route's own
  streaming size check runs, so without this the temporary file had no bound).
- The answer is the usual bilingual error body, code `body_too_large`, naming the limit.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuzhi.api.i18n import pick_language

MB = 1024 * 1024
UPLOAD_PATHS = ("/api/v1/imports/preview",)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its limit; api/errors.py renders it.
    An HTTPException so that FastAPI's body parsing passes it on instead of turning it into a 400."""

    def __init__(self, limit_mb: float, upload: bool) -> None:
        super().__init__(413)
        self.limit_mb = limit_mb
        self.upload = upload


def refusal(limit_mb: float, upload: bool, lang: str) -> tuple[str, str]:
    """(code, message) for a body over its limit; an upload gets the upload limit's own error."""
    if upload:
        from shuzhi.service.uploads import too_large

        err = too_large(int(limit_mb))
        return err.code, err.message(lang)
    shown = f"{limit_mb:g}"
    if lang == "en":
        return "body_too_large", f"The request body is larger than the limit of {shown} MB (SHUZHI_BODY_MAX_MB)."
    return "body_too_large", f"请求内容超过上限 {shown} MB（SHUZHI_BODY_MAX_MB）。"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, body_max_mb: float, upload_max_mb: float) -> None:
        self.app = app
        self.body_max_mb = body_max_mb
        self.upload_max_mb = upload_max_mb

    def _limit(self, scope: Scope) -> tuple[int, float, bool]:
        """(bytes allowed, the limit in MB as configured, is the upload route)."""
        if scope.get("path") in UPLOAD_PATHS:
            return int((self.upload_max_mb + 1) * MB), self.upload_max_mb, True
        return int(self.body_max_mb * MB), self.body_max_mb, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, limit_mb, upload = self._limit(scope)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, headers, limit_mb, upload)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit_mb, upload)
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, scope: Scope, send: Send, headers: dict[bytes, bytes], limit_mb: float,
                      upload: bool) -> None:
        lang = pick_language(headers.get(b"accept-language", b"").decode("latin-1") or None)
        code, message = refusal(limit_mb, upload, lang)
        err: dict[str, str] = {"code": code, "message": message}
        rid = scope.get("state", {}).get("request_id")
        if rid:
            err["request_id"] = rid
        body = json.dumps({"error": err}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
