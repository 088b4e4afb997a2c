"""Alert rules in the catalog: validate, create, change, delete, list; firings; the inbox.

Invariants
- A rule is validated against the model AS ITS OWNER: its metric, split dimension and filters
  must resolve under the owner's column rules (resolve() of the series QuerySpec), so a rule
  can never watch what its owner may not see.
- A rule's schedule is the `schedules` row (kind "alert", target str(rule id)); it is created,
  changed and removed together with the rule, and disabled while the rule is disabled.
- Visibility: the owner and the subscribers see a rule; admins see all. Only the owner or an
  admin may change or delete it. The owner and admins see the owner audience's firings; a
  subscriber sees only the firings delivered to them (computed under their own rules, see
  delivery.alert_checks).
- 责任人 routing (owner_map): members of the rule's split (`by`) → users. A firing for a mapped member
  also goes to that user (their inbox, evaluated under their own rules like a subscriber's), and the
  rule's group channels name them; a mapped user sees the rule. The same rule as for subscribers decides
  whom a caller may name. A map needs a split.
- Subscribers: a caller who may not manage users (users:manage) learns nothing about which
  usernames exist: a viewer may subscribe only themselves, and an editor naming an unknown or
  deactivated user gets the same answer as a viewer naming anyone else (subscriber_not_allowed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuzhi.ai.insights.series import check_grain, series_spec
from shuzhi.auth.roles import has_permission
from shuzhi.catalog import org
from shuzhi.catalog.alerts import AlertFiring, AlertRule, FiringReceipt
from shuzhi.catalog.models import User, utcnow
from shuzhi.delivery import channels
from shuzhi.delivery.alerts import check_condition
from shuzhi.delivery.schedules import Timing, delete_schedule, get_schedule, schedule_dict, set_schedule
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.resolve import UserContext, resolve

SCHEDULE_KIND = "alert"
FIELDS = {"name", "description", "metric", "grain", "by", "where", "condition", "schedule", "channels",
          "subscribers", "enabled", "owner_map"}
MAX_OWNER_MAP = 200


def not_found(rule_id: int) -> ShuzhiError:
    return ShuzhiError("alert_not_found", f"找不到告警规则 {rule_id}。", f"Alert rule {rule_id} not found.", 404)


def _bad(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, zh, en)


def _timing(data: Any) -> Timing | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) - {"cron", "interval_s", "timezone"}:
        raise _bad("schedule_invalid", "schedule 应是 {\"cron\": ...} 或 {\"interval_s\": ...}（可加 timezone）。",
                   'schedule must be {"cron": ...} or {"interval_s": ...} (optionally with timezone).')
    interval = data.get("interval_s")
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int)):
        raise _bad("schedule_interval", "interval_s 必须是整数秒。", "interval_s must be a whole number of seconds.")
    return Timing(data.get("cron"), interval, data.get("timezone") or "Asia/Shanghai").validate()


def _not_allowed(name: str) -> ShuzhiError:
    return ShuzhiError("subscriber_not_allowed",
                       f"不能把 {name} 加为订阅人：查看者只能订阅自己，编辑者只能添加已启用的用户。",
                       f"{name} cannot be added as a subscriber: viewers may subscribe only themselves, "
                       "editors only active users.", 403, details={"subscriber": name})


def _subscribers(db: Session, names: Any, actor: User) -> list[int]:
    if names is None:
        return []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or len(names) > 100:
        raise _bad("subscribers_invalid", "subscribers 应是用户名列表（最多 100 个）。",
                   "subscribers must be a list of usernames (at most 100).")
    admin = has_permission(actor.role, "users:manage")
    ids = []
    for n in dict.fromkeys(names):
        key = n.strip().lower()
        if actor.role == "viewer" and key != actor.username:
            raise _not_allowed(n)  # before any look-up: the answer never depends on whether n exists
        u = db.scalar(select(User).where(User.username == key))
        if admin and u is None:
            raise ShuzhiError("unknown_user", f"找不到用户 {n}。", f"User {n} not found.", 400)
        if u is None or not u.is_active:
            raise _not_allowed(n)
        ids.append(u.id)
    return ids


def _owner_map(db: Session, mapping: Any, actor: User, by: str | None) -> dict[str, int]:
    """{member: username} → {member: users.id}; each user checked as a subscriber would be."""
    if not mapping:
        return {}
    if (not isinstance(mapping, dict) or len(mapping) > MAX_OWNER_MAP
            or not all(isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in mapping.items())):
        raise _bad("owner_map_invalid", f"责任人映射应是 {{成员: 用户名}}（最多 {MAX_OWNER_MAP} 项）。",
                   f"owner_map must be {{member: username}} (at most {MAX_OWNER_MAP} entries).")
    if not by:
        raise _bad("owner_map_needs_split", "责任人按拆分维度的成员指定：请先选择拆分维度（by）。",
                   "People responsible are named per member of the split: choose a split dimension (by) first.")
    ids = dict(zip(dict.fromkeys(mapping.values()), _subscribers(db, list(dict.fromkeys(mapping.values())), actor),
                   strict=True))
    return {k.strip(): ids[v] for k, v in mapping.items()}


def _channels(db: Session, names: Any) -> list[str]:
    if names is None:
        return ["inbox"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise _bad("channels_invalid", "channels 应是非空的渠道名列表，例如 [\"inbox\"]。",
                   'channels must be a non-empty list of channel names, e.g. ["inbox"].')
    for n in names:
        channels.get(n, db)  # a registered or stored channel; else unknown_channel
    return list(dict.fromkeys(names))


def validate(db: Session, idx: ModelIndex, owner: User, data: dict[str, Any], today: dt.date,
             base: AlertRule | None = None, actor: User | None = None) -> dict[str, Any]:
    """Check a rule (a full one, or a partial change of `base`) and return its normalised fields.
    `actor` (default: the owner) is who makes the change; it decides whom they may subscribe."""
    extra = sorted(set(data) - FIELDS)
    if extra:
        raise _bad("alert_field_unknown", f"不认识的字段：{'、'.join(extra)}。", f"Unknown field(s): {', '.join(extra)}.")
    cur: dict[str, Any] = {} if base is None else {
        "name": base.name, "description": base.description, "metric": base.metric, "grain": base.grain,
        "by": base.by, "where": base.where, "condition": base.condition, "channels": base.channels,
        "enabled": base.enabled}
    cur.update({k: v for k, v in data.items() if k not in ("schedule", "subscribers", "owner_map")})
    name = cur.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 128:
        raise _bad("alert_name_invalid", "请给规则起一个 1–128 字的名称。", "Give the rule a name of 1–128 characters.")
    if not isinstance(cur.get("metric"), str) or not cur["metric"]:
        raise _bad("alert_metric_missing", "请指定要监控的指标（metric）。", "Name the metric to watch (metric).")
    grain = check_grain(cur.get("grain") or "month")
    by = cur.get("by") or None
    where = cur.get("where") or []
    if not isinstance(where, list):
        raise _bad("where_not_list", "where 应是筛选条件列表。", "where must be a list of filters.")
    if not isinstance(cur.get("enabled", True), bool):
        raise _bad("alert_enabled_invalid", "enabled 只能是 true 或 false。", "enabled must be true or false.")
    ctx = UserContext(owner.username, owner.role, org.effective_attributes(owner))
    idx.metric(cur["metric"])  # unknown metric: a clear message with suggestions
    resolve(parse_spec(series_spec(cur["metric"], grain, by=by, where=where)), idx, ctx, today)
    out = {"name": name.strip(), "description": cur.get("description") or None, "metric": cur["metric"],
           "grain": grain, "by": by, "where": where, "condition": check_condition(cur.get("condition")),
           "channels": _channels(db, cur.get("channels")), "enabled": cur.get("enabled", True)}
    if "subscribers" in data or base is None:
        out["subscribers"] = _subscribers(db, data.get("subscribers"), actor or owner)
    if "owner_map" in data or base is None:
        out["owner_map"] = _owner_map(db, data.get("owner_map"), actor or owner, by)
    elif base.owner_map and not by:
        out["owner_map"] = {}  # the split was removed: its members mean nothing any more
    return out


def create_rule(db: Session, idx: ModelIndex, owner: User, data: dict[str, Any], today: dt.date) -> AlertRule:
    fields = validate(db, idx, owner, data, today)
    timing = _timing(data.get("schedule"))
    rule = AlertRule(owner_id=owner.id, **fields)
    db.add(rule)
    db.flush()
    if timing is not None:
        set_schedule(db, SCHEDULE_KIND, str(rule.id), timing, created_by=owner.username, enabled=rule.enabled)
    return rule


def update_rule(db: Session, idx: ModelIndex, rule: AlertRule, data: dict[str, Any], today: dt.date,
                actor: User | None = None) -> AlertRule:
    owner = db.get(User, rule.owner_id)
    assert owner is not None
    for k, v in validate(db, idx, owner, data, today, base=rule, actor=actor).items():
        setattr(rule, k, v)
    rule.updated_at = utcnow()
    if "schedule" in data:
        set_schedule(db, SCHEDULE_KIND, str(rule.id), _timing(data["schedule"]), created_by=owner.username,
                     enabled=rule.enabled)
    else:
        sched = get_schedule(db, SCHEDULE_KIND, str(rule.id))
        if sched is not None and sched.enabled != rule.enabled:
            set_schedule(db, SCHEDULE_KIND, str(rule.id), Timing(sched.cron, sched.interval_s, sched.timezone),
                         enabled=rule.enabled)
    db.flush()
    return rule


def delete_rule(db: Session, rule: AlertRule) -> None:
    delete_schedule(db, SCHEDULE_KIND, str(rule.id))
    db.delete(rule)
    db.flush()


def can_see(rule: AlertRule, user_id: int, role: str) -> bool:
    return (role == "admin" or rule.owner_id == user_id or user_id in (rule.subscribers or [])
            or user_id in (rule.owner_map or {}).values())


def get_rule(db: Session, rule_id: int, user_id: int, role: str, *, write: bool = False) -> AlertRule:
    rule = db.get(AlertRule, rule_id)
    if rule is None or not can_see(rule, user_id, role):
        raise not_found(rule_id)
    if write and not (role == "admin" or rule.owner_id == user_id):
        raise ShuzhiError("alert_not_owner", "只有规则的所有者或管理员可以修改它。",
                          "Only the rule's owner or an administrator may change it.", 403)
    return rule


def list_rules(db: Session, user_id: int, role: str) -> list[AlertRule]:
    rules = db.scalars(select(AlertRule).order_by(AlertRule.id)).all()
    return [r for r in rules if can_see(r, user_id, role)]


def rule_dict(db: Session, rule: AlertRule) -> dict[str, Any]:
    users = {u.id: u.username for u in db.scalars(select(User).where(User.id.in_([rule.owner_id,
                                                                                 *(rule.subscribers or []),
                                                                                 *(rule.owner_map or {}).values()])))}
    sched = get_schedule(db, SCHEDULE_KIND, str(rule.id))
    n = db.scalar(select(func.count()).select_from(AlertFiring).where(AlertFiring.rule_id == rule.id,
                                                                      AlertFiring.audience == "")) or 0
    return {"id": rule.id, "name": rule.name, "description": rule.description, "owner": users.get(rule.owner_id),
            "metric": rule.metric, "grain": rule.grain, "by": rule.by, "where": rule.where,
            "condition": rule.condition, "channels": rule.channels,
            "subscribers": [users[i] for i in rule.subscribers or [] if i in users], "enabled": rule.enabled,
            "owner_map": {k: users[i] for k, i in (rule.owner_map or {}).items() if i in users},
            "schedule": None if sched is None else {k: v for k, v in schedule_dict(sched).items()
                                                     if k in ("cron", "interval_s", "timezone", "next_run_at",
                                                              "last_run_at", "last_status")},
            "created_at": rule.created_at.isoformat(), "updated_at": rule.updated_at.isoformat(),
            "last_checked_at": rule.last_checked_at.isoformat() if rule.last_checked_at else None,
            "last_status": rule.last_status, "last_error": rule.last_error, "firing_count": int(n)}


def firing_dict(f: AlertFiring, rule_name: str | None = None) -> dict[str, Any]:
    return {"id": f.id, "rule_id": f.rule_id, "rule_name": rule_name, "series": f.series_key or None,
            "period": f.period, "kind": f.kind, "value": f.value, "severity": f.severity,
            "description_zh": f.description_zh, "description_en": f.description_en, "trigger": f.trigger,
            "fired_at": f.fired_at.isoformat(), "evidence": f.evidence}


def list_firings(db: Session, rule_id: int, limit: int = 100, *, recipient: int | None = None) -> list[AlertFiring]:
    """The owner audience's firings, newest first; with `recipient`, those delivered to that user."""
    q = select(AlertFiring).where(AlertFiring.rule_id == rule_id)
    if recipient is None:
        q = q.where(AlertFiring.audience == "")
    else:
        q = q.where(AlertFiring.id.in_(select(FiringReceipt.firing_id).where(FiringReceipt.user_id == recipient)))
    return list(db.scalars(q.order_by(AlertFiring.fired_at.desc(), AlertFiring.id.desc()).limit(limit)))


