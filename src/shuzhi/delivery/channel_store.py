"""Channels kept in the catalog: add, list, delete, their sends, and whether they are failing.

Invariants
- A channel's secret keys (each sender's SECRETS: robot URLs, signing secrets, SMTP passwords) are
  sealed with the installation's key (auth.secrets.SecretBox) before they are stored, and no function
  here returns them: channel_dict() shows `shown(cfg)` (a masked URL, password_set) only. open_config()
  is the one way back to the plaintext, for sending.
- Names are unique, 1–32 of a-z 0-9 _ -, starting with a letter; "inbox" and other built-in channels
  (delivery.channels) cannot be taken.
- Adding and deleting a channel are audit events (channel.create / channel.delete: who, name, kind; never
  the config).
- A channel is "failing" when its last `failing_after` finished sends all failed; "ok" when the last
  finished send was delivered; "unused" before any send.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.auth.secrets import SecretBox
from shuzhi.auth.users import audit
from shuzhi.catalog.alerts import AlertRule
from shuzhi.catalog.channels import Channel, ChannelSend
from shuzhi.catalog.models import utcnow
from shuzhi.catalog.subscriptions import Subscription
from shuzhi.delivery import channels as registry
from shuzhi.delivery.senders import sender
from shuzhi.errors import ShuzhiError

NAME_RE = re.compile(r"^[a-z\u4e00-\u9fff][a-z0-9_\u4e00-\u9fff-]{0,31}$")  # 老板群, quality-team


def check_name(name: str) -> str:
    n = (name or "").strip()
    if not NAME_RE.match(n):
        raise ShuzhiError(
            "channel_name_invalid",
            f"渠道名「{name}」无效：请用 1–32 个汉字、小写字母、数字、_ 或 -，以汉字或字母开头。",
            f"The channel name '{name}' is invalid: use 1–32 Chinese characters, lower-case letters, digits, _ or -, "
            "starting with a Chinese character or a letter.",
        )
    if n in registry.builtin_names():
        raise ShuzhiError(
            "channel_name_reserved",
            f"「{n}」是内置渠道的名字，请换一个。",
            f"'{n}' is the name of a built-in channel; choose another.",
            409,
        )
    return n


def not_found(name: str) -> ShuzhiError:
    return ShuzhiError("channel_not_found", f"找不到推送渠道「{name}」。", f"No channel named '{name}'.", 404)


def find(db: Session, name: str) -> Channel | None:
    return db.scalar(select(Channel).where(Channel.name == name))


def get(db: Session, name: str) -> Channel:
    ch = find(db, name)
    if ch is None:
        raise not_found(name)
    return ch


def list_all(db: Session) -> list[Channel]:
    return list(db.scalars(select(Channel).order_by(Channel.name)))


def create(
    db: Session,
    box: SecretBox,
    name: str,
    kind: str,
    cfg: dict[str, Any],
    *,
    label: str | None = None,
    actor: str | None = None,
) -> Channel:
    """Validate and store a channel; the config's secret keys are sealed."""
    name = check_name(name)
    s = sender(kind)
    full = s.check(cfg)
    if find(db, name) is not None:
        raise ShuzhiError(
            "channel_exists",
            f"已有名为「{name}」的推送渠道。",
            f"A channel named '{name}' already exists.",
            409,
        )
    secrets = {k: full[k] for k in s.SECRETS if full.get(k)}
    plain = {k: v for k, v in full.items() if k not in s.SECRETS}
    if label is not None and len(label) > 128:
        raise ShuzhiError(
            "channel_label_invalid", "显示名最多 128 个字。", "A label has at most 128 characters."
        )
    ch = Channel(
        name=name,
        kind=s.KIND,
        label=(label or "").strip() or None,
        config=plain,
        secret=box.seal(json.dumps(secrets, ensure_ascii=False)) if secrets else None,
        created_by=actor,
    )
    db.add(ch)
    db.flush()
    audit(
        db, "channel.create", actor=actor, target=name, detail={"kind": s.KIND}
    )  # never the config: it has secrets
    return ch


def open_config(box: SecretBox, ch: Channel) -> dict[str, Any]:
    """The full config, secrets included (for sending only; never shown)."""
    secrets = json.loads(box.open(ch.secret)) if ch.secret else {}
    return {**dict(ch.config or {}), **secrets}


