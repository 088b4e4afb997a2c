"""Background jobs: status and progress of imports, refreshes, materializations (rt.jobs).

A user sees their own jobs; admins see every job (including the scheduler's)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from shuzhi.api.deps import DbDep, PrincipalDep, RuntimeDep
from shuzhi.api.params import IdPath, ListLimit
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import jobs as J
from shuzhi.catalog.models import Job
from shuzhi.errors import ShuzhiError

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobOut(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    progress: float
    message: str | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    created_by: str | None = None
    schedule_id: int | None = None
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None


def _visible(job: Job, p: Principal) -> Job:
    if p.role != "admin" and job.created_by != p.username:
        # Same answer as a missing job: do not reveal other users' job ids.
        raise ShuzhiError("job_not_found", f"找不到任务 {job.id}。", f"Job {job.id} not found.", 404)
    return job


@router.get("", response_model=list[JobOut], responses=ERRORS, summary="Recent jobs / 最近的任务")
def list_jobs(p: PrincipalDep, db: DbDep, kind: str | None = None, status: str | None = None,
              limit: ListLimit = 50) -> list[JobOut]:
    rows = J.list_jobs(db, kind=kind, status=status, limit=limit,
                       created_by=None if p.role == "admin" else p.username)
    return [JobOut(**J.job_dict(j)) for j in rows]


@router.get("/{job_id}", response_model=JobOut, responses=ERRORS, summary="One job's status / 任务状态")
def get_job(job_id: IdPath, p: PrincipalDep, db: DbDep) -> JobOut:
    return JobOut(**J.job_dict(_visible(J.get_job(db, job_id), p)))


@router.post("/{job_id}/cancel", response_model=JobOut, responses=ERRORS, summary="Cancel a job / 取消任务")
def cancel_job(job_id: IdPath, p: PrincipalDep, db: DbDep, rt: RuntimeDep) -> JobOut:
    job = _visible(J.get_job(db, job_id), p)
    if job.status in J.FINISHED:
        raise ShuzhiError("job_finished", f"任务 {job_id} 已结束（{job.status}），无法取消。",
                          f"Job {job_id} has already finished ({job.status}).", 409)
    if not rt.jobs.cancel(job_id):
        raise ShuzhiError("job_not_here", "该任务不在本服务进程中运行，无法取消。",
                          "The job is not running in this server process and cannot be cancelled here.", 409)
    db.refresh(job)
    return JobOut(**J.job_dict(job))
