"""Dashboard subscriptions (/api/v1/subscriptions): list, create, read with recent runs, pause, delete,
send now; and what the caller received in-app (/api/v1/subscriptions/received).

Creating, changing, sending and deleting need content:edit (editors and admins) and, for an existing
subscription, being its owner or an admin. A subscription runs as its owner (row rules apply); the
owner must see the dashboard, and every in-app recipient too (refused at creation with the reason).
Reading: the owner, its in-app recipients and admins; one you may not see answers 404.
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
from shuzhi.delivery import subscriptions as store
from shuzhi.service import subscriptions as service

router = APIRouter(tags=["subscriptions"])
ViewerDep = Annotated[Principal, Depends(require("content:view"))]
EditorDep = Annotated[Principal, Depends(require("content:edit"))]


def _pages(rt):  # type: ignore[no-untyped-def]
    from shuzhi.api.inprocess import serve_in_process

    return serve_in_process(rt)


# Drawing PNG / PDF opens the web app served inside this process (this runtime's app on an ephemeral port).
service.set_page_server(_pages)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubscriptionSchedule(_In):
    cron: str | None = Field(
        default=None,
        max_length=128,
        description="Five fields, e.g. 0 8 * * 1, or a phrase "
        "such as 每天 8:00 / 每周一 8:00 / 每月 1 日 8:00 / daily 8:00.",
    )
    interval_s: int | None = None
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class SubscriptionIn(_In):
    dashboard: str = Field(max_length=64, description="The dashboard's name (or id).")
    component: str | None = Field(default=None, max_length=64, description="Only this chart or KPI.")
    filters: dict[str, Any] = Field(
        default={},
        description="Fixed filter values: filter id (or field) → value, as the dashboard page sends them.",
    )
    format: Literal["png", "pdf", "xlsx", "link"] = "png"
    channels: list[str] = Field(default=[], max_length=10)
    users: list[str] = Field(default=[], max_length=100, description="In-app recipients (usernames).")
    schedule: SubscriptionSchedule | None = Field(default=None, description="None: sent on demand only.")
    note: str | None = Field(default=None, max_length=2000)
    enabled: bool = True


class SubscriptionPatch(_In):
    enabled: bool


class ScheduleInfo(BaseModel):
    cron: str | None = None
    interval_s: int | None = None
    timezone: str
    next_run_at: str | None = None
    last_run_at: str | None = None


class Delivery(BaseModel):
    target: str = Field(description="The channel's name or the user's username.")
    kind: Literal["channel", "user"]
    status: str = Field(description="delivered | failed")
    error: dict[str, Any] | None = Field(default=None, description="{zh, en, provider, part} when failed.")
    attempts: int | None = None


class SubscriptionRunOut(BaseModel):
    id: int
    trigger: str
    status: str = Field(description="running | delivered | partial | failed")
    started_at: str | None = None
    finished_at: str | None = None
    deliveries: list[Delivery]
    error: dict[str, Any] | None = None
    title: str | None = None
    link: str | None = None


class SubscriptionOut(BaseModel):
    id: int
    owner: str | None
    dashboard: str | None
    dashboard_title: str | None = None
    dashboard_title_en: str | None = None
    component: str | None = None
    filters: dict[str, Any]
    format: str
    channels: list[str]
    users: list[str]
    note: str | None = None
    enabled: bool
    schedule: ScheduleInfo | None = None
    created_at: str
    updated_at: str
    last_run_at: str | None = None
    last_status: str | None = None
    last_error: dict[str, Any] | None = None
    run_count: int
    runs: list[SubscriptionRunOut] | None = None


class ReceivedNumber(BaseModel):
    label: str
    value: str


class ReceivedItem(BaseModel):
    id: int
    read: bool
    received_at: str | None = None
    subscription_id: int
    dashboard: str
    title: str
    text: str
    numbers: list[ReceivedNumber]
    link: str
    format: str


@router.get(
    "/subscriptions",
    response_model=list[SubscriptionOut],
    responses=ERRORS,
    summary="Subscriptions (own and received; admins all) / 订阅",
)
def list_subscriptions(
    p: ViewerDep, db: DbDep, dashboard: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict[str, Any]]:
    return [
        store.subscription_dict(db, s)
        for s in store.list_subscriptions(db, p.user_id, p.role, dashboard=dashboard)
    ]


@router.post(
    "/subscriptions",
    response_model=SubscriptionOut,
    status_code=201,
    responses=ERRORS,
    summary="Create a subscription / 新建订阅",
)
async def create_subscription(body: SubscriptionIn, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    parts = auth_parts(request)
    data = body.model_dump(mode="json")
    if data.get("schedule") is not None:
        data["schedule"] = {k: v for k, v in data["schedule"].items() if v is not None}

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            username = authorize(rt, parts, db, "content:edit").username
        return service.create(rt, username, data)

    return await run_in_threadpool(call)


@router.get(
    "/subscriptions/received",
    response_model=list[ReceivedItem],
    responses=ERRORS,
    summary="Subscription messages I received in-app / 我收到的订阅推送",
)
def received(
    p: ViewerDep, db: DbDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    return store.received(db, p.user_id, limit=limit)


@router.post(
    "/subscriptions/received/{item_id}/read",
    status_code=204,
    responses=ERRORS,
    summary="Mark a received subscription message read / 标为已读",
)
def read_received(item_id: IdPath, p: ViewerDep, db: DbDep) -> Response:
    store.mark_received_read(db, p.user_id, item_id)
    return Response(status_code=204)


@router.get(
    "/subscriptions/{sub_id}",
    response_model=SubscriptionOut,
    responses=ERRORS,
    summary="One subscription with its recent runs / 查看订阅",
)
def get_subscription(sub_id: IdPath, p: ViewerDep, db: DbDep) -> dict[str, Any]:
    return store.subscription_dict(db, store.get_subscription(db, sub_id, p.user_id, p.role), runs=20)


@router.patch(
    "/subscriptions/{sub_id}",
    response_model=SubscriptionOut,
    responses=ERRORS,
    summary="Pause or resume a subscription / 暂停或恢复订阅",
)
def patch_subscription(sub_id: IdPath, body: SubscriptionPatch, p: EditorDep, db: DbDep) -> dict[str, Any]:
    sub = store.get_subscription(db, sub_id, p.user_id, p.role, write=True)
    return store.subscription_dict(db, store.set_enabled(db, sub, body.enabled))


@router.delete(
    "/subscriptions/{sub_id}", status_code=204, responses=ERRORS, summary="Delete a subscription / 删除订阅"
)
def delete_subscription(sub_id: IdPath, p: EditorDep, db: DbDep) -> Response:
    store.delete_subscription(db, store.get_subscription(db, sub_id, p.user_id, p.role, write=True))
    return Response(status_code=204)


@router.post(
    "/subscriptions/{sub_id}/run",
    response_model=SubscriptionRunOut,
    responses=ERRORS,
    summary="Send a subscription now / 立即发送",
)
async def run_subscription(sub_id: IdPath, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db, "content:edit")
            store.get_subscription(db, sub_id, p.user_id, p.role, write=True)
        return rt.jobs.run_inline(
            service.JOB_KIND,
            lambda ctx: service.run(rt, sub_id, trigger="manual"),
            title=f"发送订阅 / send subscription {sub_id}",
            created_by=p.username,
        )

    return await run_in_threadpool(call)
