"""Subscriptions (定时推送): create (checked as the owner), run (now or on schedule), schedule kind "subscription".

A run, AS THE SUBSCRIPTION'S OWNER (their dashboards, row and column rules):
1. the dashboard with the fixed filter values is prepared (service.renders.prepare) and its data answered
   once (the KPI values for the key numbers, 数据截至);
2. the attachment is made by format: png — the page drawn by headless Chromium (the whole dashboard, or
   only the subscribed component's tile); pdf — the dashboard's PDF; xlsx — its workbook (only the
   component's sheet when one is subscribed); link — nothing, the message is the card;
3. one provider-independent Message (delivery.messages) goes to every channel (delivery.channel_send:
   retries, the send log) and each in-app recipient gets a SubscriptionReceipt;
4. the run is recorded with one delivery entry per channel and user, and the subscription's last status.

Invariants
- No catalog transaction is open while the page is drawn or a provider is talked to.
- A failure to prepare or draw (the dashboard deleted, the owner deactivated, Chromium missing) fails
  the whole run with its bilingual reason; a channel's failure fails only that delivery (status partial).
- Drawing needs the web app: `shuzhi serve`'s own address when this is the server, else the app served
  inside this process (PAGE_SERVER, set by the API and the CLI: api.inprocess.serve_in_process), so the
  CLI needs no running server.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from sqlalchemy import select

from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import User, utcnow
from shuzhi.catalog.subscriptions import Subscription, SubscriptionReceipt, SubscriptionRun
from shuzhi.delivery import channel_store
from shuzhi.delivery import subscriptions as store
from shuzhi.delivery.channels import names as builtin_channels
from shuzhi.delivery.messages import Attachment, KeyNumber, Message
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.results.format import format_value

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext
    from shuzhi.service import renders

log = get_logger(__name__)
JOB_KIND = "subscription"
PageServer = Callable[["Runtime"], contextlib.AbstractContextManager[str]]
PAGE_SERVER: list[PageServer] = []  # set once by the API / the CLI (api.inprocess.serve_in_process)
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def set_page_server(server: PageServer) -> None:
    """How to reach the web app for drawing (the layer above service gives it)."""
    PAGE_SERVER[:] = [server]


def channel_exists(db: Any) -> Callable[[str], bool]:
    """Subscriptions go to stored channels (robots, e-mail); the inbox is the in-app users list."""
    return lambda name: name not in builtin_channels() and channel_store.find(db, name) is not None


def create(rt: Runtime, owner_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check everything as the owner (the dashboard they see, the filter values read as the CLI and the
    web app write them) and store the subscription with its schedule."""
    from shuzhi.auth.users import get_user
    from shuzhi.service import renders

    data = dict(data)
    given = data.get("filters") or {}
    data["filters"] = given  # none given (the CLI's empty --filter list): the dashboard as it opens
    if data.get("dashboard") and (given or data.get("component")):
        p = renders.prepare(rt, str(data["dashboard"]), owner_name, given)  # 404 / 4xx as for an export
        data["filters"] = p.filters
    with rt.catalog.session() as db:
        owner = get_user(db, owner_name)
        idx, _ = rt.model_index(None, db)
        sub = store.create_subscription(db, idx, owner, data, channel_exists(db))
        return store.subscription_dict(db, sub)


# -- the message -------------------------------------------------------------------------------
def public_link(rt: Runtime, name: str, filters: Mapping[str, Any]) -> str | None:
    """`${SHUZHI_PUBLIC_URL}/dashboards/NAME?f=…` (the page reads its filter values from f), or None when unset."""
    base = rt.settings.public_url
    if not base:
        return None
    query = f"?{urlencode({'f': json.dumps(dict(filters), ensure_ascii=False)})}" if filters else ""
    return f"{base.rstrip('/')}/dashboards/{quote(name, safe='')}{query}"


def key_numbers(p: renders.Prepared, data: dict[str, Any], component: str | None) -> list[KeyNumber]:
    """The KPI cards' values (the subscribed one only, when a KPI is subscribed), formatted as on the page."""
    out = []
    for c in p.definition.components:
        if c.kind != "kpi" or (component is not None and c.id != component):
            continue
        entry = data["components"].get(c.id) or {}
        res = entry.get("result")
        if not res or not res.get("rows") or entry.get("error"):
            continue
        col = res["columns"][0]
        value = res["rows"][0][0]
        out.append(
            KeyNumber(
                c.title or col.get("label") or c.id,
                format_value(value, col.get("format"), "zh", style="compact"),
            )
        )
    return out


