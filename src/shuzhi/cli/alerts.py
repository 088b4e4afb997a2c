"""`shuzhi alert add|list|check|firings|remove`: alert rules from the shell."""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, runtime, t
from shuzhi.cli.insights import _where
from shuzhi.errors import ShuzhiError

alert_app = typer.Typer(help="Alert rules on metrics. 指标告警规则。", no_args_is_help=True)


def _owner(db: Any, username: str) -> Any:
    from shuzhi.auth.users import get_user

    return get_user(db, username)


def _owner_map(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        member, sep, user = pair.rpartition("=")
        if not sep or not member.strip() or not user.strip():
            raise ShuzhiError("owner_map_pair", f"责任人写成 成员=用户名，例如 常州工厂=zhang_qm；收到 {pair}。",
                              f"A person responsible is MEMBER=USER, e.g. 常州工厂=zhang_qm; got {pair}.")
        out[member.strip()] = user.strip()
    return out


@alert_app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="Rule name."),
    metric: str = typer.Option(..., "--metric", help="Metric to watch, e.g. defect_rate."),
    kind: str = typer.Option(..., "--type", help="threshold, change or anomaly."),
    grain: str = typer.Option("month", "--grain", help="day, week, month, quarter or year."),
    by: str = typer.Option(None, "--by", help="One series per member of this dimension."),
    where: str = typer.Option(None, "--where", help="QuerySpec filters as JSON."),
    op: str = typer.Option(None, "--op", help="threshold/change: > >= < <="),
    value: float = typer.Option(None, "--value", help="threshold value; change as a fraction (-0.2 = -20 %)."),
    compare: str = typer.Option(None, "--compare", help="change: previous or last_year."),
    direction: str = typer.Option(None, "--direction", help="anomaly: both, up or down."),
    lookback: int = typer.Option(None, "--lookback", help="Latest complete periods checked (default 1)."),
    cron: str = typer.Option(None, "--cron", help="Check on a cron schedule (Asia/Shanghai), e.g. '0 8 * * *'."),
    every: int = typer.Option(None, "--every", help="Check every N seconds (≥ 60)."),
    owner: str = typer.Option("admin", "--owner", help="The rule runs as this user (row rules apply)."),
    subscriber: list[str] = typer.Option(None, "--subscriber", help="Also deliver to this user (repeatable)."),
    channel: list[str] = typer.Option(None, "--channel", help="Delivery channel (default inbox)."),
    owner_map: list[str] = typer.Option(None, "--owner-map",
                                        help="MEMBER=USER: the person responsible for a member of --by (责任人; repeatable)."),
) -> None:
    """Add an alert rule. 新建告警规则。"""
    from shuzhi.delivery.alert_rules import create_rule, rule_dict

    cond: dict[str, Any] = {"type": kind}
    for k, v in (("op", op), ("value", value), ("compare", compare), ("direction", direction),
                 ("lookback", lookback)):
        if v is not None:
            cond[k] = v
    data: dict[str, Any] = {"name": name, "metric": metric, "grain": grain, "by": by, "where": _where(where) or [],
                            "condition": cond, "subscribers": subscriber or [], "channels": channel or ["inbox"],
                            "owner_map": _owner_map(owner_map or [])}
    if cron or every:
        data["schedule"] = {"cron": cron} if cron else {"interval_s": every}
    rt = runtime()
    with rt.catalog.session() as db:
        idx, _ = rt.model_index(None, db)
        rule = create_rule(db, idx, _owner(db, owner), data, rt.settings.today_date())
        out = rule_dict(db, rule)
    typer.echo(t(f"已创建告警规则 {out['id']}：{out['name']}", f"Created alert rule {out['id']}: {out['name']}"))


