"""Generic webhook: one JSON POST; with a secret, X-Shuzhi-Signature: sha256=<hex HMAC-SHA256 of the body>.

Body: {"source": "shuzhi", "title", "text", "key_numbers": [{"label", "value"}], "link",
"image": {"base64", "md5", "url"} | null, "attachments": [{"filename", "mime", "base64"}]}. The receiver
checks the signature over the exact bytes it received. Any 2xx answer counts as delivered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from shuzhi.delivery.messages import Message
from shuzhi.delivery.senders.base import Part, check_http_url, host_of, post
from shuzhi.delivery.senders.robots import shown_signed, url_and_secret

KIND = "webhook"
LABEL, LABEL_EN = "Webhook", "Webhook"
SECRETS = ("url", "secret")
SIGNATURE_HEADER = "X-Shuzhi-Signature"


def check(cfg: dict[str, Any]) -> dict[str, Any]:
    return url_and_secret(check_http_url(cfg.get("url") or "", field="--url"), cfg)


shown = shown_signed


def recipient(cfg: dict[str, Any]) -> str:
    return f"webhook {host_of(cfg['url'])}"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def payload(m: Message) -> dict[str, Any]:
    image = None
    if m.image is not None:
        image = {
            "base64": base64.b64encode(m.image).decode("ascii"),
            "md5": hashlib.md5(m.image).hexdigest(),
            "url": m.image_url,
        }  # noqa: S324 - a checksum
    return {
        "source": "shuzhi",
        "title": m.title,
        "text": m.text,
        "key_numbers": [{"label": k.label, "value": k.value} for k in m.key_numbers],
        "link": m.link,
        "image": image,
        "attachments": [
            {"filename": a.filename, "mime": a.mime, "base64": base64.b64encode(a.data).decode("ascii")}
            for a in m.attachments
        ],
    }


def parts(cfg: dict[str, Any], m: Message, timeout: float) -> list[Part]:
    def run() -> None:
        raw = json.dumps(payload(m), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "shuzhi-webhook"}
        if cfg.get("secret"):
            headers[SIGNATURE_HEADER] = signature(cfg["secret"], raw)
        post(cfg["url"], content=raw, headers=headers, timeout=timeout)

    return [Part("post", run)]
