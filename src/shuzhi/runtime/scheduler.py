"""The scheduler loop: claims due schedules and submits them as jobs.

Handlers are registered per schedule kind (rt.register_schedule_kind("refresh", fn)); a
schedule whose kind has no handler in this process is left alone (not claimed). tick() is one
pass (tests call it); `shuzhi serve` runs tick() every few seconds in a daemon thread.

Several instances on one metadata store (issue 18): each firing is claimed once, in the metadata
store (delivery.schedules.claim_due's compare-and-set plus a claim row unique on (schedule, due
time), catalog/schedule_claims.py), with a lease of SHUZHI_SCHEDULE_LEASE_S that every tick of the
owner renews while the job lives; a tick also takes over the claims whose lease expired (their
instance died) and runs them again. The metadata store, not Redis, holds the claims: it already holds
the schedules and the jobs, a claim commits in the same transaction as the move of next_run_at, and
it works with or without SHUZHI_REDIS_URL, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shuzhi import owners
from shuzhi.catalog import schedule_claims as claims
from shuzhi.catalog.models import utcnow
from shuzhi.delivery.schedules import claim_due, record_run
from shuzhi.log import get_logger

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext

log = get_logger(__name__)

ScheduleHandler = Callable[["Runtime", str, "JobContext"], "dict[str, Any] | None"]


class Scheduler:
    def __init__(self, rt: Runtime, *, period_s: float = 5.0) -> None:
        self.rt = rt
        self.period_s = period_s
        self.handlers: dict[str, ScheduleHandler] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, kind: str, handler: ScheduleHandler) -> None:
        self.handlers[kind] = handler

    def tick(self, now: dt.datetime | None = None) -> list[int]:
        """Submit every due schedule once (and every firing a dead instance left); returns the
        submitted job ids. Also renews the leases of this process's running claims."""
        if not self.handlers:
            return []
        now = now or utcnow()
        # a lease outlives several ticks, so a live owner always renews it in time
        me, lease_s, kinds = owners.current(), max(self.rt.settings.schedule_lease_s, 3 * self.period_s), set(self.handlers)
        with self.rt.catalog.session() as db:
            claims.renew(db, me, lease_s, now)
            due = [(claims.record_claim(db, s.id, due_at, me, lease_s, now).id, s.id, s.kind, s.target)
                   for s, due_at in claim_due(db, now, kinds)]
            taken = [(c.id, s.id, s.kind, s.target) for c, s in claims.take_over_expired(db, me, lease_s, now, kinds)]
            if now.minute == 0 and now.second < self.period_s:
                claims.prune(db, now)
        for c in taken:
            log.warning("schedule_run_taken_over", claim=c[0], schedule=c[1], kind=c[2], target=c[3])
        return [self._submit(*c) for c in due + taken]

    def _submit(self, claim_id: int, sid: int, kind: str, target: str) -> int:
        handler = self.handlers[kind]

        def fn(ctx: JobContext) -> dict[str, Any] | None:
            try:
                out = handler(self.rt, target, ctx)
            except BaseException:
                with self.rt.catalog.session() as db:
                    record_run(db, sid, ctx.job_id, "failed")
                    claims.finish(db, claim_id, "failed")
                raise
            with self.rt.catalog.session() as db:
                record_run(db, sid, ctx.job_id, "succeeded")
                claims.finish(db, claim_id, "succeeded")
            return out

        job_id = self.rt.jobs.submit(kind, fn, title=f"{kind} {target}（计划 schedule #{sid}）",
                                     created_by="scheduler", schedule_id=sid)
        with self.rt.catalog.session() as db:
            claims.set_job(db, claim_id, job_id)
        return job_id

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="shuzhi-scheduler", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.period_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - keep ticking; the catalog may be briefly unavailable
                log.exception("scheduler_tick_failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
