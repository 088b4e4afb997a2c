"""The scheduler loop: claims due schedules and submits them as jobs.

Handlers are registered per schedule kind (rt.register_schedule_kind("refresh", fn)); a
schedule whose kind has no handler in this process is left alone (not claimed). tick() is one
pass (tests call it); `shuzhi serve` runs tick() every few seconds in a daemon thread.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
        """Submit every due schedule once; returns the submitted job ids."""
        if not self.handlers:
            return []
        now = now or utcnow()
        with self.rt.catalog.session() as db:
            due = [(s.id, s.kind, s.target) for s in claim_due(db, now, set(self.handlers))]
        job_ids = []
        for sid, kind, target in due:
            handler = self.handlers[kind]

            def fn(ctx: JobContext, handler: ScheduleHandler = handler, target: str = target,
                   sid: int = sid) -> dict[str, Any] | None:
                try:
                    out = handler(self.rt, target, ctx)
                except BaseException:
                    with self.rt.catalog.session() as db:
                        record_run(db, sid, ctx.job_id, "failed")
                    raise
                with self.rt.catalog.session() as db:
                    record_run(db, sid, ctx.job_id, "succeeded")
                return out

            job_ids.append(self.rt.jobs.submit(kind, fn, title=f"{kind} {target}（计划 schedule #{sid}）",
                                               created_by="scheduler", schedule_id=sid))
        return job_ids

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
