"""`shuzhi subscription add|list|run|delete`: dashboard subscriptions (定时推送) from the shell."""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, runtime, t

subscription_app = typer.Typer(
    help="Dashboard subscriptions: scheduled pushes to channels and users. 仪表板订阅（定时推送）。",
    no_args_is_help=True,
)


def _schedule_text(s: dict[str, Any] | None) -> str:
    if not s:
        return t("仅手动", "on demand")
    return s.get("cron") or f"{s.get('interval_s')}s"


@subscription_app.command("add")
def add(
    dashboard: str = typer.Option(..., "--dashboard", help="The dashboard (name or id)."),
    channel: list[str] = typer.Option(
        None, "--channel", help="A channel to push to (repeatable; see shuzhi channel list)."
    ),
    user: list[str] = typer.Option(
        None, "--user", help="An in-app recipient (repeatable); must be able to see the dashboard."
    ),
    fmt: str = typer.Option("png", "--format", help="png, pdf, xlsx or link."),
    cron: str = typer.Option(None, "--cron", help="Five-field cron in Asia/Shanghai, e.g. '0 8 * * 1'."),
    schedule: str = typer.Option(
        None, "--schedule", help="Or a phrase: 每天 8:00, 每周一 8:00, 每月 1 日 8:00, daily 8:00 …"
    ),
    timezone: str = typer.Option("Asia/Shanghai", "--timezone", help="Time zone of the schedule."),
    flt: list[str] = typer.Option(None, "--filter", help="FIELD=VALUE fixed filter value (repeatable)."),
    component: str = typer.Option(
        None, "--component", help="Only this chart or KPI of the dashboard (its id)."
    ),
    note: str = typer.Option(None, "--note", help="A line added to every message."),
    owner: str = typer.Option(
        "admin", "--owner", "--as", help="The subscription runs as this user (row rules apply)."
    ),
) -> None:
    """Add a subscription; prints its id last. 新建订阅（最后一行输出编号）。"""
    from shuzhi.errors import ShuzhiError
    from shuzhi.service.subscriptions import create

    if cron and schedule:
        raise ShuzhiError(
            "schedule_twice", "--cron 与 --schedule 只能给一个。", "Give --cron or --schedule, not both."
        )
    when = cron or schedule
    data: dict[str, Any] = {
        "dashboard": dashboard,
        "format": fmt,
        "channels": channel or [],
        "users": user or [],
        "filters": list(flt or []),
        "component": component,
        "note": note,
        "schedule": {"cron": when, "timezone": timezone} if when else None,
    }
    out = create(runtime(), owner, data)
    typer.echo(
        t(
            f"已创建订阅：{out['dashboard_title']}（{out['format']}），{_schedule_text(out['schedule'])}，"
            f"渠道 {', '.join(out['channels']) or '—'}，站内 {', '.join(out['users']) or '—'}",
            f"Created a subscription: {out['dashboard_title_en'] or out['dashboard_title']} ({out['format']}), "
            f"{_schedule_text(out['schedule'])}, channels {', '.join(out['channels']) or '-'}, "
            f"users {', '.join(out['users']) or '-'}",
        )
    )
    typer.echo(str(out["id"]))


@subscription_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="json or table.")) -> None:
    """List subscriptions. 列出订阅。"""
    from shuzhi.delivery.subscriptions import list_subscriptions, subscription_dict

    rt = runtime()
    with rt.catalog.session() as db:
        subs = [subscription_dict(db, s) for s in list_subscriptions(db)]
    if fmt == "json":
        typer.echo(json.dumps(subs, ensure_ascii=False))
        return
    if not subs:
        typer.echo(t("还没有订阅。", "No subscriptions yet."))
    for s in subs:
        target = s["dashboard"] + (f"#{s['component']}" if s["component"] else "")
        to = ", ".join([*s["channels"], *(f"@{u}" for u in s["users"])])
        state = t("启用", "on") if s["enabled"] else t("停用", "off")
        typer.echo(
            f"{s['id']}\t{target}\t{s['format']}\t{_schedule_text(s['schedule'])}\t{to}\t{state}\t"
            f"{s['owner']}\t{s['last_status'] or '—'}"
        )


@subscription_app.command("run")
def run_(sub_id: int = typer.Argument(..., help="The subscription.")) -> None:
    """Send a subscription now; prints each delivery. 立即发送订阅。"""
    from shuzhi.service import subscriptions

    rt = runtime()
    out = rt.jobs.run_inline(
        subscriptions.JOB_KIND,
        lambda ctx: subscriptions.run(rt, sub_id, trigger="manual"),
        title=f"发送订阅 / send subscription {sub_id}",
        created_by="cli",
    )
    if out.get("error"):
        err = out["error"]
        typer.echo(
            t(f"订阅 {sub_id} 发送失败：{err['zh']}", f"Subscription {sub_id} failed: {err['en']}"), err=True
        )
        raise typer.Exit(1)
    for d in out["deliveries"]:
        kind = t("渠道", "channel") if d["kind"] == "channel" else t("用户", "user")
        if d["status"] == "delivered":
            typer.echo(t(f"{kind} {d['target']}：已送达", f"{kind} {d['target']}: delivered"))
        else:
            why = (d.get("error") or {}).get("en" if lang() == "en" else "zh") or ""
            typer.echo(t(f"{kind} {d['target']}：失败 {why}", f"{kind} {d['target']}: failed {why}"))
    if out["status"] != "delivered":
        raise typer.Exit(1)


@subscription_app.command("delete")
def delete(sub_id: int = typer.Argument(..., help="The subscription.")) -> None:
    """Delete a subscription, its schedule and its run history. 删除订阅。"""
    from shuzhi.delivery.subscriptions import delete_subscription, get_subscription

    rt = runtime()
    with rt.catalog.session() as db:
        delete_subscription(db, get_subscription(db, sub_id))
    typer.echo(t(f"已删除订阅 {sub_id}。", f"Deleted subscription {sub_id}."))
