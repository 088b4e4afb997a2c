"""Checking a rule: evaluate it for each audience, record new firings once, hand them to the channels.

Invariants
- Every recipient receives values computed under THEIR OWN row and column rules. The active
  recipients (the owner and the subscribers) are grouped by rule signature
  (compile.row_scope.scope_signature: the same rendered row rules and column rules); the rule is
  evaluated once per group, as that group's first member. The owner's group is audience "";
  another group's audience is its signature. An inactive owner's rules do not run.
- A group whose evaluation fails (its column rules deny the metric, say) receives nothing; the
  rule's status is the owner's evaluation.
- A firing is recorded once per (rule, audience, series, period, kind): a candidate already
  recorded is counted as a duplicate; two concurrent checks race on the unique index and one wins.
- Each new firing is sent on every channel of the rule to the members of its audience only, and
  one receipt per recipient and channel records what happened. Stored channels (robots, e-mail:
  delivery.channel_alerts) get the owner audience's firings only, sent after the transaction that
  recorded them commits (their receipts are "pending" until then), so no provider is talked to while
  the catalog's write lock is held.
- A check that fails (unknown metric after a model change, query error) leaves the rule with
  last_status "failed" and the bilingual error; it never raises out of check_rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlglot
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlglot import exp

from shuzhi.ai.insights.series import Source
from shuzhi.catalog import Catalog, org
from shuzhi.catalog.alerts import AlertFiring, AlertRule, FiringReceipt
from shuzhi.catalog.models import User, utcnow
from shuzhi.compile.row_scope import scope_signature
from shuzhi.delivery import channels
from shuzhi.delivery.alert_rules import firing_dict
from shuzhi.delivery.alerts import evaluate
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.model.index import ModelIndex
from shuzhi.model.lineage import metric_lineage
from shuzhi.spec.resolve import UserContext

log = get_logger(__name__)


def rule_tables(idx: ModelIndex, metric: str, by: str | None, where: list[dict[str, Any]]) -> set[str]:
    """Warehouse tables a rule reads: its metric's lineage plus the datasets of its split and filters
    (tables inside SQL datasets included). Lower-case, without schema."""
    datasets = set(metric_lineage(idx, metric)["datasets"])
    refs = [by] if by else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("field"), str):
                refs.append(node["field"])
            for k in ("and", "or", "not"):
                v = node.get(k)
                for child in v if isinstance(v, list) else [v] if v else []:
                    walk(child)

    for w in where or []:
        walk(w)
    for r in refs:
        try:
            datasets.add(idx.resolve_field(r)[0])
        except ShuzhiError:
            continue
    tables = set()
    for name in datasets:
        ds = idx.datasets.get(name)
        if ds is None:
            continue
        if ds.table:
            tables.add(ds.table.split(".")[-1].lower())
        elif ds.sql:
            try:
                tables |= {t.name.lower() for t in sqlglot.parse_one(ds.sql, read="duckdb").find_all(exp.Table)}
            except sqlglot.errors.ParseError:
                continue
    return tables


def _audiences(db: Any, rule: AlertRule, idx: ModelIndex) -> list[tuple[str, UserContext, list[channels.Recipient]]]:
    """[(audience, the context to evaluate as, its active recipients)], the owner's audience ("") first."""
    ids = list(dict.fromkeys([rule.owner_id, *(rule.subscribers or []), *(rule.owner_map or {}).values()]))
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids), User.is_active.is_(True)))}
    groups: dict[str, tuple[UserContext, list[channels.Recipient]]] = {}
    owner_sig = None
    for i in ids:
        u = users.get(i)
        if u is None:
            continue
        ctx = UserContext(u.username, u.role, org.effective_attributes(u))
        sig = scope_signature(idx, ctx)
        if i == rule.owner_id:
            owner_sig = sig
        groups.setdefault(sig, (ctx, []))[1].append(channels.Recipient(u.id, u.username, u.display_name))
    out = []
    for sig, (ctx, recipients) in groups.items():
        out.append(("" if sig == owner_sig else sig, ctx, recipients))
    out.sort(key=lambda a: a[0] != "")
    return out