def delete(db: Session, name: str, *, actor: str | None = None) -> None:
    """Delete a channel and its sends; refused while an alert rule or a subscription names it."""
    ch = get(db, name)
    rules = [
        f"{r.id}（{r.name}）"
        for r in db.scalars(select(AlertRule).order_by(AlertRule.id))
        if name in (r.channels or [])
    ]
    subs = [
        f"#{sub.id}"
        for sub in db.scalars(select(Subscription).order_by(Subscription.id))
        if name in (sub.channels or [])
    ]
    if subs:
        raise ShuzhiError(
            "channel_in_use",
            f"订阅 {'、'.join(subs)} 还在用渠道「{name}」，请先删除这些订阅或改用其他渠道。",
            f"Subscription(s) {', '.join(subs)} still use the channel '{name}'; delete them first.",
            409,
            details={"subscriptions": subs},
        )
    if rules:
        raise ShuzhiError(
            "channel_in_use",
            f"告警规则 {'、'.join(rules)} 还在用渠道「{name}」，请先从规则中移除它。",
            f"Alert rule(s) {', '.join(rules)} still use the channel '{name}'; remove it from them first.",
            409,
            details={"rules": rules},
        )
    db.delete(ch)
    db.flush()
    audit(db, "channel.delete", actor=actor, target=name, detail={"kind": ch.kind})


def recent_sends(db: Session, ch: Channel, limit: int = 20) -> list[ChannelSend]:
    return list(
        db.scalars(
            select(ChannelSend)
            .where(ChannelSend.channel_id == ch.id)
            .order_by(ChannelSend.created_at.desc(), ChannelSend.id.desc())
            .limit(limit)
        )
    )


def health(db: Session, ch: Channel, failing_after: int) -> dict[str, Any]:
    """{"status": ok|failing|unused, "failed_in_a_row", "last_send"} from the finished sends."""
    finished = list(
        db.scalars(
            select(ChannelSend)
            .where(ChannelSend.channel_id == ch.id, ChannelSend.status != "sending")
            .order_by(ChannelSend.created_at.desc(), ChannelSend.id.desc())
            .limit(failing_after)
        )
    )
    in_a_row = 0
    for s in finished:
        if s.status != "failed":
            break
        in_a_row += 1
    status = "unused" if not finished else "failing" if in_a_row >= failing_after else "ok"
    return {
        "status": status,
        "failed_in_a_row": in_a_row,
        "last_send": send_dict(finished[0]) if finished else None,
    }


def send_dict(s: ChannelSend) -> dict[str, Any]:
    return {
        "id": s.id,
        "recipient": s.recipient,
        "subject": s.subject,
        "source": s.source,
        "status": s.status,
        "attempts": s.attempts,
        "error": s.error,
        "created_at": s.created_at.isoformat(),
        "finished_at": s.finished_at.isoformat() if s.finished_at else None,
    }


def channel_dict(db: Session, box: SecretBox, ch: Channel, failing_after: int) -> dict[str, Any]:
    """What the API and the CLI show: never a secret."""
    s = sender(ch.kind)
    try:
        cfg = open_config(box, ch)
        shown, readable = s.shown(cfg), True
    except ShuzhiError:  # the key changed: say so instead of failing the whole list
        shown, readable = {}, False
    return {
        "name": ch.name,
        "kind": ch.kind,
        "kind_label": s.LABEL,
        "kind_label_en": s.LABEL_EN,
        "label": ch.label,
        "settings": shown,
        "secret_readable": readable,
        **health(db, ch, failing_after),
        "created_at": ch.created_at.isoformat(),
        "created_by": ch.created_by,
    }


def start_send(db: Session, ch: Channel, recipient: str, subject: str, source: str) -> ChannelSend:
    rec = ChannelSend(
        channel_id=ch.id,
        recipient=recipient[:512],
        subject=subject[:255],
        source=source[:64],
        status="sending",
        attempts=0,
    )
    db.add(rec)
    db.flush()
    return rec


def finish_send(db: Session, send_id: int, status: str, attempts: int, error: dict[str, Any] | None) -> None:
    rec = db.get(ChannelSend, send_id)
    if rec is None:  # the channel was deleted meanwhile (its sends went with it)
        return
    rec.status, rec.attempts, rec.error, rec.finished_at = status, attempts, error, utcnow()
    db.flush()