@alert_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="json or table.")) -> None:
    """List alert rules. 列出告警规则。"""
    from sqlalchemy import select

    from shuzhi.catalog.alerts import AlertRule
    from shuzhi.delivery.alert_rules import rule_dict

    rt = runtime()
    with rt.catalog.session() as db:
        rules = [rule_dict(db, r) for r in db.scalars(select(AlertRule).order_by(AlertRule.id))]
    if fmt == "json":
        typer.echo(json.dumps(rules, ensure_ascii=False))
        return
    if not rules:
        typer.echo(t("还没有告警规则。", "No alert rules yet."))
    for r in rules:
        s = r["schedule"] or {}
        when = s.get("cron") or (f"{s['interval_s']}s" if s.get("interval_s") else "—")
        state = t("启用", "on") if r["enabled"] else t("停用", "off")
        typer.echo(f"{r['id']}\t{r['name']}\t{r['metric']}/{r['grain']}{' by ' + r['by'] if r['by'] else ''}\t"
                   f"{r['condition']['type']}\t{when}\t{state}\t{r['owner']}\t{r['last_status'] or '—'}"
                   f"\t{r['firing_count']}")


def _print_firing(f: dict[str, Any]) -> None:
    typer.echo(f"[{f['severity']}] #{f['id']} {f['description_en'] if lang() == 'en' else f['description_zh']}")


@alert_app.command("check")
def check(
    rule_id: int = typer.Argument(None, help="The rule to check."),
    all_: bool = typer.Option(False, "--all", help="Check every enabled rule."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
) -> None:
    """Check rules now and record new firings. 立即检查告警规则。"""
    from sqlalchemy import select

    from shuzhi.catalog.alerts import AlertRule
    from shuzhi.service.alerts import JOB_KIND, check_many

    if (rule_id is None) == (not all_):
        raise ShuzhiError("alert_check_target", "请给出一个规则编号，或使用 --all。", "Give one rule id, or --all.")
    rt = runtime()
    with rt.catalog.session() as db:
        if all_:
            ids = list(db.scalars(select(AlertRule.id).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id)))
        else:
            if db.get(AlertRule, rule_id) is None:
                raise ShuzhiError("alert_not_found", f"找不到告警规则 {rule_id}。", f"Alert rule {rule_id} not found.",
                                  404)
            ids = [rule_id]
    out = rt.jobs.run_inline(JOB_KIND, lambda ctx: check_many(rt, ids, ctx, trigger="manual"),
                             title=f"检查告警 / check alerts: {', '.join(map(str, ids)) or '—'}", created_by="cli")
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    for r in out["results"]:
        err = r.get("error")
        msg = (err["en"] if lang() == "en" else err["zh"]) if err else ""
        typer.echo(t(f"规则 {r['rule_id']}：{r['status']}，新告警 {len(r['firings'])} 条，重复 {r['duplicates']} 条 {msg}",
                     f"Rule {r['rule_id']}: {r['status']}, {len(r['firings'])} new, {r['duplicates']} duplicate {msg}"))
        for f in r["firings"]:
            _print_firing(f)
    if out["failed"]:
        raise typer.Exit(1)


@alert_app.command("firings")
def firings(rule_id: int = typer.Argument(..., help="The rule."),
            limit: int = typer.Option(50, "--limit"),
            fmt: str = typer.Option("table", "--format", help="json or table.")) -> None:
    """Show a rule's firings, newest first. 查看告警记录。"""
    from shuzhi.catalog.alerts import AlertRule
    from shuzhi.delivery.alert_rules import firing_dict, list_firings, not_found

    rt = runtime()
    with rt.catalog.session() as db:
        rule = db.get(AlertRule, rule_id)
        if rule is None:
            raise not_found(rule_id)
        rows = [firing_dict(f, rule.name) for f in list_firings(db, rule_id, max(1, min(limit, 500)))]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo(t("没有告警记录。", "No firings."))
    for f in rows:
        _print_firing(f)


@alert_app.command("remove")
def remove(rule_id: int = typer.Argument(..., help="The rule.")) -> None:
    """Delete a rule, its schedule and its firings. 删除告警规则。"""
    from shuzhi.catalog.alerts import AlertRule
    from shuzhi.delivery.alert_rules import delete_rule, not_found

    rt = runtime()
    with rt.catalog.session() as db:
        rule = db.get(AlertRule, rule_id)
        if rule is None:
            raise not_found(rule_id)
        delete_rule(db, rule)
    typer.echo(t(f"已删除告警规则 {rule_id}。", f"Deleted alert rule {rule_id}."))