# -- the inbox ---------------------------------------------------------------------------------------
def inbox(db: Session, user_id: int, *, unread_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    q = (select(FiringReceipt, AlertFiring, AlertRule.name)
         .join(AlertFiring, AlertFiring.id == FiringReceipt.firing_id)
         .join(AlertRule, AlertRule.id == AlertFiring.rule_id)
         .where(FiringReceipt.user_id == user_id, FiringReceipt.channel == "inbox")
         .order_by(FiringReceipt.created_at.desc(), FiringReceipt.id.desc()).limit(limit))
    if unread_only:
        q = q.where(FiringReceipt.read_at.is_(None))
    return [{"id": r.id, "read": r.read_at is not None, "read_at": r.read_at.isoformat() if r.read_at else None,
             "received_at": r.created_at.isoformat(), "firing": firing_dict(f, name)}
            for r, f, name in db.execute(q).all()]


def unread_count(db: Session, user_id: int) -> int:
    return int(db.scalar(select(func.count()).select_from(FiringReceipt).where(
        FiringReceipt.user_id == user_id, FiringReceipt.channel == "inbox", FiringReceipt.read_at.is_(None))) or 0)


def mark_read(db: Session, user_id: int, receipt_id: int | None) -> int:
    """Mark one inbox item (or, with None, all of them) read; returns how many changed."""
    q = select(FiringReceipt).where(FiringReceipt.user_id == user_id, FiringReceipt.channel == "inbox",
                                    FiringReceipt.read_at.is_(None))
    if receipt_id is not None:
        r = db.get(FiringReceipt, receipt_id)
        if r is None or r.user_id != user_id or r.channel != "inbox":
            raise ShuzhiError("inbox_item_not_found", f"收件箱中没有消息 {receipt_id}。",
                              f"Inbox item {receipt_id} not found.", 404)
        q = q.where(FiringReceipt.id == receipt_id)
    now = utcnow()
    items = list(db.scalars(q))
    for r in items:
        r.read_at = now
    db.flush()
    return len(items)
