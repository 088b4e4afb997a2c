"""The admission queue (api/admission.py): bounded, FIFO, 503 + Retry-After instead of hanging."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from shuzhi.api.admission import AdmissionMiddleware


def _app(gate: asyncio.Event, seen: list[str]):  # type: ignore[no-untyped-def]
    """A plain ASGI app whose /api/v1/slow requests wait for `gate`."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])
        if scope["path"] == "/api/v1/slow":
            await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _client(mw: AdmissionMiddleware) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=mw), base_url="http://t", timeout=10)


async def _until(cond, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.01)):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


def test_full_queue_answers_503_with_retry_after_and_health_is_exempt() -> None:
    async def main() -> None:
        gate, seen = asyncio.Event(), []
        mw = AdmissionMiddleware(_app(gate, seen), limit=1, queue=1, timeout=5, retry_after=3)
        async with _client(mw) as c:
            running = asyncio.create_task(c.get("/api/v1/slow"))
            await _until(lambda: mw.active == 1)
            queued = asyncio.create_task(c.get("/api/v1/slow"))
            await _until(lambda: mw.waiting == 1)

            full = await c.get("/api/v1/slow")  # neither a slot nor a place in the queue
            assert full.status_code == 503
            assert full.headers["retry-after"] == "3"
            assert full.json()["error"]["code"] == "server_busy"
            assert "服务器繁忙" in full.json()["error"]["message"]
            en = await c.get("/api/v1/other", headers={"Accept-Language": "en"})
            assert en.status_code == 503 and "busy" in en.json()["error"]["message"]
            assert seen.count("/api/v1/other") == 0  # a shed request did no work

            health = await c.get("/api/v1/health")  # exempt: answers while everything is full
            assert health.status_code == 200
            static = await c.get("/assets/app.js")  # the web app's files are not API work
            assert static.status_code == 200

            gate.set()
            assert (await running).status_code == 200
            assert (await queued).status_code == 200  # the waiter got the slot, in order
            assert mw.active == 0 and mw.waiting == 0 and mw.rejected == 2
            assert (await c.get("/api/v1/other")).status_code == 200  # recovered at once

    asyncio.run(main())


def test_a_request_that_waits_too_long_gets_503_and_gives_its_place_back() -> None:
    async def main() -> None:
        gate, seen = asyncio.Event(), []
        mw = AdmissionMiddleware(_app(gate, seen), limit=1, queue=5, timeout=0.2, retry_after=1)
        async with _client(mw) as c:
            running = asyncio.create_task(c.get("/api/v1/slow"))
            await _until(lambda: mw.active == 1)
            late = await c.get("/api/v1/quick")  # queued, but the slot does not free within 0.2 s
            assert late.status_code == 503 and late.headers["retry-after"] == "1"
            assert mw.waiting == 0
            gate.set()
            assert (await running).status_code == 200
            assert mw.active == 0
            assert (await c.get("/api/v1/quick")).status_code == 200

    asyncio.run(main())


def test_the_app_wires_admission_with_limits_from_settings(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(SHUZHI_MAX_CONCURRENT_REQUESTS="3", SHUZHI_MAX_QUEUED_REQUESTS="7",
                         SHUZHI_QUEUE_TIMEOUT_S="1.5", SHUZHI_RETRY_AFTER_S="4")
    assert client.get("/api/v1/health").status_code == 200
    stack = client.app.middleware_stack
    while stack is not None and not isinstance(stack, AdmissionMiddleware):
        stack = getattr(stack, "app", None)
    assert stack is not None
    assert (stack.limit, stack.queue, stack.timeout, stack.retry_after) == (3, 7, 1.5, 4)
    assert stack.threads == 3 + 4  # worker threads = admitted requests + a few
