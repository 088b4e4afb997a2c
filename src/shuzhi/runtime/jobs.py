"""Running background jobs: imports, refreshes, materializations, alert checks.

`submit()` records a job and runs it on a small worker pool; `run_inline()` runs it in the
calling thread with the same record (the CLI, with a progress bar). The function receives a
JobContext to report progress and notice cancellation; it returns a JSON-able dict (the job's
result) or raises — a ShuzhiError's bilingual message is recorded as is, anything else as an
internal error (logged with its traceback, never shown to users).

Invariants
- Every job ends in succeeded, failed or cancelled, whatever the function does.
- Progress writes are throttled (≤ 4 per second per job) so a tight loop cannot flood the catalog.
- Cancellation is cooperative: cancel() sets the job's event; the function checks it (between
  batches, rules or datasets) or hands it to the engine, which interrupts the running DuckDB query.
  Every long job kind takes it: import (engines/imports interrupts the load), refresh (between
  batches), dataset materialization (interrupts the CREATE), alert checks (between rules; each check
  is bounded by the query and insight time limits).
- A cancelled job ends `cancelled` however the stop surfaced: JobCancelled, or an engine's
  job_cancelled / query_cancelled / import_cancelled error raised after cancel() (a materialization
  stopped by its interrupt used to end `failed`).
- Every job records its owner process (shuzhi.owners): a job left queued or running by a process
  that died is ended as interrupted by the next start (runtime.recovery), never one still running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shuzhi import owners
from shuzhi.catalog import Catalog
from shuzhi.catalog import jobs as records
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.runtime.redact import redact_error

log = get_logger(__name__)

JobFn = Callable[["JobContext"], "dict[str, Any] | None"]


CANCEL_CODES = frozenset({"job_cancelled", "query_cancelled", "import_cancelled"})


class JobCancelled(ShuzhiError):
    def __init__(self) -> None:
        super().__init__("job_cancelled", "任务已取消。", "The job was cancelled.", 409)


@dataclass
class JobContext:
    job_id: int
    catalog: Catalog
    cancelled: threading.Event = field(default_factory=threading.Event)
    on_progress: Callable[[float, str | None], None] | None = None
    _last_write: float = 0.0

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Report progress (0..1). Throttled; the last value before finishing may be dropped."""
        if self.on_progress is not None:
            self.on_progress(fraction, message)
        now = time.monotonic()
        if now - self._last_write < 0.25 and fraction < 1.0:
            return
        self._last_write = now
        with self.catalog.session() as db:
            records.set_progress(db, self.job_id, fraction, message)

    def check_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise JobCancelled()


class JobRunner:
    def __init__(self, catalog: Catalog, *, workers: int = 2, home: str | Path = "") -> None:
        self.catalog = catalog
        self.home = home  # SHUZHI_HOME: paths under it (and other server roots) are cut from recorded errors
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shuzhi-job")
        self._events: dict[int, threading.Event] = {}
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, fn: JobFn, *, title: str, created_by: str | None = None,
               schedule_id: int | None = None) -> int:
        with self.catalog.session() as db:
            job_id = records.create_job(db, kind, title, created_by=created_by, schedule_id=schedule_id,
                                        owner=owners.current()).id
        ev = threading.Event()
        with self._lock:
            self._events[job_id] = ev
            self._futures[job_id] = self._pool.submit(self._run, job_id, fn, ev, None)
        return job_id

    def run_inline(self, kind: str, fn: JobFn, *, title: str, created_by: str | None = None,
                   on_progress: Callable[[float, str | None], None] | None = None,
                   schedule_id: int | None = None) -> dict[str, Any]:
        """Run now in this thread; returns the result, or raises the function's ShuzhiError."""
        with self.catalog.session() as db:
            job_id = records.create_job(db, kind, title, created_by=created_by, schedule_id=schedule_id,
                                        owner=owners.current()).id
        ev = threading.Event()
        with self._lock:
            self._events[job_id] = ev
        error = self._run(job_id, fn, ev, on_progress)
        if error is not None:
            raise error
        with self.catalog.session() as db:
            job = records.get_job(db, job_id)
            return {"job_id": job_id, **(job.result or {})}

    def _run(self, job_id: int, fn: JobFn, ev: threading.Event,
             on_progress: Callable[[float, str | None], None] | None) -> ShuzhiError | None:
        ctx = JobContext(job_id, self.catalog, ev, on_progress)
        try:
            with self.catalog.session() as db:
                records.mark_running(db, job_id)
            if ev.is_set():
                raise JobCancelled()
            result = fn(ctx) or {}
            with self.catalog.session() as db:
                records.finish(db, job_id, "succeeded", result=result)
            return None
        except JobCancelled as exc:
            with self.catalog.session() as db:
                records.finish(db, job_id, "cancelled", error=exc.to_dict())
            return exc
        except ShuzhiError as exc:
            cancelled = ev.is_set() and exc.code in CANCEL_CODES
            shown = JobCancelled() if cancelled else redact_error(exc, self.home)  # users read job errors
            with self.catalog.session() as db:
                records.finish(db, job_id, "cancelled" if cancelled else "failed", error=shown.to_dict())
            return JobCancelled() if cancelled else exc
        except Exception as exc:  # noqa: BLE001 - recorded for the user, logged for us
            log.exception("job_failed", job_id=job_id)
            err = ShuzhiError("job_internal_error", f"任务意外失败（{type(exc).__name__}），详情见服务日志。",
                              f"The job failed unexpectedly ({type(exc).__name__}); see the server log.", 500)
            with self.catalog.session() as db:
                records.finish(db, job_id, "failed", error=err.to_dict())
            return err
        finally:
            with self._lock:
                self._events.pop(job_id, None)
                self._futures.pop(job_id, None)

    def cancel(self, job_id: int) -> bool:
        """Ask a queued or running job of this process to stop; False if it is not running here."""
        with self._lock:
            ev = self._events.get(job_id)
        if ev is None:
            return False
        ev.set()
        return True

    def active(self) -> set[int]:
        """Ids of the jobs queued or running in this process (the startup sweep leaves them alone)."""
        with self._lock:
            return set(self._events)

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until a job submitted by this process has finished (tests, CLI)."""
        with self._lock:
            fut = self._futures.get(job_id)
        if fut is not None:
            fut.result(timeout=timeout)

    def shutdown(self) -> None:
        with self._lock:
            for ev in self._events.values():
                ev.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