def build_message(rt: Runtime, sub: dict[str, Any], p: renders.Prepared, data: dict[str, Any]) -> Message:
    from shuzhi.service import render_filters

    comp = p.definition.component(sub["component"]) if sub["component"] else None
    title = p.title + (f" · {comp.title or comp.id}" if comp else "")
    lines = []
    filters = render_filters.filters_text(p.definition, data.get("filters") or p.filters)
    if filters:
        lines.append(f"筛选：{filters}")
    if data.get("last_date"):
        lines.append(f"数据截至 {data['last_date']}")
    if sub.get("note"):
        lines.append(sub["note"])
    link = public_link(rt, p.name, p.filters)
    return Message(
        title=title,
        text="\n".join(lines),
        key_numbers=tuple(key_numbers(p, data, sub["component"])),
        link=link,
        link_label="打开仪表板 / Open the dashboard",
    )


@contextlib.contextmanager
def pages(rt: Runtime) -> Iterator[str]:
    """The address of the web app for headless drawing: this process's own server when `shuzhi serve`
    runs it (service.renders.server_url), else the app served inside this process (PAGE_SERVER)."""
    from shuzhi.service import renders

    own = renders.server_url(rt)
    if own:
        yield own
        return
    if not PAGE_SERVER:
        raise ShuzhiError(
            "render_unavailable",
            "本进程无法打开网页应用来绘制仪表板。",
            "This process cannot open the web app to draw the dashboard.",
            503,
        )
    with PAGE_SERVER[0](rt) as base:
        yield base


def attachment(
    rt: Runtime, sub: dict[str, Any], p: renders.Prepared
) -> tuple[bytes | None, Attachment | None]:
    """(PNG image, file attachment) for the subscription's format."""
    from shuzhi.service import renders

    fmt = sub["format"]
    if fmt == "link":
        return None, None
    stem = p.title + (f"-{sub['component']}" if sub["component"] else "")
    if fmt == "xlsx":
        only = renders.Prepared(p.name, p.title, p.definition, p.index, p.user_id, p.user, p.filters)
        if sub["component"]:
            only.definition = p.definition.model_copy(
                update={
                    "components": [
                        c for c in p.definition.components if c.kind == "filter" or c.id == sub["component"]
                    ]
                }
            )
        return None, Attachment(f"{stem}.xlsx", renders.dashboard_xlsx(rt, only), MIME["xlsx"])
    with pages(rt) as base:
        data = renders.render(
            rt,
            p,
            fmt,
            base_url=base,
            element=f"tile-{sub['component']}" if sub["component"] and fmt == "png" else None,
        )
    if fmt == "png":
        return data, None
    return None, Attachment(f"{stem}.pdf", data, MIME["pdf"])


