"""Schedules: when a kind of job runs on a target (an extract, an alert rule, a dataset).

A schedule is a cron expression (five fields, croniter) or an interval in seconds, evaluated in
its time zone (Asia/Shanghai by default, so 「每天 8 点」 is 0 8 * * * for a Chinese factory).

Invariants
- next_run_at is always in the future when saved, or None when disabled.
- claim_due() moves a due schedule's next_run_at forward with a compare-and-set on the old
  value, so when several server processes tick together each firing is claimed once.
- (kind, target) is unique: one schedule per extract / rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shuzhi.catalog.models import Schedule, utcnow
from shuzhi.errors import ShuzhiError

MIN_INTERVAL_S = 60
MAX_INTERVAL_S = 366 * 24 * 3600


@dataclass(frozen=True)
class Timing:
    cron: str | None = None
    interval_s: int | None = None
    timezone: str = "Asia/Shanghai"

    def validate(self) -> Timing:
        if (self.cron is None) == (self.interval_s is None):
            raise ShuzhiError("schedule_invalid", "计划需要且只需要 cron 表达式或间隔秒数之一。",
                              "A schedule needs exactly one of a cron expression or an interval in seconds.")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ShuzhiError("schedule_timezone", f"未知时区：{self.timezone}",
                              f"Unknown time zone: {self.timezone}") from None
        if self.cron is not None:
            fields = self.cron.split()
            if len(fields) != 5 or not croniter.is_valid(self.cron):
                raise ShuzhiError(
                    "schedule_cron", f"cron 表达式无效：「{self.cron}」（需要 5 个字段，例如 0 8 * * * 表示每天 8 点）。",
                    f"Invalid cron expression '{self.cron}' (five fields, e.g. 0 8 * * * for 08:00 daily).")
        if self.interval_s is not None and not (MIN_INTERVAL_S <= self.interval_s <= MAX_INTERVAL_S):
            raise ShuzhiError(
                "schedule_interval", f"间隔需在 {MIN_INTERVAL_S} 秒到一年之间。",
                f"The interval must be between {MIN_INTERVAL_S} seconds and one year.")
        return self


def next_run(timing: Timing, after: dt.datetime) -> dt.datetime:
    """The first run strictly after `after` (aware), as an aware UTC datetime."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    if timing.interval_s is not None:
        return (after + dt.timedelta(seconds=timing.interval_s)).astimezone(dt.UTC)
    local = after.astimezone(ZoneInfo(timing.timezone))
    nxt = croniter(timing.cron, local).get_next(dt.datetime)
    return nxt.astimezone(dt.UTC)


def _timing(s: Schedule) -> Timing:
    return Timing(s.cron, s.interval_s, s.timezone)


def create_schedule(db: Session, kind: str, target: str, timing: Timing, *, created_by: str | None = None,
                    enabled: bool = True, now: dt.datetime | None = None) -> Schedule:
    timing.validate()
    if db.scalar(select(Schedule).where(Schedule.kind == kind, Schedule.target == target)) is not None:
        raise ShuzhiError("schedule_exists", f"{kind} {target} 已有计划，请修改它。",
                          f"{kind} {target} already has a schedule; update it instead.", 409)
    now = now or utcnow()
    s = Schedule(kind=kind, target=target, cron=timing.cron, interval_s=timing.interval_s,
                 timezone=timing.timezone, enabled=enabled, created_by=created_by,
                 next_run_at=next_run(timing, now) if enabled else None)
    db.add(s)
    db.flush()
    return s


def get_schedule(db: Session, kind: str, target: str) -> Schedule | None:
    return db.scalar(select(Schedule).where(Schedule.kind == kind, Schedule.target == target))


def update_schedule(db: Session, schedule: Schedule, *, timing: Timing | None = None, enabled: bool | None = None,
                    now: dt.datetime | None = None) -> Schedule:
    if timing is not None:
        timing.validate()
        schedule.cron, schedule.interval_s, schedule.timezone = timing.cron, timing.interval_s, timing.timezone
    if enabled is not None:
        schedule.enabled = enabled
    schedule.next_run_at = next_run(_timing(schedule), now or utcnow()) if schedule.enabled else None
    db.flush()
    return schedule


def set_schedule(db: Session, kind: str, target: str, timing: Timing | None, *, created_by: str | None = None,
                 enabled: bool = True) -> Schedule | None:
    """Create, replace or (timing None) remove the schedule of (kind, target)."""
    existing = get_schedule(db, kind, target)
    if timing is None:
        if existing is not None:
            db.delete(existing)
            db.flush()
        return None
    if existing is None:
        return create_schedule(db, kind, target, timing, created_by=created_by, enabled=enabled)
    return update_schedule(db, existing, timing=timing, enabled=enabled)


def delete_schedule(db: Session, kind: str, target: str) -> bool:
    existing = get_schedule(db, kind, target)
    if existing is None:
        return False
    db.delete(existing)
    db.flush()
    return True


def list_schedules(db: Session, kind: str | None = None) -> list[Schedule]:
    q = select(Schedule).order_by(Schedule.id)
    if kind:
        q = q.where(Schedule.kind == kind)
    return list(db.scalars(q))


def claim_due(db: Session, now: dt.datetime, kinds: set[str]) -> list[tuple[Schedule, dt.datetime]]:
    """Schedules due at `now` whose next run this caller has claimed (next_run_at moved forward),
    each with the firing it claimed (its next_run_at before the claim)."""
    due = db.scalars(select(Schedule).where(Schedule.enabled.is_(True), Schedule.next_run_at.is_not(None),
                                            Schedule.next_run_at <= now, Schedule.kind.in_(kinds))
                     .order_by(Schedule.next_run_at)).all()
    claimed = []
    for s in due:
        old = s.next_run_at
        new = next_run(_timing(s), now)
        res = db.execute(update(Schedule).where(Schedule.id == s.id, Schedule.next_run_at == old)
                         .values(next_run_at=new, last_run_at=now)
                         .execution_options(synchronize_session=False))
        if res.rowcount == 1:
            db.refresh(s)
            claimed.append((s, old))
    return claimed


def record_run(db: Session, schedule_id: int, job_id: int | None, status: str) -> None:
    db.execute(update(Schedule).where(Schedule.id == schedule_id)
               .values(last_job_id=job_id, last_status=status))


def schedule_dict(s: Schedule) -> dict:
    return {"id": s.id, "kind": s.kind, "target": s.target, "cron": s.cron, "interval_s": s.interval_s,
            "timezone": s.timezone, "enabled": s.enabled,
            "next_run_at": s.next_run_at.isoformat() if s.next_run_at else None,
            "last_run_at": s.last_run_at.isoformat() if s.last_run_at else None,
            "last_job_id": s.last_job_id, "last_status": s.last_status}
