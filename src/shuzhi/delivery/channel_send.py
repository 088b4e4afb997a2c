"""send_to_channel(): deliver one Message on a stored channel, with retries, and record the send.

This is the one function subscriptions, alerts and `channel test` call (see delivery/README.md).

Invariants
- No catalog transaction is open while a provider is being talked to: the send is recorded
  "sending" and committed first, the requests run, then the record is finished (delivered | failed)
  in a new unit of work. So a slow robot never holds the metadata store's write lock.
- The sender's parts go in order; a part that fails transiently (SendFailed.retry: network, timeout,
  HTTP 5xx/429, the provider's rate limit) is tried again after backoff, backoff·2, … up to
  channel_max_attempts tries; a permanent failure (bad signature, wrong key, refused login) stops at
  once. Parts already accepted are never repeated, and the send is failed from the first part that
  stays failed (the rest are not tried).
- It never raises for a delivery problem: the outcome says failed, with the provider's text. It raises
  ShuzhiError only for a channel that does not exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shuzhi.auth.secrets import SecretBox
from shuzhi.delivery import channel_images, channel_store
from shuzhi.delivery.messages import Message
from shuzhi.delivery.senders import sender
from shuzhi.delivery.senders.base import SendFailed
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.settings import Settings, get_settings

log = get_logger(__name__)
IMAGE_BY_URL = ("dingtalk", "feishu", "webhook")  # kinds that show (or pass on) the picture's public URL


@dataclass(frozen=True)
class SendOutcome:
    channel: str
    status: str  # delivered | failed
    attempts: int
    recipient: str
    error: dict[str, Any] | None = None  # {"zh", "en", "provider", "part"}
    send_id: int | None = None

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "status": self.status,
            "attempts": self.attempts,
            "recipient": self.recipient,
            "error": self.error,
            "send_id": self.send_id,
        }


def resolve_target(target: Any) -> tuple[Any, Settings]:
    """A Runtime (its catalog and settings) or a Catalog (with the process's settings)."""
    catalog = getattr(target, "catalog", target)
    settings = getattr(target, "settings", None) or get_settings()
    return catalog, settings


def run_parts(
    parts: list[Any], *, max_attempts: int, backoff_s: float, sleep: Callable[[float], None] = time.sleep
) -> tuple[int, dict[str, Any] | None]:
    """(the most tries any part took, None or the error of the part that stayed failed)."""
    most = 0
    for part in parts:
        attempt = 0
        while True:
            attempt += 1
            most = max(most, attempt)
            try:
                part.run()
                break
            except SendFailed as exc:
                if not exc.retry or attempt >= max_attempts:
                    return most, {**exc.detail(), "part": part.what}
                sleep(backoff_s * 2 ** (attempt - 1))
    return most, None


def send_to_channel(
    target: Any,
    channel_name: str,
    message: Message,
    *,
    source: str = "manual",
    sleep: Callable[[float], None] = time.sleep,
) -> SendOutcome:
    """Send `message` on the stored channel `channel_name` and record it in channel_sends.

    `target` is the Runtime (or a Catalog); `source` says what is being sent ("test", "alert:<firing id>",
    "subscription:<id>"). Returns the outcome; see the module's invariants."""
    catalog, settings = resolve_target(target)
    box = SecretBox.from_settings(settings)
    with catalog.session() as db:
        ch = channel_store.get(db, channel_name)
        kind = ch.kind
        s = sender(kind)
        try:
            cfg: dict[str, Any] | None = channel_store.open_config(box, ch)
            recipient = s.recipient(cfg)
            problem = None
        except ShuzhiError as err:
            cfg, recipient = None, ch.name
            problem = {
                "zh": f"无法解密渠道的密钥：{err.zh}",
                "en": f"The channel's secrets cannot be decrypted: {err.en}",
                "provider": None,
                "part": "config",
            }
        if (
            cfg is not None
            and message.image is not None
            and not message.image_url
            and settings.public_url
            and kind in IMAGE_BY_URL
        ):
            token = channel_images.store(db, message.image, settings.channel_image_days)
            message = message.with_image_url(channel_images.url(settings.public_url, token))
        rec = channel_store.start_send(db, ch, recipient, message.title, source)
        send_id = rec.id
    attempts = 0
    if cfg is not None:
        parts = s.parts(cfg, message, settings.channel_timeout_s)
        attempts, problem = run_parts(
            parts,
            max_attempts=settings.channel_max_attempts,
            backoff_s=settings.channel_backoff_s,
            sleep=sleep,
        )
    status = "failed" if problem else "delivered"
    with catalog.session() as db:
        channel_store.finish_send(db, send_id, status, attempts, problem)
    log.info(
        "channel_send",
        channel=channel_name,
        kind=kind,
        status=status,
        attempts=attempts,
        source=source,
        provider=(problem or {}).get("provider"),
    )
    return SendOutcome(channel_name, status, attempts, recipient, problem, send_id)
