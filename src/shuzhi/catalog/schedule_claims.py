"""Claims of scheduled runs (revision 0020): which instance runs a firing, under a lease it renews.

Several `shuzhi serve` instances on one metadata store tick together. A firing (schedule, due time)
is claimed once: delivery.schedules.claim_due moves next_run_at forward with a compare-and-set, and
in the same transaction the winner inserts the claim row here, unique on (schedule_id, due_at) as a
second guard. The row names the owner process (shuzhi.owners) and a lease (`lease_until`) that the
owner renews at every tick while the run's job is queued or running.

Invariants
- A firing runs once while its owner lives: only the owner renews, and a claim whose lease is
  current is never taken.
- A dead owner's firing is taken over: a running claim whose lease expired is moved to the taking
  process with a compare-and-set on (owner, lease_until), so two instances never both take it; its
  old job is ended as interrupted, and the run is submitted again (at least once then, never twice
  at the same time). After MAX_ATTEMPTS owners the claim is "abandoned" (a run that kills its
  instance must not kill them all).
- A claim ends with its job's status (succeeded, failed, cancelled); finished claims older than
  KEEP_DAYS are pruned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shuzhi.catalog import jobs as job_records
from shuzhi.catalog.models import Base, Job, Schedule, UTCDateTime, utcnow

MAX_ATTEMPTS = 3
KEEP_DAYS = 30
FINISHED = ("succeeded", "failed", "cancelled", "abandoned")


class ScheduleClaim(Base):
    __tablename__ = "schedule_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)  # the firing claimed
    owner: Mapped[str] = mapped_column(String(160), nullable=False)  # shuzhi.owners.current()
    lease_until: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    job_id: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("schedule_id", "due_at", name="uq_schedule_claims_firing"),
                      Index("ix_schedule_claims_status_lease", "status", "lease_until"))


def record_claim(db: Session, schedule_id: int, due_at: dt.datetime, owner: str, lease_s: float,
                 now: dt.datetime) -> ScheduleClaim:
    """The claim of a firing this process just won (same transaction as claim_due)."""
    c = ScheduleClaim(schedule_id=schedule_id, due_at=due_at, owner=owner, status="running", attempts=1,
                      lease_until=now + dt.timedelta(seconds=lease_s), claimed_at=now)
    db.add(c)
    db.flush()
    return c


def set_job(db: Session, claim_id: int, job_id: int) -> None:
    db.execute(update(ScheduleClaim).where(ScheduleClaim.id == claim_id).values(job_id=job_id))


def finish(db: Session, claim_id: int, status: str) -> None:
    db.execute(update(ScheduleClaim).where(ScheduleClaim.id == claim_id, ScheduleClaim.status == "running")
               .values(status=status))


def renew(db: Session, owner: str, lease_s: float, now: dt.datetime) -> int:
    """Extend the leases of this process's running claims whose job is still queued or running; a
    claim whose job ended (cancelled before it started, say) ends with it. Returns how many live."""
    rows = db.execute(select(ScheduleClaim.id, Job.status).outerjoin(Job, Job.id == ScheduleClaim.job_id)
                      .where(ScheduleClaim.owner == owner, ScheduleClaim.status == "running")).all()
    live = [cid for cid, st in rows if st in (None, "queued", "running")]
    for cid, st in rows:
        if st is not None and st not in ("queued", "running"):
            finish(db, cid, st)
    if live:
        db.execute(update(ScheduleClaim).where(ScheduleClaim.id.in_(live))
                   .values(lease_until=now + dt.timedelta(seconds=lease_s)))
    return len(live)


def take_over_expired(db: Session, owner: str, lease_s: float, now: dt.datetime,
                      kinds: set[str]) -> list[tuple[ScheduleClaim, Schedule]]:
    """Running claims of `kinds` whose lease expired, now this process's (their old jobs ended as
    interrupted); a claim already tried MAX_ATTEMPTS times is abandoned instead."""
    stale = db.execute(select(ScheduleClaim, Schedule).join(Schedule, Schedule.id == ScheduleClaim.schedule_id)
                       .where(ScheduleClaim.status == "running", ScheduleClaim.lease_until < now,
                              Schedule.kind.in_(kinds))).all()
    taken = []
    for c, s in stale:
        exhausted = c.attempts >= MAX_ATTEMPTS
        values = ({"status": "abandoned"} if exhausted else
                  {"owner": owner, "lease_until": now + dt.timedelta(seconds=lease_s),
                   "attempts": c.attempts + 1, "job_id": None})
        res = db.execute(update(ScheduleClaim)
                         .where(ScheduleClaim.id == c.id, ScheduleClaim.owner == c.owner,
                                ScheduleClaim.lease_until == c.lease_until, ScheduleClaim.status == "running")
                         .values(**values).execution_options(synchronize_session=False))
        if res.rowcount != 1:
            continue  # another instance took it first
        if c.job_id is not None:
            job_records.fail_interrupted(db, [c.job_id])
        if not exhausted:
            db.refresh(c)
            taken.append((c, s))
    return taken


def prune(db: Session, now: dt.datetime) -> int:
    res = db.execute(delete(ScheduleClaim).where(ScheduleClaim.status.in_(FINISHED),
                                                 ScheduleClaim.claimed_at < now - dt.timedelta(days=KEEP_DAYS)))
    return int(res.rowcount or 0)


def claims_of(db: Session, schedule_id: int) -> list[ScheduleClaim]:
    return list(db.scalars(select(ScheduleClaim).where(ScheduleClaim.schedule_id == schedule_id)
                           .order_by(ScheduleClaim.due_at)))
