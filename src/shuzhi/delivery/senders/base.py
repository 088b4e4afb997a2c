"""What every sender shares: the outcome of one request, HTTP posting with provider errors, URL checks.

A sender turns a Message into a list of Parts (one provider request each: WeCom's markdown, then its
picture, then each file). delivery.channel_store sends the parts in order and retries a part that
failed transiently, so a retry never repeats a part the provider already accepted.

Invariants
- A part returns normally only when the provider accepted it (HTTP 2xx and, for robots, errcode /
  code 0). Anything else raises SendFailed with the provider's own text, and `retry` says whether
  trying again may help (network errors, timeouts, HTTP 5xx / 429, the provider's rate limits).
- Nothing here logs or returns a secret; errors name the host, never the URL's query (tokens).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    import httpx


class SendFailed(Exception):
    """A part was not accepted. `provider` is the provider's text (errmsg, HTTP body, SMTP reply)."""

    def __init__(self, zh: str, en: str, provider: str | None = None, *, retry: bool = False) -> None:
        super().__init__(en)
        self.zh, self.en, self.provider, self.retry = zh, en, provider, retry

    def detail(self) -> dict[str, Any]:
        return {"zh": self.zh, "en": self.en, "provider": self.provider}


@dataclass(frozen=True)
class Part:
    what: str  # "markdown", "image", "file report.xlsx", ...
    run: Callable[[], None]


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url[:40]


def check_http_url(url: str, *, field: str = "url") -> str:
    u = (url or "").strip()
    parts = urlsplit(u)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ShuzhiError(
            "channel_url_invalid",
            f"{field} 必须是 http:// 或 https:// 开头的完整地址：{u[:80]!r}。",
            f"{field} must be a full http:// or https:// address: {u[:80]!r}.",
        )
    return u


def _short(text: str, n: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def post(
    url: str,
    *,
    timeout: float,
    json_body: Any = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    files: Any = None,
    params: dict[str, str] | None = None,
    label: str = "",
) -> httpx.Response:
    """POST once; a transport error or an HTTP error status raises SendFailed (with the body's text)."""
    import httpx  # here: every command that wires the use cases imports this module, few send

    host = host_of(url)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            r = client.post(url, json=json_body, content=content, headers=headers, files=files, params=params)
    except httpx.TimeoutException:
        raise SendFailed(
            f"{label}连接 {host} 超时（{timeout:g} 秒）。",
            f"{label}Timed out talking to {host} ({timeout:g} s).",
            retry=True,
        ) from None
    except httpx.HTTPError as exc:
        raise SendFailed(
            f"{label}无法连接 {host}：{type(exc).__name__}。",
            f"{label}Cannot reach {host}: {type(exc).__name__}.",
            _short(str(exc)),
            retry=True,
        ) from None
    if r.status_code >= 300:
        retry = r.status_code >= 500 or r.status_code == 429
        raise SendFailed(
            f"{label}{host} 返回 HTTP {r.status_code}。",
            f"{label}{host} answered HTTP {r.status_code}.",
            _short(r.text) or None,
            retry=retry,
        )
    return r


def json_of(r: httpx.Response, host: str) -> dict[str, Any]:
    try:
        body = r.json()
    except (json.JSONDecodeError, ValueError):
        raise SendFailed(
            f"{host} 的回复不是 JSON。", f"{host} did not answer JSON.", _short(r.text) or None
        ) from None
    if not isinstance(body, dict):
        raise SendFailed(f"{host} 的回复格式不对。", f"{host} answered an unexpected JSON.", _short(r.text))
    return body


def check_errcode(
    body: dict[str, Any],
    host: str,
    *,
    code_key: str = "errcode",
    msg_key: str = "errmsg",
    rate_limited: frozenset[int] = frozenset(),
) -> None:
    """Robots answer HTTP 200 with {errcode, errmsg} (DingTalk, WeCom) or {code, msg} (Feishu)."""
    code = body.get(code_key, body.get("StatusCode", 0))
    if code in (0, None):
        return
    msg = str(body.get(msg_key) or body.get("StatusMessage") or "")
    raise SendFailed(
        f"{host} 拒绝了消息。",
        f"{host} refused the message.",
        _short(f"{code_key} {code}: {msg}"),
        retry=code in rate_limited,
    )
