"""Channels deliver alert firings to people. One interface; the built-in channel is the inbox.

A channel is any object with a `name` and `send(delivery) -> SendResult` (the Channel protocol).
Register it once per process with register(); rules name the channels they use, and a rule may
only name registered channels or channels stored in the catalog (DingTalk, WeCom, Feishu, e-mail,
webhook: delivery.channel_store). get(name, db) finds both; a stored one comes back as a
StoredChannel (delivery.channel_alerts), which the dispatcher sends after its transaction commits.

Invariants
- send() must not raise for a recipient it could not reach: it reports that recipient as failed
  (with a bilingual reason). The dispatcher (delivery.alerts) records one receipt per firing,
  recipient and channel from the result, so every attempt is visible.
- The inbox channel delivers by being recorded: its receipts are the inbox (read/unread).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def get(name: str, db: Session | None = None) -> Any:
    """A registered channel, else (with a catalog session) the stored channel of that name as a
    StoredChannel; unknown_channel otherwise."""
    with _lock:
        ch = _channels.get(name)
    if ch is not None:
        return ch
    if db is not None:
        from shuzhi.delivery.channel_alerts import stored_channel

        stored = stored_channel(db, name)
        if stored is not None:
            return stored
    raise unknown_channel(name, db)


def builtin_names() -> list[str]:
    with _lock:
        return list(_channels)


def names(db: Session | None = None) -> list[str]:
    out = builtin_names()
    if db is not None:
        from shuzhi.delivery import channel_store

        out += [c.name for c in channel_store.list_all(db)]
    return out


def describe(db: Session | None = None) -> list[dict[str, str]]:
    """Registered channels, then (with a catalog session) the stored ones: name and labels only."""
    with _lock:
        out = [{"name": c.name, "label": c.label, "label_en": c.label_en} for c in _channels.values()]
    if db is not None:
        from shuzhi.delivery import channel_store
        from shuzhi.delivery.senders import sender

        for c in channel_store.list_all(db):
            s = sender(c.kind)
            out.append({"name": c.name, "label": f"{c.label or c.name}（{s.LABEL}）",
                        "label_en": f"{c.label or c.name} ({s.LABEL_EN})"})
    return out


def unknown_channel(name: str, db: Session | None = None) -> ShuzhiError:
    known = names(db)
    return ShuzhiError("unknown_channel", f"未知的通知渠道：{name}；可选 {'、'.join(known)}。",
                       f"Unknown channel: {name}; choose from {', '.join(known)}.")


register(InboxChannel())
