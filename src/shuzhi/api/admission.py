"""Admission control: a bounded queue in front of the API, so overload answers 503 instead of hanging.

Invariants
- At most `limit` API requests run at once in this process; up to `queue` more wait in FIFO order,
  each at most `timeout` seconds. A request that finds the queue full, or waits too long, gets
  503 {"error": {"code": "server_busy", ...}} (Chinese or English by Accept-Language) with a
  Retry-After header, having done no work.
- A slot is handed from a finishing request straight to the oldest waiter, so waiters cannot be
  overtaken and `active` never exceeds `limit`. A waiter that gives up (timeout, client gone)
  returns a slot it was handed meanwhile.
- Exempt: /api/v1/health (liveness must answer under load) and everything outside /api/ (the
  web app's static files), which do no blocking work.
- The worker-thread pool (anyio's default limiter, used by sync routes and run_in_threadpool) is
  sized to `threads` (> limit), so an admitted request does not wait for a thread.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from shuzhi.api.i18n import pick_language
from shuzhi.log import get_logger

log = get_logger("shuzhi.admission")
EXEMPT = ("/api/v1/health",)


class AdmissionMiddleware:
    """Pure ASGI middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, limit: int, queue: int, timeout: float, retry_after: int,
                 threads: int | None = None) -> None:
        self.app = app
        self.limit = max(1, limit)
        self.queue = max(0, queue)
        self.timeout = timeout
        self.retry_after = retry_after
        self.threads = threads
        self.active = 0
        self.rejected = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._sized_loops: set[int] = set()

    @property
    def waiting(self) -> int:
        return sum(1 for f in self._waiters if not f.done())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/") or path in EXEMPT:
            await self.app(scope, receive, send)
            return
        self._size_threads()
        if not await self._acquire():
            self.rejected += 1
            await self._busy(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    # -- slots ---------------------------------------------------------------------------
    async def _acquire(self) -> bool:
        if self.active < self.limit and not self._waiters:
            self.active += 1
            return True
        if self.waiting >= self.queue:
            return False
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(asyncio.shield(fut), self.timeout)
            return True  # the releasing request handed its slot over (active unchanged)
        except TimeoutError:
            if fut.done() and not fut.cancelled():
                return True  # handed a slot at the last moment
            fut.cancel()
            return False
        except BaseException:  # cancelled: the client went away or the server stops
            if fut.done() and not fut.cancelled():
                self._release()  # handed a slot while giving up: pass it on
            else:
                fut.cancel()
            raise
        finally:
            try:
                self._waiters.remove(fut)
            except ValueError:
                pass

    def _release(self) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)  # the slot goes to the oldest waiter
                return
        self.active -= 1

    def _size_threads(self) -> None:
        """Size the worker-thread pool once per event loop (anyio keeps one limiter per loop)."""
        if self.threads is None:
            return
        loop = id(asyncio.get_running_loop())
        if loop not in self._sized_loops:
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
            self._sized_loops.add(loop)

    # -- the answer ----------------------------------------------------------------------
    async def _busy(self, scope: Scope, send: Send) -> None:
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        lang = pick_language(headers.get(b"accept-language", b"").decode("latin-1"))
        message = (f"服务器繁忙，请 {self.retry_after} 秒后重试。" if lang == "zh"
                   else f"The server is busy; try again in {self.retry_after} s.")
        err: dict[str, str] = {"code": "server_busy", "message": message}
        rid = (scope.get("state") or {}).get("request_id")
        if rid:
            err["request_id"] = rid
        body = json.dumps({"error": err}, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 503, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after).encode())]})
        await send({"type": "http.response.body", "body": body})


def install(app, settings) -> None:  # type: ignore[no-untyped-def]
    """Add the middleware with the limits from settings (call before RequestContextMiddleware is
    added, so the request id wraps the 503 too)."""
    app.add_middleware(AdmissionMiddleware, limit=settings.max_concurrent_requests,
                       queue=settings.max_queued_requests, timeout=settings.queue_timeout_s,
                       retry_after=settings.retry_after_s, threads=settings.worker_threads)