def _routed(db: Any, rule: AlertRule, firing: AlertFiring, recipients: list[channels.Recipient]
            ) -> tuple[list[channels.Recipient], list[dict[str, Any]]]:
    """责任人: (the recipients of this firing, the people responsible for its member). A user who is on the
    rule only through the owner map receives only the firings of the members mapped to them."""
    mapping = rule.owner_map or {}
    if not mapping:
        return recipients, []
    members: dict[int, set[str]] = {}
    for member, uid in mapping.items():
        members.setdefault(uid, set()).add(member)
    listed = {rule.owner_id, *(rule.subscribers or [])}
    mine = [r for r in recipients if r.user_id in listed or firing.series_key in members.get(r.user_id, set())]
    uid = mapping.get(firing.series_key)
    u = db.get(User, uid) if uid is not None else None
    responsible = [{"username": u.username, "display_name": u.display_name}] if u is not None and u.is_active else []
    return mine, responsible


def _dispatch(db: Any, rule: AlertRule, firing: AlertFiring, recipients: list[channels.Recipient], audience: str,
              pending: list[tuple[Any, channels.Delivery, list[int]]]) -> None:
    """Send on the rule's registered channels now; stored (group) channels get the owner audience's
    firings after the transaction commits: their receipts are written "pending" and `pending` collects
    (channel, delivery, receipt ids) for _deliver_pending."""
    recipients, responsible = _routed(db, rule, firing, recipients)
    delivery = channels.Delivery({**firing_dict(firing, rule.name), "responsible": responsible}, rule.name,
                                 tuple(recipients))
    for name in rule.channels or ["inbox"]:
        try:
            channel = channels.get(name, db)
        except Exception as exc:  # noqa: BLE001 - a channel deleted since the rule was saved must not lose the firing
            channel, error = None, exc
        if channel is not None and getattr(channel, "deferred", False):
            if audience != "":
                continue  # a group destination carries the owner's values only (delivery.channel_alerts)
            receipts = [FiringReceipt(firing_id=firing.id, user_id=r.user_id, channel=name, status="pending")
                        for r in recipients]
            db.add_all(receipts)
            db.flush()
            pending.append((channel, delivery, [r.id for r in receipts]))
            continue
        try:
            if channel is None:
                raise error
            result = channel.send(delivery)
        except Exception as exc:  # noqa: BLE001 - a broken channel must not lose the firing
            log.exception("alert_channel_failed", channel=name, firing=firing.id)
            result = channels.SendResult({r.user_id: "failed" for r in recipients},
                                         {r.user_id: {"zh": f"渠道 {name} 出错（{type(exc).__name__}）。",
                                                      "en": f"Channel {name} failed ({type(exc).__name__})."}
                                          for r in recipients})
        for r in recipients:
            db.add(FiringReceipt(firing_id=firing.id, user_id=r.user_id, channel=name,
                                 status=result.status.get(r.user_id, "failed"), detail=result.detail.get(r.user_id)))
    db.flush()


def _deliver_pending(catalog: Catalog, target: Any, pending: list[tuple[Any, channels.Delivery, list[int]]]) -> None:
    """Send the stored channels' firings (no transaction open meanwhile) and finish their receipts."""
    for channel, delivery, receipt_ids in pending:
        try:
            result = channel.deliver(target, delivery)
        except Exception as exc:  # noqa: BLE001 - the receipts must not stay pending
            log.exception("alert_channel_failed", channel=channel.name, firing=delivery.firing.get("id"))
            result = channels.SendResult({}, {r.user_id: {"zh": f"渠道 {channel.name} 出错（{type(exc).__name__}）。",
                                                          "en": f"Channel {channel.name} failed "
                                                                f"({type(exc).__name__})."}
                                              for r in delivery.recipients})
        with catalog.session() as db:
            for rid in receipt_ids:
                receipt = db.get(FiringReceipt, rid)
                if receipt is not None:
                    receipt.status = result.status.get(receipt.user_id, "failed")
                    receipt.detail = result.detail.get(receipt.user_id)


def check_rule(catalog: Catalog, rule_id: int, idx: ModelIndex, source_for: Callable[[UserContext], Source], *,
               trigger: str = "manual", target: Any = None) -> dict[str, Any]:
    """Evaluate one rule now, for each audience, and record what is new. `source_for(user)` is the
    Source that reads series as `user` (the application layer's executor, bound to idx's model); `target`
    (the Runtime; default the catalog) is what stored channels send with (delivery.channel_send). Returns {"rule_id", "status"
    ok|fired|failed|skipped, "firings" (the owner audience's new ones), "duplicates",
    "periods_checked", "series_checked", "observed" (delivery.alerts.evaluate's rows, met ones marked new or
    not), "error", "by_user": {user id: that recipient's summary}}."""
    with catalog.session() as db:
        rule = db.get(AlertRule, rule_id)
        if rule is None:
            return {"rule_id": rule_id, "status": "skipped", "firings": [], "duplicates": 0, "by_user": {},
                    "error": {"code": "alert_not_found", "zh": "规则已删除。", "en": "The rule was deleted."}}
        owner = db.get(User, rule.owner_id)
        spec = dict(metric=rule.metric, grain=rule.grain, by=rule.by, where=list(rule.where or []),
                    condition=dict(rule.condition))
        active = owner is not None and owner.is_active
        audiences = _audiences(db, rule, idx) if active else []
    out: dict[str, Any] = {"rule_id": rule_id, "firings": [], "duplicates": 0, "error": None, "by_user": {}}
    results: dict[str, dict[str, Any] | None] = {}
    errors: dict[str, dict[str, str]] = {}
    pending: list[tuple[Any, channels.Delivery, list[int]]] = []
    if not active or not audiences or audiences[0][0] != "":
        out["error"] = {"code": "alert_owner_inactive", "zh": "规则所有者已停用，规则不再运行。",
                        "en": "The rule's owner is deactivated; the rule does not run."}
        audiences = []
    for audience, ctx, _ in audiences:
        try:
            results[audience] = evaluate(source_for(ctx), spec["metric"], spec["grain"],
                                         spec["condition"], by=spec["by"], where=spec["where"])
        except ShuzhiError as err:
            results[audience] = None
            errors[audience] = {"code": err.code, "zh": err.zh, "en": err.en}
            if audience == "":
                out["error"] = errors[audience]
    with catalog.session() as db:
        rule = db.get(AlertRule, rule_id)
        if rule is None:
            return {**out, "status": "skipped"}
        rule.last_checked_at = utcnow()
        if results.get("") is None:
            rule.last_status, rule.last_error = "failed", out["error"]
            return {**out, "status": "failed"}
        for audience, _, recipients in audiences:
            result = results.get(audience)
            mine: dict[str, Any] = {"firings": [], "duplicates": 0, "error": errors.get(audience)}
            for c in (result or {}).get("candidates", []):
                firing = AlertFiring(rule_id=rule_id, audience=audience, series_key=c["series"] or "",
                                     period=c["period"], kind=c["kind"], value=c["value"], severity=c["severity"],
                                     evidence=c["evidence"], description_zh=c["description_zh"],
                                     description_en=c["description_en"], trigger=trigger)
                exists = db.scalar(select(AlertFiring.id).where(
                    AlertFiring.rule_id == rule_id, AlertFiring.audience == audience,
                    AlertFiring.series_key == firing.series_key, AlertFiring.period == firing.period,
                    AlertFiring.kind == firing.kind))
                if exists is not None:
                    mine["duplicates"] += 1
                    continue
                try:
                    with db.begin_nested():
                        db.add(firing)
                        db.flush()
                except IntegrityError:  # a concurrent check recorded it first
                    mine["duplicates"] += 1
                    continue
                _dispatch(db, rule, firing, recipients, audience, pending)
                mine["firings"].append(firing_dict(firing, rule.name))
            if result is not None:
                mine.update(status="fired" if mine["firings"] else "ok", periods_checked=result["periods_checked"],
                            series_checked=result["series_checked"], notes=result["notes"],
                            **_found(result, mine["firings"]))
            else:
                mine["status"] = "failed"
            for r in recipients:
                out["by_user"][r.user_id] = mine
            if audience == "":
                out["firings"], out["duplicates"] = mine["firings"], mine["duplicates"]
        owner_result = results[""]
        assert owner_result is not None
        rule.last_status = "fired" if out["firings"] else "ok"
        rule.last_error = None
    _deliver_pending(catalog, target or catalog, pending)
    return {**out, "status": "fired" if out["firings"] else "ok",
            "periods_checked": owner_result["periods_checked"], "series_checked": owner_result["series_checked"],
            "notes": owner_result["notes"], **_found(owner_result, out["firings"])}


def _found(result: dict[str, Any], firings: list[dict[str, Any]]) -> dict[str, Any]:
    """What the evaluation looked at, each met row marked new (recorded now) or not (recorded before)."""
    new = {(f["series"], f["period"]) for f in firings}
    rows = [{**r, "new": (r["series"], r["period"]) in new} if r["met"] else dict(r) for r in result["observed"]]
    return {"observed": rows, "observed_total": result["observed_total"],
            "metric_label": result["label"], "metric_label_en": result["label_en"],
            "unit": result["unit"], "format": result["format"]}
