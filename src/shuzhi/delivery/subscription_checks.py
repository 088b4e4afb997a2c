"""Checking a subscription's parts before it is stored: filter values by control, the schedule (a phrase,
a cron or an interval), in-app recipients (they must see the dashboard) and channels (they must exist).
Every problem is a bilingual ShuzhiError (4xx); nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog import dashboards as dash_store
from shuzhi.catalog import org
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import User
from shuzhi.delivery.schedule_phrases import to_cron
from shuzhi.delivery.schedules import Timing
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboard_specs import filter_piece
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.spec.dashboards import hierarchy_levels

MAX_RECIPIENTS = 100
MAX_CHANNELS = 10


def _bad(code: str, zh: str, en: str, **details: Any) -> ShuzhiError:
    return ShuzhiError(code, zh, en, details=details or None)


def viewer_of(u: User) -> dash_store.Viewer:
    return dash_store.Viewer(u.id, u.username, u.role, org.group_ids(u))


# -- filters ---------------------------------------------------------------------------------------------
def _filter_by_name(d: DashboardDef, name: str) -> Any:
    """A filter component by its id, its field (customers.region), the field's last part (region) or its label."""
    flts = d.filters()
    for pick in (
        lambda c: c.id == name,
        lambda c: c.filter.field == name,
        lambda c: c.filter.field.split(".")[-1] == name,
        lambda c: name in (c.filter.label, c.filter.label_en, c.title, c.title_en),
    ):
        found = [c for c in flts if pick(c)]
        if len(found) == 1:
            return found[0]
    names = "、".join(f"{c.id}（{c.filter.field}）" for c in flts) or "—"
    names_en = ", ".join(f"{c.id} ({c.filter.field})" for c in flts) or "none"
    raise _bad(
        "unknown_filter",
        f"仪表板 {d.name} 没有筛选器 {name}；可用：{names}。",
        f"The dashboard {d.name} has no filter {name}; available: {names_en}.",
        filter=name,
    )


def check_filters(d: DashboardDef, filters: Any, idx: ModelIndex) -> dict[str, Any]:
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise _bad("filters_invalid", "filters 应是 {筛选器 id: 值}。", "filters must be {filter id: value}.")
    levels = hierarchy_levels(idx)
    for fid, value in filters.items():
        c = d.component(fid)
        if c is None or c.filter is None:
            _filter_by_name(d, fid)  # raises unknown_filter with the list
            raise _bad("unknown_filter", f"仪表板没有筛选器 {fid}。", f"The dashboard has no filter {fid}.")
        try:
            filter_piece(
                c.filter,
                value,
                levels=levels.get(c.filter.hierarchy or ""),
                is_metric=c.filter.field in idx.metrics,
            )
        except ValueError as exc:
            raise _bad(
                "filter_value_invalid",
                f"筛选器 {fid} 的取值有误：{exc}",
                f"The value of filter {fid} is invalid: {exc}",
            ) from None
    return dict(filters)


# -- validation ------------------------------------------------------------------------------------------
def timing_of(data: Any) -> Timing | None:
    """None (on demand only), a phrase or cron string, or {"cron"|"interval_s", "timezone"}."""
    if data is None or data == "":
        return None
    if isinstance(data, str):
        return Timing(to_cron(data)).validate()
    if not isinstance(data, dict) or set(data) - {"cron", "interval_s", "timezone", "phrase"}:
        raise _bad(
            "schedule_invalid",
            'schedule 应是计划短语（如「每天 8:00」）、cron，或 {"cron": ...}。',
            'schedule must be a phrase ("daily 8:00"), a cron expression, or {"cron": ...}.',
        )
    cron = data.get("cron") or (to_cron(data["phrase"]) if data.get("phrase") else None)
    if cron is not None:
        cron = to_cron(cron)
    interval = data.get("interval_s")
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int)):
        raise _bad(
            "schedule_interval", "interval_s 必须是整数秒。", "interval_s must be a whole number of seconds."
        )
    return Timing(cron, interval, data.get("timezone") or "Asia/Shanghai").validate()


def recipients(db: Session, names: Any, rec: DashboardRecord) -> list[int]:
    if names is None:
        return []
    if (
        not isinstance(names, list)
        or not all(isinstance(n, str) for n in names)
        or len(names) > MAX_RECIPIENTS
    ):
        raise _bad(
            "recipients_invalid",
            f"users 应是用户名列表（最多 {MAX_RECIPIENTS} 个）。",
            f"users must be a list of usernames (at most {MAX_RECIPIENTS}).",
        )
    ids = []
    for n in dict.fromkeys(x.strip().lower() for x in names):
        u = db.scalar(select(User).where(User.username == n))
        if u is None or not u.is_active:
            raise ShuzhiError(
                "recipient_unknown",
                f"找不到已启用的用户 {n}。",
                f"No active user {n}.",
                400,
                details={"user": n},
            )
        if not dash_store.can_view(rec, viewer_of(u)):
            raise ShuzhiError(
                "recipient_cannot_view",
                f"用户 {n}（{u.role}）看不到仪表板「{rec.title}」：它只对所有者 {rec.owner}、管理员和角色 "
                f"{'、'.join(rec.shared_roles or []) or '（无）'} 可见。请先共享仪表板，或去掉这位收件人。",
                f"User {n} ({u.role}) may not see the dashboard '{rec.title_en or rec.title}': only its owner "
                f"{rec.owner}, administrators and the roles {', '.join(rec.shared_roles or []) or '(none)'} may. "
                "Share the dashboard first, or leave this recipient out.",
                400,
                details={"user": n},
            )
        ids.append(u.id)
    return ids


def channels(names: Any, channel_exists: Callable[[str], bool]) -> list[str]:
    if names is None:
        return []
    if (
        not isinstance(names, list)
        or not all(isinstance(n, str) and n for n in names)
        or len(names) > MAX_CHANNELS
    ):
        raise _bad(
            "channels_invalid",
            f"channels 应是渠道名列表（最多 {MAX_CHANNELS} 个）。",
            f"channels must be a list of channel names (at most {MAX_CHANNELS}).",
        )
    for n in names:
        if not channel_exists(n):
            raise ShuzhiError(
                "channel_not_found",
                f"没有名为 {n} 的推送渠道（先用 shuzhi channel add 添加）。",
                f"There is no channel named {n} (add it with shuzhi channel add).",
                400,
                details={"channel": n},
            )
    return list(dict.fromkeys(names))
