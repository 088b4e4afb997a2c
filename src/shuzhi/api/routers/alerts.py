"""Alert rules (/api/v1/alerts), their firings, checks on demand, and the inbox (/api/v1/inbox).

Creating, changing, checking and deleting rules needs content:edit (editors and admins). A rule is
evaluated for each recipient under that recipient's row and column rules (delivery.alert_checks): a
subscriber's inbox, firing list and check answer hold only values computed for them. The owner and
subscribers see a rule, admins see all; only the owner or an admin changes or deletes it. Viewers read
the rules they subscribe to and their inbox. A rule you may not see answers 404, like one that does
not exist. Viewers may subscribe only themselves (delivery.alert_rules). A rule's owner_map (责任人) routes a split
member's firings to the user responsible for it; such a user sees the rule like a subscriber.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import DbDep, RuntimeDep, auth_parts, authorize, require
from shuzhi.api.params import IdPath
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.catalog.models import User
from shuzhi.delivery import alert_rules as store
from shuzhi.delivery import channels
from shuzhi.spec.query_spec import FilterNode

router = APIRouter(tags=["alerts"])
ViewerDep = Annotated[Principal, Depends(require("content:view"))]
EditorDep = Annotated[Principal, Depends(require("content:edit"))]
Grain = Literal["day", "week", "month", "quarter", "year"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AlertCondition(_In):
    type: Literal["threshold", "change", "anomaly"]
    op: Literal[">", ">=", "<", "<="] | None = None
    value: float | None = Field(default=None, description="Threshold; for change a fraction (-0.2 = a 20 % drop).")
    compare: Literal["previous", "last_year"] | None = None
    direction: Literal["both", "up", "down"] | None = None
    lookback: int | None = Field(default=None, description="Latest complete periods checked (default 1).")
    severity: Literal["low", "medium", "high"] | None = None


class AlertSchedule(_In):
    cron: str | None = Field(default=None, max_length=128, description="Five fields, e.g. 0 8 * * *.")
    interval_s: int | None = None
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class AlertRuleIn(_In):
    name: str = Field(max_length=128)
    description: str | None = Field(default=None, max_length=2000)
    metric: str = Field(max_length=128)
    grain: Grain = "month"
    by: str | None = Field(default=None, max_length=200)
    where: list[FilterNode] = Field(default=[], max_length=50)
    condition: AlertCondition
    schedule: AlertSchedule | None = None
    channels: list[str] = Field(default=["inbox"], max_length=10)
    subscribers: list[str] = Field(default=[], max_length=100)
    owner_map: dict[str, str] = Field(default={}, max_length=200, description="责任人: a member of the split (by) → "
                                      "the username of the person responsible; that member's firings also go to them.")
    enabled: bool = True


class AlertRulePatch(_In):
    name: str | None = Field(default=None, max_length=128)
    description: str | None = Field(default=None, max_length=2000)
    metric: str | None = Field(default=None, max_length=128)
    grain: Grain | None = None
    by: str | None = Field(default=None, max_length=200)
    where: list[FilterNode] | None = Field(default=None, max_length=50)
    condition: AlertCondition | None = None
    schedule: AlertSchedule | None = None
    channels: list[str] | None = Field(default=None, max_length=10)
    subscribers: list[str] | None = Field(default=None, max_length=100)
    owner_map: dict[str, str] | None = Field(default=None, max_length=200, description="{} clears it.")
    enabled: bool | None = None


class ScheduleOut(BaseModel):
    cron: str | None = None
    interval_s: int | None = None
    timezone: str
    next_run_at: str | None = None
    last_run_at: str | None = None
    last_status: str | None = None


class AlertRuleOut(BaseModel):
    id: int
    name: str
    description: str | None = None
    owner: str | None
    metric: str
    grain: str
    by: str | None = None
    where: list[dict[str, Any]]
    condition: dict[str, Any]
    channels: list[str]
    subscribers: list[str]
    owner_map: dict[str, str] = Field(default={}, description="责任人: split member → username.")
    enabled: bool
    schedule: ScheduleOut | None = None
    created_at: str
    updated_at: str
    last_checked_at: str | None = None
    last_status: str | None = None
    last_error: dict[str, Any] | None = None
    firing_count: int


class FiringOut(BaseModel):
    id: int
    rule_id: int
    rule_name: str | None = None
    series: str | None = None
    period: str
    kind: str
    value: float | None = None
    severity: str
    description_zh: str
    description_en: str
    trigger: str
    fired_at: str
    evidence: dict[str, Any]


class CheckedValue(BaseModel):
    """One (split member, period) a check looked at: its value and whether the condition is met."""
    series: str | None = None
    period: str
    label: str
    value: float | None = None
    met: bool
    new: bool | None = Field(default=None, description="Met: recorded by this check (true) or before (false).")
    change: float | None = Field(default=None, description="change: the growth as a fraction.")
    compare_value: float | None = None
    compare_label: str | None = None
    expected: float | None = Field(default=None, description="anomaly: the expected value (met rows).")
    lower: float | None = None
    upper: float | None = None


class CheckOut(BaseModel):
    rule_id: int
    status: Literal["ok", "fired", "failed", "skipped"]
    firings: list[FiringOut]
    duplicates: int
    error: dict[str, Any] | None = None
    periods_checked: list[str] = []
    series_checked: int | None = None
    observed: list[CheckedValue] = Field(default=[], description="What was looked at, met rows first (capped).")
    observed_total: int | None = None
    metric_label: str | None = None
    metric_label_en: str | None = None
    unit: str | None = None
    format: str | None = None


class InboxItem(BaseModel):
    id: int
    read: bool
    read_at: str | None = None
    received_at: str
    firing: FiringOut


class InboxOut(BaseModel):
    unread: int
    items: list[InboxItem]


class ChannelOut(BaseModel):
    name: str
    label: str
    label_en: str


class SplitOption(BaseModel):
    field: str = Field(description="What goes into the rule's by: a shared dimension's name or dataset.field.")
    label: str
    label_en: str | None = None
    group: str
    group_en: str | None = None


def _payload(body: BaseModel, *, partial: bool) -> dict[str, Any]:
    data = body.model_dump(mode="json", by_alias=True, exclude_unset=partial)
    if "where" in data and data["where"] is not None:
        data["where"] = [w.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[union-attr]
                         for w in body.where]  # type: ignore[attr-defined]
    if data.get("condition") is not None:
        data["condition"] = {k: v for k, v in data["condition"].items() if v is not None}
    if data.get("schedule") is not None:
        data["schedule"] = {k: v for k, v in data["schedule"].items() if v is not None}
    if partial:
        data = {k: v for k, v in data.items() if v is not None or k in ("schedule", "by", "description")}
    return data


@router.get("/alerts", response_model=list[AlertRuleOut], responses=ERRORS, summary="Alert rules / 告警规则")
def list_alerts(p: ViewerDep, db: DbDep) -> list[dict[str, Any]]:
    return [store.rule_dict(db, r) for r in store.list_rules(db, p.user_id, p.role)]


@router.get("/alerts/channels", response_model=list[ChannelOut], responses=ERRORS,
            summary="Delivery channels / 通知渠道")
def list_channels(p: ViewerDep, db: DbDep) -> list[dict[str, str]]:
    """The built-in channels; for those who may write rules (content:edit) also the stored ones
    (DingTalk, WeCom, Feishu, e-mail, webhook: names and labels only)."""
    return channels.describe(db if has_permission(p.role, "content:edit") else None)


@router.get("/alerts/splits", response_model=list[SplitOption], responses=ERRORS,
            summary="Split dimensions for a metric / 可用的拆分维度")
async def list_splits(request: Request, rt: RuntimeDep,
                      metric: Annotated[str, Query(min_length=1, max_length=128)]) -> list[dict[str, Any]]:
    from shuzhi.delivery.alert_options import split_options

    def work(db, p, idx, today):  # type: ignore[no-untyped-def]
        return split_options(idx, p.context(), metric, today)

    return await _with_model(request, rt, work, "content:view")


async def _with_model(request: Request, rt: RuntimeDep, work, permission: str) -> Any:  # type: ignore[no-untyped-def]
    parts = auth_parts(request)

    def call() -> Any:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db, permission)
            idx, _ = rt.model_index(None, db)
            return work(db, p, idx, rt.settings.today_date())

    return await run_in_threadpool(call)


@router.post("/alerts", response_model=AlertRuleOut, status_code=201, responses=ERRORS,
             summary="Create an alert rule / 新建告警规则")
async def create_alert(body: AlertRuleIn, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    def work(db, p, idx, today):  # type: ignore[no-untyped-def]
        owner = db.get(User, p.user_id)
        return store.rule_dict(db, store.create_rule(db, idx, owner, _payload(body, partial=False), today))

    return await _with_model(request, rt, work, "content:edit")


@router.get("/alerts/{rule_id}", response_model=AlertRuleOut, responses=ERRORS, summary="One alert rule / 查看规则")
def get_alert(rule_id: IdPath, p: ViewerDep, db: DbDep) -> dict[str, Any]:
    return store.rule_dict(db, store.get_rule(db, rule_id, p.user_id, p.role))


@router.patch("/alerts/{rule_id}", response_model=AlertRuleOut, responses=ERRORS,
              summary="Change an alert rule / 修改告警规则")
async def update_alert(rule_id: IdPath, body: AlertRulePatch, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    def work(db, p, idx, today):  # type: ignore[no-untyped-def]
        rule = store.get_rule(db, rule_id, p.user_id, p.role, write=True)
        return store.rule_dict(db, store.update_rule(db, idx, rule, _payload(body, partial=True), today,
                                                     actor=db.get(User, p.user_id)))

    return await _with_model(request, rt, work, "content:edit")


@router.delete("/alerts/{rule_id}", status_code=204, responses=ERRORS, summary="Delete an alert rule / 删除规则")
def delete_alert(rule_id: IdPath, p: EditorDep, db: DbDep) -> Response:
    store.delete_rule(db, store.get_rule(db, rule_id, p.user_id, p.role, write=True))
    return Response(status_code=204)


@router.post("/alerts/{rule_id}/check", response_model=CheckOut, responses=ERRORS,
             summary="Check a rule now / 立即检查")
async def check_alert(rule_id: IdPath, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    from shuzhi.service.alerts import check_now

    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db, "content:edit")
            rule = store.get_rule(db, rule_id, p.user_id, p.role)
            owner_view = p.role == "admin" or rule.owner_id == p.user_id
        out = check_now(rt, rule_id, trigger="manual")
        by_user = out.pop("by_user", {})
        if owner_view:
            return out
        # A subscriber gets the answer computed under their own rules, nothing of the owner's.
        mine = by_user.get(p.user_id, {"firings": [], "duplicates": 0, "status": "ok"})
        return {"rule_id": rule_id, "error": mine.get("error") if out["status"] != "failed" else out["error"],
                "status": out["status"] if out["status"] in ("failed", "skipped") else mine.get("status", "ok"),
                "firings": mine.get("firings", []), "duplicates": mine.get("duplicates", 0),
                "periods_checked": mine.get("periods_checked", []), "series_checked": mine.get("series_checked"),
                **{k: mine[k] for k in ("observed", "observed_total", "metric_label", "metric_label_en", "unit",
                                        "format") if k in mine}}

    return await run_in_threadpool(call)


@router.get("/alerts/{rule_id}/firings", response_model=list[FiringOut], responses=ERRORS,
            summary="Firings of a rule / 告警记录")
def alert_firings(rule_id: IdPath, p: ViewerDep, db: DbDep,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    rule = store.get_rule(db, rule_id, p.user_id, p.role)
    recipient = None if p.role == "admin" or rule.owner_id == p.user_id else p.user_id
    return [store.firing_dict(f, rule.name) for f in store.list_firings(db, rule_id, limit, recipient=recipient)]


@router.get("/inbox", response_model=InboxOut, responses=ERRORS, summary="My alert inbox / 我的告警消息")
def get_inbox(p: ViewerDep, db: DbDep, unread: bool = False,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    return {"unread": store.unread_count(db, p.user_id),
            "items": store.inbox(db, p.user_id, unread_only=unread, limit=limit)}


@router.post("/inbox/{item_id}/read", status_code=204, responses=ERRORS, summary="Mark read / 标为已读")
def read_item(item_id: IdPath, p: ViewerDep, db: DbDep) -> Response:
    store.mark_read(db, p.user_id, item_id)
    return Response(status_code=204)


@router.post("/inbox/read-all", status_code=204, responses=ERRORS, summary="Mark all read / 全部已读")
def read_all(p: ViewerDep, db: DbDep) -> Response:
    store.mark_read(db, p.user_id, None)
    return Response(status_code=204)
