"""Dashboard exports drawn by headless Chromium (PDF, PNG) or written from the data (XLSX), as jobs.

POST starts the render as the caller (their dashboards, row and column rules) and answers at once with
the job; GET polls its progress; GET .../file downloads the result once it succeeded. A caller sees and
downloads only the renders they started (admins: any). The browser opens this server's own address.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from shuzhi.api.deps import RuntimeDep, require
from shuzhi.api.params import IdPath
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import jobs as records
from shuzhi.errors import ShuzhiError
from shuzhi.service import renders

router = APIRouter(tags=["exports"])
ViewerDep = Annotated[Principal, Depends(require("content:view"))]


class RenderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["pdf", "png", "xlsx"]
    filters: dict[str, Any] = Field(
        default={},
        description="Fixed filter values: a filter's id, title, label or "
        "field → its value (as the dashboard page sends it, or text such as 华东 or "
        "2025-01-01..2025-06-30).",
    )
    width: int = Field(
        default=renders.DESKTOP_WIDTH,
        ge=320,
        le=3840,
        description="Page width in pixels: 1280 desktop, 390 phone (PDF pages are one screen high).",
    )


class RenderJob(BaseModel):
    job_id: int
    status: str
    progress: float
    message: str | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    file_url: str | None = Field(
        default=None, description="Where to download the file once the job succeeded."
    )


def own_address(request: Request) -> str:
    """This server's own address, for the headless browser (a wildcard bind is reached on loopback)."""
    server = request.scope.get("server")
    if not server or server[1] is None:
        raise ShuzhiError(
            "render_no_address",
            "此服务未监听 TCP 端口，无法绘制仪表板。",
            "This server does not listen on a TCP port, so it cannot draw dashboards.",
            503,
        )
    return renders.loopback_url(*server)


def _job(rt: Any, job_id: int, p: Principal) -> RenderJob:
    missing = ShuzhiError(
        "render_not_found", f"找不到导出任务 {job_id}。", f"Export job {job_id} not found.", 404
    )
    with rt.catalog.session() as db:
        try:
            job = records.get_job(db, job_id)
        except ShuzhiError:
            raise missing from None
        if job.kind != renders.JOB_KIND or (p.role != "admin" and job.created_by != p.username):
            raise missing
        d = records.job_dict(job)
    url = f"/api/v1/exports/renders/{job_id}/file" if d["status"] == "succeeded" else None
    return RenderJob(
        job_id=job_id,
        status=d["status"],
        progress=d["progress"],
        message=d.get("message"),
        result=d.get("result"),
        error=d.get("error"),
        file_url=url,
    )


@router.post(
    "/exports/dashboards/{name}",
    status_code=202,
    response_model=RenderJob,
    responses=ERRORS,
    summary="Export a dashboard as PDF, PNG or XLSX (a job) / 导出仪表板",
)
def export_dashboard(
    name: str, body: RenderRequest, request: Request, p: ViewerDep, rt: RuntimeDep
) -> RenderJob:
    prepared = renders.prepare(rt, name, p.username, body.filters)
    base = own_address(request) if body.format != "xlsx" else None
    job_id = renders.start_job(
        rt, prepared, body.format, base_url=base, width=body.width, created_by=p.username
    )
    return _job(rt, job_id, p)


@router.get(
    "/exports/renders/{job_id}",
    response_model=RenderJob,
    responses=ERRORS,
    summary="A dashboard export's progress / 导出进度",
)
def render_status(job_id: IdPath, p: ViewerDep, rt: RuntimeDep) -> RenderJob:
    return _job(rt, job_id, p)


@router.get(
    "/exports/renders/{job_id}/file",
    responses={
        **ERRORS,
        200: {"content": {"application/pdf": {}, "image/png": {}, renders.MEDIA["xlsx"]: {}}},
    },
    response_class=FileResponse,
    summary="Download a finished dashboard export / 下载导出文件",
)
def render_file(job_id: IdPath, p: ViewerDep, rt: RuntimeDep) -> FileResponse:
    path, filename, media = renders.job_file(rt, job_id, p.username, p.role)
    return FileResponse(
        path,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename=\"dashboard.{path.suffix[1:]}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )
