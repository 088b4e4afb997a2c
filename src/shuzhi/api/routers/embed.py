"""Embedding (嵌入): guest tokens for a portal's backend, and the calls of the /embed/ page.

`POST /embed/tokens` needs `embed:issue` (admins; a portal's backend calls it with an admin's API
token — an API token needs no CSRF header). The answer carries the token and the URL to frame.

The /embed/ page sends the token in the `X-Embed-Token` header; `GET /embed/dashboard`,
`POST /embed/data` and the filter options answer for the token's dashboard (or its one chart) only,
as the guest (role viewer, the token's attributes), with the token's fixed filters added on the
server. No cookie is read. See delivery/embed_tokens.py for the token's rules.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import DbDep, LangDep, RuntimeDep, require
from shuzhi.api.responses import DashboardData
from shuzhi.api.routers import public_views as pv
from shuzhi.api.routers.auth import ERRORS
from shuzhi.api.routers.dashboards import FieldValues, HierarchyValues
from shuzhi.api.routers.shares import PUBLIC_ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.auth.users import audit
from shuzhi.catalog import dashboards as store
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import User
from shuzhi.delivery import embed_tokens as et
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DataRequest
from shuzhi.spec.resolve import UserContext

router = APIRouter(tags=["embed"])
IssuerDep = Annotated[Principal, Depends(require("embed:issue"))]
TokenHeader = Annotated[str | None, Header(alias="X-Embed-Token", description="The guest token.")]
Scalar = str | int | float | bool


class EmbedTokenRequest(BaseModel):
    dashboard: str = Field(max_length=64, description="Dashboard id or name.")
    component: str | None = Field(default=None, max_length=64, description="Only this chart or KPI of it.")
    filters: dict[str, Scalar | list[Scalar]] = Field(
        default={},
        description="Fixed filters: model dimension → "
        "value or values; applied on the server, cannot be removed.",
    )
    attributes: dict[str, Any] = Field(
        default={}, description="The guest's attributes for row rules ({{ user.region }})."
    )
    minutes: int | None = Field(
        default=None, ge=1, description="Lifetime (default SHUZHI_EMBED_TOKEN_MINUTES, 10)."
    )


class EmbedToken(BaseModel):
    token: str
    url: str = Field(description="The page to frame: SHUZHI_PUBLIC_URL/embed/dashboards/NAME#token=...")
    expires_at: str
    dashboard: str
    component: str | None = None


@router.post(
    "/embed/tokens",
    status_code=201,
    response_model=EmbedToken,
    responses=ERRORS,
    summary="Issue a guest token for embedding / 签发嵌入令牌",
)
def issue_token(body: EmbedTokenRequest, user: IssuerDep, db: DbDep, rt: RuntimeDep) -> EmbedToken:
    st = rt.settings
    minutes = body.minutes or st.embed_token_minutes
    if minutes > st.embed_token_max_minutes:
        raise ShuzhiError(
            "embed_bad_minutes",
            f"嵌入令牌的有效期最长 {st.embed_token_max_minutes} 分钟（SHUZHI_EMBED_TOKEN_MAX_MINUTES）。",
            f"An embed token lives at most {st.embed_token_max_minutes} minutes "
            "(SHUZHI_EMBED_TOKEN_MAX_MINUTES).",
        )
    rec = store.get_record(db, body.dashboard, store.Viewer(user.user_id, user.username, user.role, user.groups))
    d = DashboardDef.model_validate(rec.definition)
    idx, _ = rt.model_index(None, db)
    component = et.check_component(d, body.component)
    filters = et.check_filters(body.filters, idx)
    token, guest = et.issue(
        pv.signing_key(rt, "embed"),
        rec,
        component=component,
        filters=filters,
        attributes=body.attributes,
        issuer_id=user.user_id,
        minutes=minutes,
    )
    audit(
        db,
        "embed.token",
        actor=user.username,
        target=rec.name,
        detail={
            "component": component,
            "filters": filters,
            "attributes": guest.attributes,
            "minutes": minutes,
        },
    )
    url = f"{st.links_base}/embed/dashboards/{rec.name}#token={token}"
    return EmbedToken(
        token=token, url=url, expires_at=guest.expires_at.isoformat(), dashboard=rec.name, component=component
    )


def _guest(rt: Runtime, token: str | None) -> tuple[et.Guest, DashboardRecord, DashboardDef, Any, int]:
    """The verified token, its dashboard and the model; the catalog session is closed after."""
    guest = et.verify(pv.signing_key(rt, "embed"), token)
    with rt.catalog.session() as db:
        issuer = db.get(User, guest.issuer_id)
        rec = db.get(DashboardRecord, guest.dashboard_id)
        if issuer is None or not issuer.is_active or not has_permission(issuer.role, "embed:issue"):
            raise et.invalid()
        if rec is None:
            raise ShuzhiError(
                "embed_dashboard_gone",
                "嵌入的仪表板已不存在。",
                "The embedded dashboard no longer exists.",
                404,
            )
        d = DashboardDef.model_validate(rec.definition)
        if guest.component is not None and d.component(guest.component) is None:
            raise ShuzhiError(
                "embed_dashboard_gone",
                "嵌入的图表已不在仪表板中。",
                "The embedded chart is no longer on the dashboard.",
                404,
            )
        idx, model_version = rt.model_index(None, db)
        db.expunge_all()
    return guest, rec, d, idx, model_version


def _context(g: et.Guest) -> UserContext:
    return UserContext(f"guest:{g.issuer_id}", et.GUEST_ROLE, dict(g.attributes))


@router.get(
    "/embed/dashboard",
    response_model=pv.PublicDashboard,
    responses=PUBLIC_ERRORS,
    summary="The embedded dashboard (guest token) / 嵌入的仪表板",
)
async def embed_dashboard(rt: RuntimeDep, token: TokenHeader = None) -> pv.PublicDashboard:
    def answer() -> pv.PublicDashboard:
        g, rec, d, _, _ = _guest(rt, token)
        return pv.view_of(rec, d, g.component, g.filters)

    return await run_in_threadpool(answer)


@router.post(
    "/embed/data",
    response_model=DashboardData,
    responses=PUBLIC_ERRORS,
    summary="The embedded dashboard's data (fixed filters applied) / 嵌入仪表板的数据",
)
async def embed_data(
    body: DataRequest, request: Request, rt: RuntimeDep, lang: LangDep, token: TokenHeader = None
) -> Any:
    def answer() -> Any:
        g, rec, d, idx, mv = _guest(rt, token)
        return pv.data(
            request, rt, rec, d, idx, mv, _context(g), body, lang, component=g.component, fixed=g.pieces()
        )

    return await run_in_threadpool(answer)


@router.get(
    "/embed/fields/{field}/values",
    response_model=FieldValues,
    responses=PUBLIC_ERRORS,
    summary="Options of an embedded dashboard's filter / 嵌入页筛选器取值",
)
async def embed_values(
    field: str,
    rt: RuntimeDep,
    token: TokenHeader = None,
    search: str | None = Query(None, max_length=100),
    limit: int = Query(200, ge=1, le=1000),
) -> FieldValues:
    def answer() -> FieldValues:
        g, _, d, _, _ = _guest(rt, token)
        return pv.field_values(
            rt, d, _context(g), field, search, limit, fixed=g.pieces(), component=g.component
        )

    return await run_in_threadpool(answer)


@router.get(
    "/embed/hierarchies/{name}/values",
    response_model=HierarchyValues,
    responses=PUBLIC_ERRORS,
    summary="Members of an embedded dashboard's tree filter / 嵌入页层级筛选成员",
)
async def embed_hierarchy(
    name: str, rt: RuntimeDep, token: TokenHeader = None, limit: int = Query(2000, ge=1, le=10_000)
) -> HierarchyValues:
    def answer() -> HierarchyValues:
        g, _, d, idx, _ = _guest(rt, token)
        return pv.hierarchy_values(
            rt, d, idx, _context(g), name, limit, fixed=g.pieces(), component=g.component
        )

    return await run_in_threadpool(answer)