# -- a run -------------------------------------------------------------------------------------
def run(rt: Runtime, sub_id: int, *, trigger: str = "manual") -> dict[str, Any]:
    """Send one subscription now; returns the run (run_dict) with its deliveries. Never raises for a
    delivery problem; raises subscription_not_found for a missing id."""
    from shuzhi.delivery.channel_send import send_to_channel
    from shuzhi.service import renders

    with rt.catalog.session() as db:
        sub_row = store.get_subscription(db, sub_id)
        sub = store.subscription_dict(db, sub_row)
        owner = db.get(User, sub_row.owner_id)
        recipients = [
            (u.id, u.username)
            for u in db.scalars(
                select(User).where(User.id.in_(sub_row.recipients or []), User.is_active.is_(True))
            )
        ]
        run_row = SubscriptionRun(subscription_id=sub_id, trigger=trigger, status="running", deliveries=[])
        db.add(run_row)
        db.flush()
        run_id = run_row.id
        rec = db.get(DashboardRecord, sub_row.dashboard_id)
        dash_name = rec.name if rec else str(sub_row.dashboard_id)
    deliveries: list[dict[str, Any]] = []
    error = None
    message = None
    try:
        if owner is None or not owner.is_active:
            raise ShuzhiError(
                "owner_inactive",
                "订阅的创建者已停用，订阅不再发送。",
                "The subscription's owner is deactivated; it is no longer sent.",
            )
        p = renders.prepare(rt, dash_name, owner.username, sub["filters"])
        data = renders.dashboard_data(rt, p)
        message = build_message(rt, sub, p, data)
        image, file = attachment(rt, sub, p)
        message = Message(
            message.title,
            message.text,
            message.key_numbers,
            message.link,
            message.link_label,
            image=image,
            attachments=(file,) if file else (),
            # a whole dashboard's PNG carries its title, filters and 数据截至: on WeCom one image message
            picture_only=sub["format"] == "png" and not sub["component"],
        )
    except ShuzhiError as err:
        error = {"code": err.code, "zh": err.zh, "en": err.en}
        log.warning("subscription_failed", subscription=sub_id, code=err.code)
    if message is not None:
        for name in sub["channels"]:
            try:
                out = send_to_channel(rt, name, message, source=f"subscription:{sub_id}")
                deliveries.append(
                    {
                        "target": name,
                        "kind": "channel",
                        "status": out.status,
                        "error": out.error,
                        "attempts": out.attempts,
                    }
                )
            except ShuzhiError as err:  # the channel was deleted since
                deliveries.append(
                    {
                        "target": name,
                        "kind": "channel",
                        "status": "failed",
                        "error": {"zh": err.zh, "en": err.en},
                    }
                )
    status = _status(error, deliveries, recipients)
    with rt.catalog.session() as db:
        run_row = db.get(SubscriptionRun, run_id)
        if message is not None:
            inapp = {
                "subscription_id": sub_id,
                "dashboard": dash_name,
                "title": message.title,
                "text": message.text,
                "numbers": [{"label": k.label, "value": k.value} for k in message.key_numbers],
                "link": message.link or f"/dashboards/{quote(dash_name, safe='')}",
                "format": sub["format"],
            }
            for uid, uname in recipients:
                db.add(SubscriptionReceipt(run_id=run_id, user_id=uid, message=inapp))
                deliveries.append({"target": uname, "kind": "user", "status": "delivered", "error": None})
        if run_row is not None:
            run_row.finished_at = utcnow()
            run_row.status = status
            run_row.deliveries = deliveries
            run_row.error = error
            run_row.title = message.title[:300] if message else None
            run_row.link = message.link if message else None
        sub_row = db.get(Subscription, sub_id)
        if sub_row is not None:
            sub_row.last_run_at = utcnow()
            sub_row.last_status = status
            sub_row.last_error = error or next(
                (
                    {"code": "delivery_failed", **{k: d["error"].get(k) for k in ("zh", "en")}}
                    for d in deliveries
                    if d["status"] != "delivered" and d.get("error")
                ),
                None,
            )
        db.flush()
        return store.run_dict(run_row) if run_row is not None else {"id": run_id, "status": status}


def _status(error: Any, deliveries: list[dict[str, Any]], recipients: list[Any]) -> str:
    if error is not None:
        return "failed"
    ok = [d for d in deliveries if d["status"] == "delivered"]
    if len(ok) == len(deliveries) or (not deliveries and recipients):
        return "delivered"
    return "partial" if ok or recipients else "failed"


def _scheduled(rt: Runtime, target: str, ctx: JobContext) -> dict[str, Any]:
    try:
        sub_id = int(target)
    except ValueError:
        raise ShuzhiError(
            "subscription_target_invalid",
            f"计划目标 {target} 不是订阅编号。",
            f"Schedule target {target} is not a subscription id.",
        ) from None
    with rt.catalog.session() as db:
        sub = db.get(Subscription, sub_id)
        enabled = sub is not None and sub.enabled
    if not enabled:
        return {"subscription_id": sub_id, "status": "skipped"}
    ctx.progress(0.1, f"subscription {sub_id}")
    out = run(rt, sub_id, trigger="schedule")
    ctx.progress(1.0)
    return {"subscription_id": sub_id, **{k: out.get(k) for k in ("id", "status", "deliveries", "error")}}


def install(rt: Runtime) -> None:
    """Register the schedule kind "subscription" (service.wiring.wire, once per process)."""
    rt.register_schedule_kind(store.SCHEDULE_KIND, _scheduled)
