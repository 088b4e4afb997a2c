"""Signatures and URL checks of the chat robots, exactly as their providers document them.

- DingTalk custom robot (自定义机器人, 加签): timestamp = now in milliseconds; string_to_sign =
  f"{timestamp}\\n{secret}"; sign = urlencode(base64(HMAC-SHA256(key=secret, msg=string_to_sign))); both
  are added to the webhook URL's query (…&timestamp=…&sign=…).
- Feishu custom bot (自定义机器人, 签名校验): timestamp = now in seconds, as a string; string_to_sign =
  f"{timestamp}\\n{secret}"; sign = base64(HMAC-SHA256(key=string_to_sign, msg=b"")); both go in the
  JSON body as "timestamp" and "sign".
- WeCom group robot (群机器人): no signature; the webhook key in the URL is the credential.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit, urlunsplit

from shuzhi.delivery.senders.base import check_http_url
from shuzhi.errors import ShuzhiError


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` query value, already URL-encoded (DingTalk's documented recipe)."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    sep = "&" if urlsplit(url).query else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def feishu_sign(secret: str, timestamp_s: int | str) -> str:
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def query_value(url: str, key: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(key)
    return values[0] if values else None


def check_robot_url(kind: str, url: str) -> str:
    """The webhook URL, checked for the part that identifies the robot (any host: tests use local ones)."""
    u = check_http_url(url, field="--url")
    parts = urlsplit(u)
    if kind == "dingtalk" and not query_value(u, "access_token"):
        raise ShuzhiError(
            "channel_url_invalid",
            "钉钉机器人地址应包含 access_token，例如 https://oapi.dingtalk.com/robot/send?access_token=…",
            "A DingTalk robot URL carries access_token, e.g. "
            "https://oapi.dingtalk.com/robot/send?access_token=…",
        )
    if kind == "wecom" and not query_value(u, "key"):
        raise ShuzhiError(
            "channel_url_invalid",
            "企业微信群机器人地址应包含 key，例如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
            "A WeCom group robot URL carries key, e.g. "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        )
    if kind == "feishu" and "/hook/" not in parts.path:
        raise ShuzhiError(
            "channel_url_invalid",
            "飞书机器人地址形如 https://open.feishu.cn/open-apis/bot/v2/hook/…",
            "A Feishu bot URL looks like https://open.feishu.cn/open-apis/bot/v2/hook/…",
        )
    return u


def url_and_secret(url: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """The stored config of a URL channel (robots, webhook): the checked URL, and the secret when given."""
    out: dict[str, Any] = {"url": url}
    if cfg.get("secret"):
        out["secret"] = str(cfg["secret"]).strip()
    return out


def shown_signed(cfg: dict[str, Any]) -> dict[str, Any]:
    """What a URL channel shows of itself: the URL without its credentials, and whether it signs."""
    return {"url": shown_url(cfg["url"]), "signed": bool(cfg.get("secret"))}


def shown_url(url: str) -> str:
    """For display: scheme, host and path; the query (access_token, key) and the hook id hidden."""
    p = urlsplit(url)
    path = p.path
    if "/hook/" in path:  # Feishu's credential is the path's last segment
        path = path.split("/hook/")[0] + "/hook/***"
    return urlunsplit((p.scheme, p.netloc, path, "***" if p.query else "", ""))


def wecom_upload_url(send_url: str) -> str:
    """The robot's upload_media endpoint on the same host: /cgi-bin/webhook/upload_media?key=…&type=file."""
    p = urlsplit(send_url)
    path = (
        p.path.rsplit("/", 1)[0] + "/upload_media"
        if p.path.endswith("/send")
        else "/cgi-bin/webhook/upload_media"
    )
    key = query_value(send_url, "key") or ""
    return urlunsplit((p.scheme, p.netloc, path, f"key={quote_plus(key)}&type=file", ""))
