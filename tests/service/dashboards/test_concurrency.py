"""Issue 12, finding 5: concurrent dashboard viewers must not deadlock the server.

A real uvicorn server (in a thread, on a free loopback port) over the small demo: 60 concurrent
GET /dashboards/cockpit (as the web app opens it: view=true records the view, a catalog write) and
60 with view=false all answer (200, or 503 with Retry-After when the admission queue is full)
within a bound, and /health answers throughout. (Before: the writes queued on SQLite's lock while
holding pooled connections, the pool ran dry, requests and /health hung 30 s and more.) Identical concurrent dashboard data
requests run once; viewers with different row rules are never merged.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from shuzhi_testing import TEST_PASSWORD, client_over, free_port, login, restricted_viewer

CONCURRENT = 60
BOUND_S = 25.0  # every request answers within this (the old server hung 30 s+ on its pool)
HEALTH_BOUND_S = 10.0  # /health keeps answering (the old server stopped for minutes); generous for loaded CI machines




@contextlib.contextmanager
def _serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a real uvicorn server in a thread (lifespan off: the test's client owns the runtime)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


async def _burst(base: str, n: int) -> tuple[list[tuple[int | str, str | None, float]], list[float]]:
    """n concurrent cockpit opens (view=true) and n reads (view=false) as admin, and a /health
    probe every 0.2 s meanwhile."""
    limits = httpx.Limits(max_connections=2 * n + 5, max_keepalive_connections=2 * n + 5)
    async with httpx.AsyncClient(base_url=base, timeout=BOUND_S + 5, limits=limits) as c:
        r = await c.post("/api/v1/auth/login", json={"username": "admin", "password": TEST_PASSWORD})
        assert r.status_code == 200, r.text
        done = asyncio.Event()
        health: list[float] = []

        async def probe() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=HEALTH_BOUND_S + 2) as hc:
                while not done.is_set():
                    t0 = time.perf_counter()
                    try:
                        ok = (await hc.get("/api/v1/health")).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    health.append(time.perf_counter() - t0 if ok else float("inf"))
                    await asyncio.sleep(0.2)

        async def one(view: str) -> tuple[int | str, str | None, float]:
            t0 = time.perf_counter()
            try:
                resp = await c.get("/api/v1/dashboards/cockpit", params={"view": view})
                return resp.status_code, resp.headers.get("retry-after"), time.perf_counter() - t0
            except httpx.TimeoutException:
                return "timeout", None, time.perf_counter() - t0

        prober = asyncio.create_task(probe())
        results = await asyncio.gather(*(one(v) for _ in range(n) for v in ("true", "false")))
        done.set()
        await prober
        after = await c.get("/api/v1/dashboards/cockpit", params={"view": "false"})  # right after the burst
        assert after.status_code == 200, after.text
        return results, health


@pytest.mark.slow
@pytest.mark.parametrize("limits", [{}, {"SHUZHI_MAX_CONCURRENT_REQUESTS": "2", "SHUZHI_MAX_QUEUED_REQUESTS": "4"}],
                         ids=["default-limits", "tiny-queue"])
def test_60_concurrent_dashboard_reads_answer_and_health_stays_up(make_client, settings, demo_warehouse,
                                                                  monkeypatch, limits):  # type: ignore[no-untyped-def]
    for k, v in limits.items():
        monkeypatch.setenv(k, v)
    client = client_over(make_client, settings, demo_warehouse, dashboards=True)
    with _serve(client.app) as base:
        results, health = asyncio.run(_burst(base, CONCURRENT))
    statuses = [s for s, _, _ in results]
    assert all(s == 200 or (s == 503 and ra) for s, ra, _ in results), statuses
    assert max(dt for _, _, dt in results) < BOUND_S
    assert health and max(health) < HEALTH_BOUND_S, health
    assert 200 in statuses
    # Whether the tiny queue sheds depends on how fast the views are served (cheap, cached views may
    # never fill it); shedding itself is asserted deterministically in tests/api/test_admission.py.


def test_identical_concurrent_dashboard_requests_run_once(dash_api):  # type: ignore[no-untyped-def]
    client, h = dash_api
    answers = client.app.state.dashboard_answers
    before = answers.cache.misses
    n = 8
    barrier = threading.Barrier(n)
    bodies: list[bytes] = []

    def one() -> None:
        barrier.wait()
        r = client.post("/api/v1/dashboards/cockpit/data", json={"filters": {}}, headers=h)
        assert r.status_code == 200, r.text
        bodies.append(r.content)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(bodies) == n and len(set(bodies)) == 1
    assert answers.cache.misses - before == 1  # one execution; the others shared it (or its kept answer)


def test_single_flight_runs_a_computation_once_for_concurrent_callers() -> None:
    from shuzhi.engines.cache import ResultCache

    cache = ResultCache()
    n, calls = 6, []
    started = threading.Event()
    release = threading.Event()

    def compute() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "answer"

    out: list[str] = []
    first = threading.Thread(target=lambda: out.append(cache.single_flight("k", compute)))
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=lambda: out.append(cache.single_flight("k", compute))) for _ in range(n - 1)]
    for t in others:
        t.start()
    deadline = time.monotonic() + 10
    while cache.shared < n - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in [first, *others]:
        t.join(timeout=10)
    assert out == ["answer"] * n and len(calls) == 1
    assert cache.get("k") is None  # single_flight keeps nothing afterwards


def test_viewers_with_different_row_rules_are_not_merged(dash_api):  # type: ignore[no-untyped-def]
    client, _ = dash_api
    east, east_h, _ = restricted_viewer(client, "east_viewer", "华东")
    h = login(client)  # restricted_viewer logged the admin client in again
    password = "South-Viewer-Pass-01"
    assert client.post("/api/v1/users", json={"username": "south_viewer", "password": password, "role": "viewer",
                                              "attributes": {"region": "华南"}}, headers=h).status_code == 201
    south = type(client)(client.app, raise_server_exceptions=False)
    south_h = login(south, "south_viewer", password)
    answers = client.app.state.dashboard_answers
    before = answers.cache.misses

    barrier = threading.Barrier(2)
    got: dict[str, dict] = {}

    def one(name: str, c, headers) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        r = c.post("/api/v1/dashboards/cockpit/data", json={}, headers=headers)
        assert r.status_code == 200, r.text
        got[name] = r.json()

    threads = [threading.Thread(target=one, args=a) for a in (("east", east, east_h), ("south", south, south_h))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers.cache.misses - before == 2  # two rule signatures, two executions

    def kpis(body: dict) -> dict:
        return {k: c["result"]["rows"] for k, c in body["components"].items() if c["kind"] == "kpi" and c["result"]}

    assert kpis(got["east"]) and kpis(got["east"]) != kpis(got["south"])
    # each viewer's answer is the one they get alone, from a fresh process state
    answers.cache.clear()
    alone = east.post("/api/v1/dashboards/cockpit/data", json={}, headers=east_h).json()
    assert kpis(alone) == kpis(got["east"])
