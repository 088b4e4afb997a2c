"""Channels deliver alert firings to people. One interface; the built-in channel is the inbox.

A channel is any object with a `name` and `send(delivery) -> SendResult` (the Channel protocol).
Register it once per process with register(); rules name the channels they use, and a rule may
only name registered channels. DingTalk, WeCom, Feishu and e-mail plug in here later.

Invariants
- send() must not raise for a recipient it could not reach: it reports that recipient as failed
  (with a bilingual reason). The dispatcher (delivery.alerts) records one receipt per firing,
  recipient and channel from the result, so every attempt is visible.
- The inbox channel delivers by being recorded: its receipts are the inbox (read/unread).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from shuzhi.errors import ShuzhiError


@dataclass(frozen=True)
class Recipient:
    user_id: int
    username: str
    display_name: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One firing to deliver: the firing (as firing_dict gives it), its rule's name and the people."""

    firing: dict[str, Any]
    rule_name: str
    recipients: tuple[Recipient, ...]


@dataclass
class SendResult:
    """Per recipient: "delivered" or "failed", with an optional detail ({"zh", "en", ...})."""

    status: dict[int, str] = field(default_factory=dict)
    detail: dict[int, dict[str, Any]] = field(default_factory=dict)


@runtime_checkable
class Channel(Protocol):
    name: str
    label: str
    label_en: str

    def send(self, delivery: Delivery) -> SendResult: ...


class InboxChannel:
    """The web app's inbox: the firing is listed for each recipient, unread until they read it."""

    name = "inbox"
    label = "站内消息"
    label_en = "Inbox"

    def send(self, delivery: Delivery) -> SendResult:
        return SendResult({r.user_id: "delivered" for r in delivery.recipients})


_lock = threading.Lock()
_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    if not isinstance(channel, Channel) or not channel.name:
        raise TypeError("a channel needs name, label, label_en and send()")
    with _lock:
        _channels[channel.name] = channel


def get(name: str) -> Channel:
    with _lock:
        ch = _channels.get(name)
    if ch is None:
        raise unknown_channel(name)
    return ch


def names() -> list[str]:
    with _lock:
        return list(_channels)


def describe() -> list[dict[str, str]]:
    with _lock:
        return [{"name": c.name, "label": c.label, "label_en": c.label_en} for c in _channels.values()]


def unknown_channel(name: str) -> ShuzhiError:
    return ShuzhiError("unknown_channel", f"未知的通知渠道：{name}；可选 {'、'.join(names())}。",
                       f"Unknown channel: {name}; choose from {', '.join(names())}.")


register(InboxChannel())
