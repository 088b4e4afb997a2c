"""Subscriptions (定时推送) in the catalog: validate, create, change, delete, list; runs; received items.

Invariants
- A subscription runs AS ITS OWNER (service.subscriptions): the owner must be able to see the
  dashboard, and the owner's row and column rules decide what every recipient receives.
- An in-app recipient who may not see the dashboard (catalog.dashboards.can_view) is refused at
  creation with the reason (`recipient_cannot_view`); so is an unknown or deactivated user.
- The parts are checked by delivery.subscription_checks. Every channel named must exist (`channel_exists`, given by the caller: the channels store); at
  least one channel or one in-app recipient.
- Filter values are keyed by the dashboard's filter component ids (as POST /dashboards/{key}/data
  takes them) and checked against each control's shape before anything is written (the CLI's
  FIELD=VALUE pairs are read into them by service.renders.resolve_filters first).
- The schedule is a `schedules` row (kind "subscription", target str(id)): created, changed and
  removed with the subscription, disabled while it is disabled. A subscription without a schedule is
  sent only on demand (run now).
- Visibility: the owner, its in-app recipients and admins see a subscription; only the owner or an
  admin changes, runs or deletes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import User, utcnow
from shuzhi.catalog.subscriptions import Subscription, SubscriptionReceipt, SubscriptionRun
from shuzhi.delivery.schedules import Timing, delete_schedule, get_schedule, schedule_dict, set_schedule
from shuzhi.delivery.subscription_checks import _bad, check_filters, timing_of, viewer_of
from shuzhi.delivery.subscription_checks import channels as check_channels
from shuzhi.delivery.subscription_checks import recipients as check_recipients
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex

SCHEDULE_KIND = "subscription"
FORMATS = ("png", "pdf", "xlsx", "link")


def not_found(sub_id: int) -> ShuzhiError:
    return ShuzhiError(
        "subscription_not_found", f"找不到订阅 {sub_id}。", f"Subscription {sub_id} not found.", 404
    )


def create_subscription(
    db: Session, idx: ModelIndex, owner: User, data: dict[str, Any], channel_exists: Callable[[str], bool]
) -> Subscription:
    """data: dashboard (name or id), component?, filters?, format, channels?, users?, schedule?, note?, enabled?"""
    extra = sorted(
        set(data)
        - {"dashboard", "component", "filters", "format", "channels", "users", "schedule", "note", "enabled"}
    )
    if extra:
        raise _bad(
            "subscription_field_unknown",
            f"不认识的字段：{'、'.join(extra)}。",
            f"Unknown field(s): {', '.join(extra)}.",
        )
    if not owner.is_active:
        raise _bad(
            "owner_inactive", f"用户 {owner.username} 已停用。", f"User {owner.username} is deactivated."
        )
    if not data.get("dashboard"):
        raise _bad(
            "dashboard_missing", "请指定要订阅的仪表板（dashboard）。", "Name the dashboard to subscribe to."
        )
    rec = dash_store.get_record(db, data["dashboard"], viewer_of(owner))  # 404 when the owner may not see it
    d = DashboardDef.model_validate(rec.definition)
    fmt = data.get("format") or "png"
    if fmt not in FORMATS:
        raise _bad(
            "subscription_format",
            f"格式只能是 {'、'.join(FORMATS)}，不能是 {fmt}。",
            f"The format is one of {', '.join(FORMATS)}, not {fmt}.",
        )
    component = data.get("component") or None
    if component is not None:
        c = d.component(component)
        data_ids = [x.id for x in d.components if x.kind in ("chart", "kpi")]
        if c is None or c.kind not in ("chart", "kpi"):
            raise _bad(
                "unknown_component",
                f"仪表板 {d.name} 没有图表或指标卡 {component}；可选：{'、'.join(data_ids)}。",
                f"The dashboard {d.name} has no chart or KPI {component}; choose from {', '.join(data_ids)}.",
            )
    filters = check_filters(d, data.get("filters"), idx)
    chans = check_channels(data.get("channels"), channel_exists)
    users = check_recipients(db, data.get("users"), rec)
    if not chans and not users:
        raise _bad(
            "subscription_no_recipient",
            "请至少指定一个推送渠道（--channel）或站内收件人（--user）。",
            "Name at least one channel (--channel) or in-app recipient (--user).",
        )
    note = data.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 2000):
        raise _bad("subscription_note", "备注最多 2000 字。", "The note has at most 2000 characters.")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _bad("subscription_enabled", "enabled 只能是 true 或 false。", "enabled must be true or false.")
    timing = timing_of(data.get("schedule"))
    sub = Subscription(
        owner_id=owner.id,
        dashboard_id=rec.id,
        component=component,
        filters=filters,
        format=fmt,
        channels=chans,
        recipients=users,
        note=note,
        enabled=enabled,
    )
    db.add(sub)
    db.flush()
    if timing is not None:
        set_schedule(db, SCHEDULE_KIND, str(sub.id), timing, created_by=owner.username, enabled=enabled)
    return sub


def set_enabled(db: Session, sub: Subscription, enabled: bool) -> Subscription:
    sub.enabled = enabled
    sub.updated_at = utcnow()
    sched = get_schedule(db, SCHEDULE_KIND, str(sub.id))
    if sched is not None:
        set_schedule(
            db,
            SCHEDULE_KIND,
            str(sub.id),
            Timing(sched.cron, sched.interval_s, sched.timezone),
            enabled=enabled,
        )
    db.flush()
    return sub


def delete_subscription(db: Session, sub: Subscription) -> None:
    delete_schedule(db, SCHEDULE_KIND, str(sub.id))
    db.delete(sub)
    db.flush()


def can_see(sub: Subscription, user_id: int, role: str) -> bool:
    return role == "admin" or sub.owner_id == user_id or user_id in (sub.recipients or [])


def get_subscription(
    db: Session, sub_id: int, user_id: int | None = None, role: str = "admin", *, write: bool = False
) -> Subscription:
    sub = db.get(Subscription, sub_id)
    if sub is None or (user_id is not None and not can_see(sub, user_id, role)):
        raise not_found(sub_id)
    if write and user_id is not None and not (role == "admin" or sub.owner_id == user_id):
        raise ShuzhiError(
            "subscription_not_owner",
            "只有订阅的创建者或管理员可以修改、发送或删除它。",
            "Only the subscription's owner or an administrator may change, send or delete it.",
            403,
        )
    return sub


def list_subscriptions(
    db: Session, user_id: int | None = None, role: str = "admin", *, dashboard: str | None = None
) -> list[Subscription]:
    q = select(Subscription).order_by(Subscription.id)
    if dashboard is not None:
        rec = db.scalar(
            select(DashboardRecord).where(
                DashboardRecord.name == dashboard
                if not dashboard.isdigit()
                else DashboardRecord.id == int(dashboard)
            )
        )
        if rec is None:
            return []
        q = q.where(Subscription.dashboard_id == rec.id)
    return [s for s in db.scalars(q) if user_id is None or can_see(s, user_id, role)]


def _iso(v: Any) -> str | None:
    return v.isoformat() if v is not None else None


def run_dict(r: SubscriptionRun) -> dict[str, Any]:
    return {
        "id": r.id,
        "trigger": r.trigger,
        "status": r.status,
        "started_at": _iso(r.started_at),
        "finished_at": _iso(r.finished_at),
        "deliveries": list(r.deliveries or []),
        "error": r.error,
        "title": r.title,
        "link": r.link,
    }


def recent_runs(db: Session, sub_id: int, limit: int = 20) -> list[SubscriptionRun]:
    return list(
        db.scalars(
            select(SubscriptionRun)
            .where(SubscriptionRun.subscription_id == sub_id)
            .order_by(SubscriptionRun.started_at.desc(), SubscriptionRun.id.desc())
            .limit(limit)
        )
    )


def subscription_dict(db: Session, sub: Subscription, *, runs: int = 0) -> dict[str, Any]:
    ids = [sub.owner_id, *(sub.recipients or [])]
    users = {u.id: u.username for u in db.scalars(select(User).where(User.id.in_(ids)))}
    rec = db.get(DashboardRecord, sub.dashboard_id)
    sched = get_schedule(db, SCHEDULE_KIND, str(sub.id))
    n = (
        db.scalar(
            select(func.count()).select_from(SubscriptionRun).where(SubscriptionRun.subscription_id == sub.id)
        )
        or 0
    )
    out = {
        "id": sub.id,
        "owner": users.get(sub.owner_id),
        "dashboard": rec.name if rec else None,
        "dashboard_title": rec.title if rec else None,
        "dashboard_title_en": rec.title_en if rec else None,
        "component": sub.component,
        "filters": dict(sub.filters or {}),
        "format": sub.format,
        "channels": list(sub.channels or []),
        "users": [users[i] for i in sub.recipients or [] if i in users],
        "note": sub.note,
        "enabled": sub.enabled,
        "schedule": None
        if sched is None
        else {
            k: v
            for k, v in schedule_dict(sched).items()
            if k in ("cron", "interval_s", "timezone", "next_run_at", "last_run_at")
        },
        "created_at": _iso(sub.created_at),
        "updated_at": _iso(sub.updated_at),
        "last_run_at": _iso(sub.last_run_at),
        "last_status": sub.last_status,
        "last_error": sub.last_error,
        "run_count": int(n),
    }
    if runs:
        out["runs"] = [run_dict(r) for r in recent_runs(db, sub.id, runs)]
    return out


# -- what an in-app recipient received ------------------------------------------------------------------
def received(db: Session, user_id: int, *, limit: int = 100) -> list[dict[str, Any]]:
    q = (
        select(SubscriptionReceipt)
        .where(SubscriptionReceipt.user_id == user_id)
        .order_by(SubscriptionReceipt.created_at.desc(), SubscriptionReceipt.id.desc())
        .limit(limit)
    )
    return [
        {"id": r.id, "read": r.read_at is not None, "received_at": _iso(r.created_at), **r.message}
        for r in db.scalars(q)
    ]


def mark_received_read(db: Session, user_id: int, receipt_id: int) -> None:
    r = db.get(SubscriptionReceipt, receipt_id)
    if r is None or r.user_id != user_id:
        raise ShuzhiError(
            "received_not_found",
            f"没有收到的推送 {receipt_id}。",
            f"Received item {receipt_id} not found.",
            404,
        )
    if r.read_at is None:
        r.read_at = utcnow()
    db.flush()
