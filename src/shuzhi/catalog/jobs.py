"""Job records: the catalog side of background work (see shuzhi.runtime.jobs for running them).

Invariants
- A job moves queued → running → succeeded | failed | cancelled, never back.
- progress is a fraction in [0, 1]; it only grows while running.
- `error` is {"code", "zh", "en"}: the bilingual message a user sees, never a stack trace.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shuzhi.catalog.models import Job, utcnow
from shuzhi.errors import ShuzhiError

FINISHED = ("succeeded", "failed", "cancelled")


def create_job(db: Session, kind: str, title: str, *, created_by: str | None = None,
               schedule_id: int | None = None, owner: str | None = None) -> Job:
    job = Job(kind=kind, title=title[:256], status="queued", progress=0.0, created_by=created_by,
              schedule_id=schedule_id, owner=owner)
    db.add(job)
    db.flush()
    return job


def get_job(db: Session, job_id: int) -> Job:
    job = db.get(Job, job_id)
    if job is None:
        raise ShuzhiError("job_not_found", f"找不到任务 {job_id}。", f"Job {job_id} not found.", 404)
    return job


def list_jobs(db: Session, *, kind: str | None = None, created_by: str | None = None,
              status: str | None = None, limit: int = 50) -> list[Job]:
    q = select(Job).order_by(Job.id.desc()).limit(max(1, min(limit, 500)))
    if kind:
        q = q.where(Job.kind == kind)
    if created_by:
        q = q.where(Job.created_by == created_by)
    if status:
        q = q.where(Job.status == status)
    return list(db.scalars(q))


def mark_running(db: Session, job_id: int) -> None:
    db.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
               .values(status="running", started_at=utcnow()))


def set_progress(db: Session, job_id: int, fraction: float, message: str | None) -> None:
    values: dict[str, Any] = {"progress": max(0.0, min(1.0, float(fraction)))}
    if message is not None:
        values["message"] = message[:512]
    db.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(**values))


def finish(db: Session, job_id: int, status: str, *, result: dict[str, Any] | None = None,
           error: dict[str, Any] | None = None, message: str | None = None) -> None:
    assert status in FINISHED
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "result": result, "error": error}
    if status == "succeeded":
        values["progress"] = 1.0
    if message is not None:
        values["message"] = message[:512]
    db.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running"))).values(**values))


INTERRUPTED = {"code": "job_interrupted", "zh": "任务被中断（运行它的进程已退出）。",
               "en": "The job was interrupted (the process running it exited)."}


def unfinished(db: Session) -> list[Job]:
    return list(db.scalars(select(Job).where(Job.status.in_(("queued", "running")))))


def fail_interrupted(db: Session, job_ids: list[int]) -> int:
    """End these queued or running jobs as failed with job_interrupted (the startup sweep decides
    which: shuzhi.runtime.recovery, from each job's owner process)."""
    if not job_ids:
        return 0
    res = db.execute(update(Job).where(Job.id.in_(job_ids), Job.status.in_(("queued", "running"))).values(
        status="failed", finished_at=utcnow(), error=INTERRUPTED))
    return int(res.rowcount or 0)


def job_dict(job: Job) -> dict[str, Any]:
    def iso(t: dt.datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {
        "id": job.id, "kind": job.kind, "title": job.title, "status": job.status,
        "progress": round(job.progress, 4), "message": job.message, "result": job.result,
        "error": job.error, "created_by": job.created_by, "schedule_id": job.schedule_id,
        "created_at": iso(job.created_at), "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }
