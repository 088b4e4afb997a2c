"""Share links (分享): create, list and revoke them (signed in), and the public page's calls (no account).

Managing: `POST /shares`, `GET /shares?dashboard=`, `DELETE /shares/{id}` need content:edit and the
right to change the dashboard (its owner or an admin); `as_user` (sharing someone else's view of the
data) only for admins. Sessions send the CSRF header as everywhere.

Public (`/public/share/...`): the link's secret travels in the `X-Share-Token` header (the link keeps
it in the URL fragment, so it is in no log), and a password link's grant from `/public/share/unlock` in
`X-Share-Grant`. Cookies are ignored here, so a cross-site page cannot use a visitor's session, and the
routes write nothing but the view count and throttle records. See delivery/shares.py for the rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import DbDep, LangDep, RuntimeDep, client_ip, require
from shuzhi.api.responses import DashboardData
from shuzhi.api.routers import public_views as pv
from shuzhi.api.routers.auth import ERRORS
from shuzhi.api.routers.dashboards import FieldValues, HierarchyValues
from shuzhi.api.schemas import ErrorResponse
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import forbidden
from shuzhi.auth.users import get_user
from shuzhi.catalog import dashboards as store
from shuzhi.catalog import org
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.delivery import shares
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DataRequest

router = APIRouter(tags=["shares"])
EditorDep = Annotated[Principal, Depends(require("content:edit"))]
PUBLIC_ERRORS = {
    401: {"model": ErrorResponse},
    404: {"model": ErrorResponse},
    410: {"model": ErrorResponse},
    429: {"model": ErrorResponse},
}
TokenHeader = Annotated[str | None, Header(alias="X-Share-Token", description="The link's secret (after #).")]
GrantHeader = Annotated[str | None, Header(alias="X-Share-Grant", description="From /public/share/unlock.")]


class ShareCreate(BaseModel):
    dashboard: str = Field(max_length=64, description="Dashboard id or name.")
    days: int | None = Field(
        default=None,
        ge=0,
        description="Lifetime in days; 0 never expires; default SHUZHI_SHARE_DEFAULT_DAYS (7).",
    )
    password: str | None = Field(default=None, max_length=128)
    as_user: str | None = Field(
        default=None, max_length=64, description="Admins only: share as this user's view."
    )


class ShareOut(BaseModel):
    id: int
    prefix: str
    dashboard: str
    dashboard_title: str
    as_user: str
    created_by: str | None
    created_at: str
    expires_at: str | None
    password: bool
    views: int
    last_viewed_at: str | None
    revoked: bool
    status: str = Field(description="active | expired | revoked")


class ShareCreated(BaseModel):
    share: ShareOut
    link: str = Field(description="The link (shown once; only its hash is stored).")


class PublicShare(BaseModel):
    needs_password: bool
    expires_at: str | None
    dashboard: pv.PublicDashboard | None = Field(
        default=None, description="Absent until the password is given."
    )


class UnlockRequest(BaseModel):
    password: str = Field(max_length=256)


class ShareGrant(BaseModel):
    grant: str
    expires_at: str


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def share_out(r: shares.LinkRow) -> ShareOut:
    return ShareOut(
        id=r.id,
        prefix=r.prefix,
        dashboard=r.dashboard,
        dashboard_title=r.dashboard_title,
        as_user=r.as_user,
        created_by=r.created_by,
        created_at=r.created_at.isoformat(),
        expires_at=_iso(r.expires_at),
        password=r.password,
        views=r.views,
        last_viewed_at=_iso(r.last_viewed_at),
        revoked=r.revoked,
        status=r.status,
    )


def _editable(db: Any, key: str | int, user: Principal) -> DashboardRecord:
    who = store.Viewer(user.user_id, user.username, user.role, user.groups)
    rec = store.get_record(db, key, who)
    store.require_edit(rec, who)
    return rec


# -- managing ------------------------------------------------------------------------------------------
@router.post(
    "/shares",
    status_code=201,
    response_model=ShareCreated,
    responses=ERRORS,
    summary="Create a share link / 创建分享链接",
)
def create_share(body: ShareCreate, user: EditorDep, db: DbDep, rt: RuntimeDep) -> ShareCreated:
    rec = _editable(db, body.dashboard, user)
    if body.as_user and body.as_user.strip().lower() != user.username and user.role != "admin":
        raise forbidden("users:manage")
    as_user = get_user(db, body.as_user or user.username)
    days = shares.check_days(
        body.days, default=rt.settings.share_default_days, max_days=rt.settings.share_max_days
    )
    raw, link = shares.create_link(
        db, rec, as_user, days=days, password=shares.check_password(body.password), actor=user.username
    )
    return ShareCreated(
        share=share_out(shares.row_of(db, link)), link=shares.link_url(rt.settings.links_base, raw)
    )


@router.get(
    "/shares",
    response_model=list[ShareOut],
    responses=ERRORS,
    summary="Share links of a dashboard (or all you may manage) / 分享链接列表",
)
def list_shares(
    user: EditorDep, db: DbDep, dashboard: str | None = Query(None, max_length=64)
) -> list[ShareOut]:
    if dashboard is not None:
        return [share_out(r) for r in shares.list_links(db, _editable(db, dashboard, user).id)]
    who = store.Viewer(user.user_id, user.username, user.role, user.groups)
    mine = {r.name for r in store.list_records(db, who) if store.can_edit(r, who)}
    return [share_out(r) for r in shares.list_links(db) if r.dashboard in mine]


@router.delete(
    "/shares/{share_id}", response_model=ShareOut, responses=ERRORS, summary="Revoke a share link / 撤销"
)
def revoke_share(share_id: int, user: EditorDep, db: DbDep) -> ShareOut:
    link = shares.find_link(db, str(share_id))
    _editable(db, link.dashboard_id, user)
    shares.revoke_link(db, link, actor=user.username)
    return share_out(shares.row_of(db, link))


# -- the public page -----------------------------------------------------------------------------------
def _opened(
    rt: Runtime, token: str | None, grant: str | None
) -> tuple[shares.Opened, DashboardDef, Any, int]:
    """The link, checked (and its password grant), with the dashboard and model; the session is closed."""
    with rt.catalog.session() as db:
        opened = shares.open_link(db, token)
        shares.check_access(pv.signing_key(rt, "share-grant"), opened.link, grant)
        d = DashboardDef.model_validate(opened.dashboard.definition)
        idx, model_version = rt.model_index(None, db)
        db.expunge_all()
    return opened, d, idx, model_version


def _context(opened: shares.Opened) -> Any:
    from shuzhi.spec.resolve import UserContext

    u = opened.user
    return UserContext(u.username, u.role, org.effective_attributes(u))


@router.get(
    "/public/share",
    response_model=PublicShare,
    responses=PUBLIC_ERRORS,
    summary="A shared dashboard (no account) / 分享的仪表板",
)
async def public_share(rt: RuntimeDep, token: TokenHeader = None, grant: GrantHeader = None) -> PublicShare:
    def answer() -> PublicShare:
        with rt.catalog.session() as db:
            opened = shares.open_link(db, token)
            link = opened.link
            try:
                shares.check_access(pv.signing_key(rt, "share-grant"), link, grant)
            except ShuzhiError:
                return PublicShare(needs_password=True, expires_at=_iso(link.expires_at))
            d = DashboardDef.model_validate(opened.dashboard.definition)
            shares.count_view(db, link)
            return PublicShare(
                needs_password=False,
                expires_at=_iso(link.expires_at),
                dashboard=pv.view_of(opened.dashboard, d),
            )

    return await run_in_threadpool(answer)


@router.post(
    "/public/share/unlock",
    response_model=ShareGrant,
    responses=PUBLIC_ERRORS,
    summary="Give a share link's password / 输入分享密码",
)
async def unlock_share(
    body: UnlockRequest, request: Request, rt: RuntimeDep, token: TokenHeader = None
) -> ShareGrant:
    ip = client_ip(request)
    st = rt.settings

    def answer() -> ShareGrant:
        with rt.catalog.session() as db:
            opened = shares.open_link(db, token)
            grant, exp = shares.unlock(
                db,
                opened,
                body.password,
                key=pv.signing_key(rt, "share-grant"),
                ip=ip,
                max_failures=st.login_max_failures,
                window=dt.timedelta(minutes=st.login_window_minutes),
                lockout=dt.timedelta(minutes=st.login_lockout_minutes),
            )
            return ShareGrant(grant=grant, expires_at=exp.isoformat())

    return await run_in_threadpool(answer)


@router.post(
    "/public/share/data",
    response_model=DashboardData,
    responses=PUBLIC_ERRORS,
    summary="A shared dashboard's data / 分享仪表板的数据",
)
async def public_share_data(
    body: DataRequest,
    request: Request,
    rt: RuntimeDep,
    lang: LangDep,
    token: TokenHeader = None,
    grant: GrantHeader = None,
) -> Any:
    def answer() -> Any:
        opened, d, idx, mv = _opened(rt, token, grant)
        return pv.data(request, rt, opened.dashboard, d, idx, mv, _context(opened), body, lang)

    return await run_in_threadpool(answer)


@router.get(
    "/public/share/fields/{field}/values",
    response_model=FieldValues,
    responses=PUBLIC_ERRORS,
    summary="Options of a shared dashboard's filter / 分享页筛选器取值",
)
async def public_share_values(
    field: str,
    rt: RuntimeDep,
    token: TokenHeader = None,
    grant: GrantHeader = None,
    search: str | None = Query(None, max_length=100),
    limit: int = Query(200, ge=1, le=1000),
) -> FieldValues:
    def answer() -> FieldValues:
        opened, d, _, _ = _opened(rt, token, grant)
        return pv.field_values(rt, d, _context(opened), field, search, limit)

    return await run_in_threadpool(answer)


@router.get(
    "/public/share/hierarchies/{name}/values",
    response_model=HierarchyValues,
    responses=PUBLIC_ERRORS,
    summary="Members of a shared dashboard's tree filter / 分享页层级筛选成员",
)
async def public_share_hierarchy(
    name: str,
    rt: RuntimeDep,
    token: TokenHeader = None,
    grant: GrantHeader = None,
    limit: int = Query(2000, ge=1, le=10_000),
) -> HierarchyValues:
    def answer() -> HierarchyValues:
        opened, d, idx, _ = _opened(rt, token, grant)
        return pv.hierarchy_values(rt, d, idx, _context(opened), name, limit)

    return await run_in_threadpool(answer)
