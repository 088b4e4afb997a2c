"""Alert wiring: the schedule kind "alert", checks after data refreshes, checks on demand.

Invariants
- A rule's check reads its series through the executor, once per audience and as that audience's
  user (the owner's and each group of subscribers with other row/column rules;
  delivery.alert_checks): answers are cached and direct-mode models are read live.
- After "data_refreshed", enabled rules whose metric, split or filters read one of the changed
  tables are checked in ONE background job (trigger "refresh"); other rules are left alone.
- install() is called once per process (service.wiring.wire).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from shuzhi.catalog.alerts import AlertRule
from shuzhi.delivery.alert_checks import check_rule, rule_tables
from shuzhi.delivery.alert_rules import SCHEDULE_KIND
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.service.executor import Executor
from shuzhi.service.insights import source_of
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext

log = get_logger(__name__)
JOB_KIND = "alert"


def check_now(rt: Runtime, rule_id: int, *, trigger: str = "manual") -> dict[str, Any]:
    """Check one rule in this thread; returns check_rule's summary."""
    idx, version = rt.model_index()

    def source_for(user: UserContext):  # type: ignore[no-untyped-def]
        return source_of(Executor(rt, user, idx, version, "alert"))

    return check_rule(rt.catalog, rule_id, idx, source_for, trigger=trigger, target=rt)


def check_many(rt: Runtime, rule_ids: list[int], ctx: JobContext | None, *, trigger: str) -> dict[str, Any]:
    results = []
    for i, rid in enumerate(rule_ids):
        if ctx is not None:
            ctx.check_cancelled()
            ctx.progress(i / max(1, len(rule_ids)), f"rule {rid}")
        # Per-recipient answers stay out of the job's stored result (they hold other audiences' values), and
        # so do the values looked at (up to delivery.alerts.MAX_OBSERVED rows each; 立即检查 shows them).
        results.append({k: v for k, v in check_now(rt, rid, trigger=trigger).items()
                        if k not in ("by_user", "observed")})
    if ctx is not None:
        ctx.progress(1.0)
    return {"checked": len(results), "fired": sum(len(r["firings"]) for r in results),
            "failed": [r["rule_id"] for r in results if r["status"] == "failed"], "results": results}


def _scheduled(rt: Runtime, target: str, ctx: JobContext) -> dict[str, Any]:
    try:
        rule_id = int(target)
    except ValueError:
        raise ShuzhiError("alert_target_invalid", f"计划目标 {target} 不是规则编号。",
                          f"Schedule target {target} is not a rule id.") from None
    with rt.catalog.session() as db:
        rule = db.get(AlertRule, rule_id)
        enabled = rule is not None and rule.enabled
    if not enabled:
        return {"rule_id": rule_id, "status": "skipped"}
    return check_many(rt, [rule_id], ctx, trigger="schedule")


def affected_rules(rt: Runtime, tables: list[str]) -> list[int]:
    changed = {t.split(".")[-1].lower() for t in tables if isinstance(t, str)}
    if not changed:
        return []
    with rt.catalog.session() as db:
        rules = [(r.id, r.metric, r.by, list(r.where or [])) for r in
                 db.scalars(select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id))]
    if not rules:
        return []
    idx, _ = rt.model_index()
    out = []
    for rid, metric, by, where in rules:
        try:
            if rule_tables(idx, metric, by, where) & changed:
                out.append(rid)
        except ShuzhiError:  # the metric left the model: the scheduled check reports it
            continue
    return out


def on_data_refreshed(rt: Runtime, payload: dict[str, Any]) -> int | None:
    """Check the rules that read changed tables, in one job; its id, or None when none is affected."""
    try:
        ids = affected_rules(rt, payload.get("tables") or [])
    except ShuzhiError as err:  # no model installed yet, for example
        log.debug("alerts_after_refresh_skipped", code=err.code)
        return None
    if not ids:
        return None
    return rt.jobs.submit(JOB_KIND, lambda ctx: check_many(rt, ids, ctx, trigger="refresh"),
                          title=f"检查告警 / check alerts: {', '.join(map(str, ids))}", created_by="system")


def firing_chart(rt: Runtime, firing: dict[str, Any]) -> bytes | None:
    """The PNG of the series around a firing, drawn by headless Chromium from the web app's /why page
    (print mode) as the rule's owner: the values a group channel carries are the owner's."""
    from shuzhi.delivery.alert_links import explain_path
    from shuzhi.delivery.render import PageAccess, render_page
    from shuzhi.service.renders import render_session
    from shuzhi.service.subscriptions import pages

    path = explain_path(firing, chart_only=True)
    if path is None:
        return None
    with rt.catalog.session() as db:
        rule = db.get(AlertRule, int(firing["rule_id"]))
        if rule is None:
            return None
        owner_id, condition = rule.owner_id, dict(rule.condition or {})
    path = explain_path(firing, condition, chart_only=True) or path
    timeout = rt.settings.render_timeout_s
    with pages(rt) as base, render_session(rt, owner_id, timeout + 60) as cookies:
        return render_page(PageAccess(base, cookies), path, "png", 760, chromium=rt.settings.chromium_path,
                           timeout_s=timeout, ready='[data-testid="why-page"][data-render-ready="1"]',
                           element="why-series")


def install(rt: Runtime) -> None:
    """Register the schedule kind "alert", check affected rules after data_refreshed, and draw the
    chart a firing carries to group channels (delivery.channel_alerts.CHART_IMAGE).
    Called once per process by service.wiring.wire()."""
    from shuzhi.delivery import channel_alerts

    channel_alerts.CHART_IMAGE[:] = [lambda target, firing: firing_chart(rt, firing)]
    rt.events.subscribe("data_refreshed", lambda payload: on_data_refreshed(rt, payload))
    rt.register_schedule_kind(SCHEDULE_KIND, _scheduled)
