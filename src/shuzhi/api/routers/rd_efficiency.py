"""GET /api/v1/rd/efficiency: the R&D efficiency report, a thin wrapper over shuzhi.service.rd_efficiency.

Numbers are read through QuerySpecs as the calling user, so row and column rules apply.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.innovation.efficiency_schemas import EfficiencyOut
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service import rd_efficiency

router = APIRouter(tags=["innovation"])


@router.get("/rd/efficiency", response_model=EfficiencyOut, responses=ERRORS,
            summary="R&D efficiency: funnel, lags, budgets, time to grant / 研发效率")
async def efficiency(request: Request, rt: RuntimeDep,
                     field: str | None = Query(default=None, max_length=100,
                                               description="One technology field, e.g. 精密传动.")) -> dict[str, Any]:
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db)
        return rd_efficiency.efficiency(rt, p.context(), field=field)

    return await run_in_threadpool(call)
