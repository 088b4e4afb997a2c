"""The audit log (admins: audit:view): search, export as XLSX / CSV, verify the hash chain."""

from __future__ import annotations

import datetime as dt
import os
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.api.routers.exports import content_disposition
from shuzhi.auth.credentials import Principal
from shuzhi.catalog.audit import Filters
from shuzhi.service import audit as svc
from shuzhi.service.query_export import FORMATS

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require("audit:view"))]


def _filters(since: dt.datetime | None, until: dt.datetime | None, user: str | None, action: str | None,
             target: str | None, q: str | None) -> Filters:
    def aware(t: dt.datetime | None) -> dt.datetime | None:
        return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t

    return Filters(since=aware(since), until=aware(until), user=user or None, action=action or None,
                   target=target or None, text=q or None)


Since = Annotated[dt.datetime | None, Query(description="events at or after (ISO time; UTC when no zone)")]
Until = Annotated[dt.datetime | None, Query(description="events before")]
User = Annotated[str | None, Query(max_length=64, description="who")]
Action = Annotated[str | None, Query(max_length=64, description="an action, or a family such as auth or dashboard")]
Target = Annotated[str | None, Query(max_length=128, description="part of the target")]
Text = Annotated[str | None, Query(max_length=200, description="part of the user, action, target or detail")]


@router.get("", response_model=svc.AuditPage, responses=ERRORS, summary="Search the audit log / 查询审计日志")
async def list_events(_: Auditor, rt: RuntimeDep, since: Since = None, until: Until = None, user: User = None,
                      action: Action = None, target: Target = None, q: Text = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                      offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> svc.AuditPage:
    f = _filters(since, until, user, action, target, q)
    return await run_in_threadpool(svc.list_events, rt, f, limit=limit, offset=offset)


@router.get("/verify", response_model=svc.AuditVerdict, responses=ERRORS,
            summary="Verify the hash chain / 校验审计链")
async def verify(_: Auditor, rt: RuntimeDep) -> svc.AuditVerdict:
    return await run_in_threadpool(svc.verify, rt)


@router.get("/export", response_class=FileResponse, responses={
    **ERRORS, 200: {"content": {FORMATS["xlsx"]: {}, "text/csv": {}}, "description": "The file."}},
    summary="Export the audit log / 导出审计日志")
async def export(_: Auditor, rt: RuntimeDep, format: Literal["xlsx", "csv"] = "xlsx", since: Since = None,  # noqa: A002
                 until: Until = None, user: User = None, action: Action = None, target: Target = None,
                 q: Text = None) -> FileResponse:
    f = _filters(since, until, user, action, target, q)
    path = await run_in_threadpool(svc.export, rt, f, format)
    name = f"审计日志-{dt.date.today().isoformat()}.{format}"
    return FileResponse(path, media_type=FORMATS[format],
                        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"},
                        background=BackgroundTask(os.unlink, path))
