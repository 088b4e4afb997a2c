"""Liveness and readiness: no login needed, no secrets shown."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shuzhi import __version__
from shuzhi.api.deps import RuntimeDep
from shuzhi.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Service health / 服务状态")
def health(rt: RuntimeDep, response: Response) -> Health:
    meta_ok = rt.catalog.ping()
    wh_ok = rt.settings.warehouse_path.exists()
    if not meta_ok:
        response.status_code = 503
    return Health(
        status="ok" if meta_ok else "degraded",
        version=__version__,
        metadata="ok" if meta_ok else "unavailable",
        warehouse="ok" if wh_ok else "missing",
        today=rt.settings.today_date().isoformat(),
    )
