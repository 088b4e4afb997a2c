"""Browser security headers: Content-Security-Policy, framing, MIME sniffing, referrer.

Every HTTP response gets
- `Content-Security-Policy` — the web app's policy: scripts only from this origin (no inline script,
  no eval), styles from this origin plus inline styles (Ant Design and ECharts set style attributes
  and inject <style> elements), images from this origin, data:/blob: (favicon, chart export) and any
  http(s) address (a dashboard's image component may be an http(s) URL, model/dashboards.py), API calls only to this origin, no plugins (`object-src 'none'`), `base-uri 'self'`,
  `form-action 'self'`, and `frame-ancestors` from the setting `frame_ancestors`
  (SHUZHI_FRAME_ANCESTORS, default `'none'`: the app cannot be framed by any page).
- `X-Frame-Options` — `DENY` for `'none'`, `SAMEORIGIN` for `'self'`; omitted for any other list
  (the header cannot express an allow-list; browsers then follow frame-ancestors).
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.

/embed/... (the page a portal frames, issue 15) gets the app's policy with `frame-ancestors` from
`embed_frame_ancestors` (SHUZHI_EMBED_FRAME_ANCESTORS, default `'self'`) and no X-Frame-Options unless that
list is `'none'` / `'self'`; every other path keeps SHUZHI_FRAME_ANCESTORS. Only the page's document is
framed, so this reaches nothing but the embed page (its API calls and assets are not documents).

/docs (Swagger UI, which FastAPI loads from cdn.jsdelivr.net with an inline boot script) gets its
own policy: the CDN and inline script are allowed on that page only. The page shows the OpenAPI
document, which is built from our code, not from user data. Without network the page stays blank;
/openapi.json works everywhere.

Invariants: a header a route already set is never duplicated or overwritten (the request-context
middleware sets nosniff and Referrer-Policy too); the frame-ancestors value is validated at start-up
(source expressions only — no `;`, `,` or control characters can inject another directive); a
malformed SHUZHI_FRAME_ANCESTORS stops start-up with `bad_settings` (the parser is settings.frame_ancestors).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuzhi.settings import frame_ancestors

APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_CDN}; style-src 'self' 'unsafe-inline' {_CDN}; "
    f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")
EMBED_PREFIX = "/embed/"


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the headers above to every http response."""

    def __init__(self, app: ASGIApp, frame_ancestors_value: str | None = None,
                 embed_frame_ancestors: str | None = "'self'") -> None:
        self.app = app
        fa = frame_ancestors(frame_ancestors_value)
        self.app_headers = _headers(APP_POLICY, fa)
        self.docs_headers = _headers(DOCS_POLICY, fa)
        self.embed_headers = _headers(APP_POLICY, frame_ancestors(embed_frame_ancestors))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path") or ""
        extra = (self.docs_headers if path in DOCS_PATHS else self.embed_headers if path.startswith(EMBED_PREFIX)
                 else self.app_headers)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _headers(policy: str, fa: str) -> list[tuple[bytes, bytes]]:
    common: list[tuple[bytes, bytes]] = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
    xfo = {"'none'": b"DENY", "'self'": b"SAMEORIGIN"}.get(fa)
    if xfo:
        common.append((b"x-frame-options", xfo))
    return [(b"content-security-policy", f"{policy}; frame-ancestors {fa}".encode()), *common]
