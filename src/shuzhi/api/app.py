"""The FastAPI app factory. `create_app()` is what `shuzhi serve` and the tests run.

All routes live under /api/v1; the OpenAPI document is at /openapi.json. When the web app has
been built (frontend/dist), it is served at / with client-side routing (static_files.py).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from shuzhi import __version__
from shuzhi.api import admission
from shuzhi.api.audit_trail import AuditTrailMiddleware
from shuzhi.api.body_limit import BodyLimitMiddleware
from shuzhi.api.errors import install_error_handlers
from shuzhi.api.middleware import RequestContextMiddleware
from shuzhi.api.proxies import TrustedProxyMiddleware, parse_trusted_proxies
from shuzhi.api.routers import alerts as alerts_router
from shuzhi.api.routers import ask, auth, dashboards, health, insights, jobs, models, query, sql, users
from shuzhi.api.routers import assess as assess_router
from shuzhi.api.routers import audit as audit_router
from shuzhi.api.routers import channels as channels_router
from shuzhi.api.routers import connections as connections_router
from shuzhi.api.routers import datasets as datasets_router
from shuzhi.api.routers import embed as embed_router
from shuzhi.api.routers import exports as exports_router
from shuzhi.api.routers import imports as imports_router
from shuzhi.api.routers import org as org_router
from shuzhi.api.routers import preferences as preferences_router
from shuzhi.api.routers import rd_allocate as rd_allocate_router
from shuzhi.api.routers import rd_efficiency as rd_efficiency_router
from shuzhi.api.routers import rd_hotspots as rd_hotspots_router
from shuzhi.api.routers import renders as renders_router
from shuzhi.api.routers import shares as shares_router
from shuzhi.api.routers import subscriptions as subscriptions_router
from shuzhi.api.routers import tables as tables_router
from shuzhi.api.security_headers import SecurityHeadersMiddleware
from shuzhi.api.static_files import mount_web_app
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DashboardAnswers
from shuzhi.service.wiring import wire
from shuzhi.settings import Settings, get_settings

API_PREFIX = "/api/v1"


def _frontend_dist() -> Path | None:
    for candidate in (
        Path(__file__).resolve().parents[3] / "frontend" / "dist",  # source checkout
        Path(__file__).resolve().parent.parent / "web",  # packaged copy
    ):
        if (candidate / "index.html").is_file():
            return candidate
    return None


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, *, start: bool = True) -> FastAPI:
    rt = runtime or Runtime(settings or get_settings())
    if start:
        rt.start()
    wire(rt)  # the use cases that react to schedules and data changes (service.wiring)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        app.state.dashboard_answers.close()
        rt.close()

    app = FastAPI(
        title="Shuzhi 数智 API",
        version=__version__,
        description="Self-service BI and data intelligence for specialized manufacturers. "
        "面向专精特新制造企业的自助式 BI 与数据智能平台。",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
        # one schema per model for requests and answers (a QuerySpec sent and a QuerySpec answered are
        # the same type in the generated web client)
        separate_input_output_schemas=False,
    )
    app.state.runtime = rt
    app.state.dashboard_answers = DashboardAnswers(rt.settings.dashboard_query_threads)  # shared query threads
    admission.install(app, rt.settings)  # bounded queue → 503; added first so the request id wraps it
    app.add_middleware(AuditTrailMiddleware)  # inside the request context: events carry its id and address
    app.add_middleware(BodyLimitMiddleware, body_max_mb=rt.settings.body_max_mb, upload_max_mb=rt.settings.upload_max_mb)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors_value=rt.settings.frame_ancestors,
                       embed_frame_ancestors=rt.settings.embed_frame_ancestors)  # CSP, framing (/embed/: its own)
    # Outermost, so the access log already sees the real client (SHUZHI_TRUSTED_PROXIES).
    app.add_middleware(TrustedProxyMiddleware, trusted=parse_trusted_proxies(rt.settings.trusted_proxies))
    install_error_handlers(app)
    for r in (health.router, auth.router, users.router, sql.router, query.router, models.router, ask.router,
              insights.router, jobs.router, dashboards.router, datasets_router.router):
        app.include_router(r, prefix=API_PREFIX)
    app.include_router(connections_router.router, prefix=API_PREFIX)
    app.include_router(audit_router.router, prefix=API_PREFIX)
    app.include_router(org_router.router, prefix=API_PREFIX)  # departments and sharing (issue 19)

    for r in (imports_router.router, tables_router.router):  # file imports and the data page
        app.include_router(r, prefix=API_PREFIX)
    app.include_router(alerts_router.router, prefix=API_PREFIX)  # alert rules, firings, inbox
    app.include_router(preferences_router.router, prefix=API_PREFIX)  # 涨跌颜色: company and own
    app.include_router(rd_efficiency_router.router, prefix=API_PREFIX)  # 研发效率 (issue 17)
    app.include_router(exports_router.router, prefix=API_PREFIX)  # files: query → XLSX / CSV
    app.include_router(channels_router.router, prefix=API_PREFIX)  # delivery channels, pictures for robots
    app.include_router(renders_router.router, prefix=API_PREFIX)  # dashboard exports drawn by Chromium
    for r in (shares_router.router, embed_router.router):  # share links and embedding (issue 15)
        app.include_router(r, prefix=API_PREFIX)
    app.include_router(subscriptions_router.router, prefix=API_PREFIX)  # 定时推送
    app.include_router(rd_hotspots_router.router, prefix=API_PREFIX)  # 热点与空白 (issue 17)
    app.include_router(rd_allocate_router.router, prefix=API_PREFIX)  # 立项优先级与资源分配 (issue 17)
    app.include_router(assess_router.router, prefix=API_PREFIX)  # 专精特新 self-assessment (issue 17)

    dist = _frontend_dist()
    if dist is not None:
        mount_web_app(app, dist)  # compressed copies, cache headers, client-side routing (static_files.py)

    return app
