"""Liveness and readiness: no login needed, no secrets shown.

Answers under load: the route is async and exempt from admission control (api/admission.py); the
metadata ping runs on a thread limiter of its own (not the request threads) with a connection of
its own (not the request pool), at most once a second, and counts as "unavailable" after 3 s.
"""

from __future__ import annotations

import time

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Response

from shuzhi import __version__
from shuzhi.api.deps import RuntimeDep
from shuzhi.api.schemas import Health
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime

router = APIRouter(tags=["health"])
PING_TIMEOUT_S = 3.0
PING_EVERY_S = 1.0
_last: dict[int, tuple[float, bool]] = {}  # id(catalog) → (monotonic time, reachable)
_limiter: RunVar[anyio.CapacityLimiter] = RunVar("shuzhi_health_limiter")  # one per event loop


async def _meta_ok(rt: RuntimeDep) -> bool:
    cat = rt.catalog
    seen = _last.get(id(cat))
    if seen is not None and time.monotonic() - seen[0] < PING_EVERY_S:
        return seen[1]
    try:
        limiter = _limiter.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(2)
        _limiter.set(limiter)
    ok = False
    with anyio.move_on_after(PING_TIMEOUT_S):
        ok = await anyio.to_thread.run_sync(cat.ping, limiter=limiter, abandon_on_cancel=True)
    _last.clear()
    _last[id(cat)] = (time.monotonic(), ok)
    return ok


def _external_ok(rt: Runtime) -> bool:
    """The external warehouse (SHUZHI_WAREHOUSE_URL) answers (its data version is one small read)."""
    try:
        rt.data_version()
    except ShuzhiError:
        return False
    return True


@router.get("/health", response_model=Health, summary="Service health / 服务状态")
async def health(rt: RuntimeDep, response: Response) -> Health:
    meta_ok = await _meta_ok(rt)
    wh_ok = rt.settings.warehouse_path.exists() if not rt.settings.warehouse_url else \
        await anyio.to_thread.run_sync(_external_ok, rt)
    if not meta_ok:
        response.status_code = 503
    return Health(
        status="ok" if meta_ok else "degraded",
        version=__version__,
        metadata="ok" if meta_ok else "unavailable",
        warehouse="ok" if wh_ok else "missing",
        today=rt.settings.today_date().isoformat(),
    )
