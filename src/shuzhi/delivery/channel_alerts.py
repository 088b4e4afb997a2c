"""Alert firings on stored channels: the StoredChannel the registry hands the dispatcher, and the message.

Invariants
- A stored channel is a group destination (a chat group's robot, a mailing list), not a person: the
  dispatcher (delivery.alert_checks) posts to it only the firings of the rule OWNER's audience (the
  values computed under the owner's row and column rules: the owner chose where they go), once per
  firing, after the firing's transaction has committed (StoredChannel.deferred). Every recipient of that
  audience gets a receipt with the send's outcome.
- The message names the rule, the severity, the description (zh, then en), the key numbers, the person
  responsible for the fired member (责任人, the rule's owner_map) and a link that opens 「为什么变化?」 for
  that point (delivery.alert_links; the rule's page when the firing has no series; SHUZHI_PUBLIC_URL, no
  link when it is unset). Its picture is the chart of the series around the point, drawn by the hook the
  application layer installs (CHART_IMAGE: service.alerts); a failed drawing sends the message without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuzhi.delivery import channel_store
from shuzhi.delivery.alert_links import explain_link
from shuzhi.delivery.channels import Delivery, SendResult
from shuzhi.delivery.messages import KeyNumber, Message
from shuzhi.delivery.senders import sender
from shuzhi.log import get_logger
from shuzhi.results.format import format_value

log = get_logger(__name__)
# (target, firing dict) → PNG bytes of the series around the firing, or None; set by service.alerts.install.
CHART_IMAGE: list[Callable[[Any, dict[str, Any]], bytes | None]] = []

SEVERITY = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}


@dataclass(frozen=True)
class StoredChannel:
    name: str
    label: str
    label_en: str
    kind: str
    deferred: bool = True  # sent after the dispatcher's transaction commits (deliver), not inside it

    def deliver(self, target: Any, delivery: Delivery) -> SendResult:
        """Send the firing once and report the outcome for every recipient."""
        from shuzhi.delivery.channel_send import resolve_target, send_to_channel

        public_url = resolve_target(target)[1].public_url
        message = firing_message(delivery.firing, delivery.rule_name, public_url)
        image = chart_image(target, delivery.firing)
        if image is not None:
            message = Message(message.title, message.text, message.key_numbers, message.link, message.link_label,
                              image=image)
        out = send_to_channel(target, self.name, message, source=f"alert:{delivery.firing.get('id')}")
        detail = None
        if out.error:
            detail = {
                "zh": f"渠道 {self.name} 发送失败：{out.error['zh']}",
                "en": f"Channel {self.name} failed: {out.error['en']}",
                "provider": out.error.get("provider"),
            }
        status = "delivered" if out.delivered else "failed"
        return SendResult(
            {r.user_id: status for r in delivery.recipients},
            {r.user_id: detail for r in delivery.recipients} if detail else {},
        )


# (catalog, firing id, fired at) → its picture: a firing posted on several channels is drawn once
_DRAWN: dict[Any, bytes | None] = {}


def chart_image(target: Any, firing: dict[str, Any]) -> bytes | None:
    if not CHART_IMAGE:
        return None
    key = (id(getattr(target, "catalog", target)), firing.get("id"), firing.get("fired_at"))
    if firing.get("id") is not None and key in _DRAWN:
        return _DRAWN[key]
    try:
        out = CHART_IMAGE[0](target, firing)
    except Exception as exc:  # noqa: BLE001 - the firing is sent without its picture rather than not at all
        log.warning("alert_chart_failed", firing=firing.get("id"), error=str(exc)[:300])
        out = None
    if firing.get("id") is not None:
        while len(_DRAWN) >= 16:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = out
    return out


def stored_channel(db: Session, name: str) -> StoredChannel | None:
    ch = channel_store.find(db, name)
    if ch is None:
        return None
    s = sender(ch.kind)
    return StoredChannel(
        ch.name, f"{ch.label or ch.name}（{s.LABEL}）", f"{ch.label or ch.name} ({s.LABEL_EN})", ch.kind
    )


def firing_message(firing: dict[str, Any], rule_name: str, public_url: str | None) -> Message:
    zh_sev, en_sev = SEVERITY.get(
        firing.get("severity") or "", (firing.get("severity") or "", firing.get("severity"))
    )
    ev = firing.get("evidence") or {}
    numbers = []
    if firing.get("value") is not None:
        label = ev.get("label_metric") or ev.get("metric") or "值"
        numbers.append(
            KeyNumber(f"{label} / value", format_value(firing["value"], ev.get("format"), style="sentence"))
        )
    numbers.append(KeyNumber("周期 / period", str(ev.get("label") or firing.get("period") or "")))
    if firing.get("series"):
        numbers.append(KeyNumber("成员 / member", str(firing["series"])))
    who = [f"{p.get('display_name') or p['username']}（{p['username']}）" for p in firing.get("responsible") or []]
    if who:
        numbers.append(KeyNumber("责任人 / responsible", "、".join(who)))
    text = f"{firing.get('description_zh') or ''}\n{firing.get('description_en') or ''}".strip()
    if who:
        text += f"\n请 {'、'.join(who)} 跟进。/ Over to {', '.join(who)}."
    link = explain_link(public_url, firing)
    if link:
        return Message(title=f"【{zh_sev}】{rule_name} 告警 / alert ({en_sev})", text=text, key_numbers=tuple(numbers),
                       link=link, link_label="为什么变化? / Why did it change?")
    link = f"{public_url.rstrip('/')}/alerts?rule={firing.get('rule_id')}" if public_url else None
    return Message(title=f"【{zh_sev}】{rule_name} 告警 / alert ({en_sev})", text=text,
                   key_numbers=tuple(numbers), link=link, link_label="查看告警 / Open the alert")
