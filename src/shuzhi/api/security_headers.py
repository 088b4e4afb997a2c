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

/docs (Swagger UI, which FastAPI loads from cdn.jsdelivr.net with an inline boot script) gets its
own policy: the CDN and inline script are allowed on that page only. The page shows the OpenAPI
document, which is built from our code, not from user data. Without network the page stays blank;
/openapi.json works everywhere.

Invariants: a header a route already set is never duplicated or overwritten (the request-context
middleware sets nosniff and Referrer-Policy too); the frame-ancestors value is validated at start-up
(source expressions only — no `;`, `,` or control characters can inject another directive); a
malformed SHUZHI_FRAME_ANCESTORS stops start-up with `bad_settings` (settings.py calls the parser).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# a CSP host-source / scheme-source / keyword: 'self', 'none', https:, https://*.example.com:8443/path
_SOURCE = re.compile(r"^(?:'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?(?:/[A-Za-z0-9._~/%-]*)?)$")

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


def frame_ancestors(value: str | None) -> str:
    """The validated frame-ancestors source list (default `'none'`); ValueError when malformed (the
    setting's validator turns it into the `bad_settings` error at start-up)."""
    sources = (value or "'none'").split()
    if not sources or not all(_SOURCE.fullmatch(s) for s in sources) or ("'none'" in sources and len(sources) > 1):
        raise ValueError(f"{value!r}: 请用空格分隔的来源，例如 'self' https://portal.example.com，或 'none' / "
                         "use space-separated sources such as 'self' https://portal.example.com, or 'none'")
    return " ".join(sources)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the headers above to every http response."""

    def __init__(self, app: ASGIApp, frame_ancestors_value: str | None = None) -> None:
        self.app = app
        fa = frame_ancestors(frame_ancestors_value)
        common: list[tuple[bytes, bytes]] = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        xfo = {"'none'": b"DENY", "'self'": b"SAMEORIGIN"}.get(fa)
        if xfo:
            common.append((b"x-frame-options", xfo))
        self.app_headers = [(b"content-security-policy", f"{APP_POLICY}; frame-ancestors {fa}".encode()), *common]
        self.docs_headers = [(b"content-security-policy", f"{DOCS_POLICY}; frame-ancestors {fa}".encode()), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope.get("path") in DOCS_PATHS else self.app_headers

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)
