"""Alert firings on stored channels: the StoredChannel the registry hands the dispatcher, and the message.

Invariants
- A stored channel is a group destination (a chat group's robot, a mailing list), not a person: the
  dispatcher (delivery.alert_checks) posts to it only the firings of the rule OWNER's audience (the
  values computed under the owner's row and column rules: the owner chose where they go), once per
  firing, after the firing's transaction has committed (StoredChannel.deferred). Every recipient of that
  audience gets a receipt with the send's outcome.
- The message names the rule, the severity, the description (zh, then en), the key numbers and a link
  to the rule's page (SHUZHI_PUBLIC_URL; no link when it is unset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuzhi.delivery import channel_store
from shuzhi.delivery.channels import Delivery, SendResult
from shuzhi.delivery.messages import KeyNumber, Message
from shuzhi.delivery.senders import sender
from shuzhi.results.format import format_value

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
        out = send_to_channel(target, self.name, firing_message(delivery.firing, delivery.rule_name, public_url),
                              source=f"alert:{delivery.firing.get('id')}")
        detail = None
        if out.error:
            detail = {"zh": f"渠道 {self.name} 发送失败：{out.error['zh']}",
                      "en": f"Channel {self.name} failed: {out.error['en']}", "provider": out.error.get("provider")}
        status = "delivered" if out.delivered else "failed"
        return SendResult({r.user_id: status for r in delivery.recipients},
                          {r.user_id: detail for r in delivery.recipients} if detail else {})


def stored_channel(db: Session, name: str) -> StoredChannel | None:
    ch = channel_store.find(db, name)
    if ch is None:
        return None
    s = sender(ch.kind)
    return StoredChannel(ch.name, f"{ch.label or ch.name}（{s.LABEL}）", f"{ch.label or ch.name} ({s.LABEL_EN})",
                         ch.kind)


def firing_message(firing: dict[str, Any], rule_name: str, public_url: str | None) -> Message:
    zh_sev, en_sev = SEVERITY.get(firing.get("severity") or "", (firing.get("severity") or "", firing.get("severity")))
    ev = firing.get("evidence") or {}
    numbers = []
    if firing.get("value") is not None:
        label = ev.get("label_metric") or ev.get("metric") or "值"
        numbers.append(KeyNumber(f"{label} / value", format_value(firing["value"], ev.get("format"), style="sentence")))
    numbers.append(KeyNumber("周期 / period", str(ev.get("label") or firing.get("period") or "")))
    if firing.get("series"):
        numbers.append(KeyNumber("成员 / member", str(firing["series"])))
    link = f"{public_url.rstrip('/')}/alerts?rule={firing.get('rule_id')}" if public_url else None
    return Message(title=f"【{zh_sev}】{rule_name} 告警 / alert ({en_sev})",
                   text=f"{firing.get('description_zh') or ''}\n{firing.get('description_en') or ''}".strip(),
                   key_numbers=tuple(numbers), link=link, link_label="查看告警 / Open the alert")
