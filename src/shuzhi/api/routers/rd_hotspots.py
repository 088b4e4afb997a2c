"""GET /api/v1/rd/hotspots, /rd/whitespace, /rd/topics/{topic_id}/patents and /rd/techmap: thin wrappers
over shuzhi.service.rd_hotspots (patents read as the calling user: row and column rules apply; the
mined topics are kept per data version, so only the first request after a data change mines)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.innovation.schemas import DrillOut, HotspotsOut, TechMapOut, WhitespaceOut
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service import rd_hotspots

router = APIRouter(prefix="/rd", tags=["innovation"])
Field_ = Annotated[str | None, Query(max_length=100, description="Only this tech field, e.g. 精密传动.")]
Years = Annotated[int | None, Query(ge=1, le=50, description="Only the patents of the last N years.")]


async def _run(request: Request, rt: RuntimeDep, work) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db)
        return work(p.context())  # type: ignore[no-any-return]

    return await run_in_threadpool(call)


@router.get("/hotspots", response_model=HotspotsOut, responses=ERRORS, summary="Rising and falling patent topics / 技术热点")
async def hotspots(request: Request, rt: RuntimeDep, field: Field_ = None, years: Years = None) -> dict[str, Any]:
    return await _run(request, rt, lambda user: rd_hotspots.hotspots(rt, user, field=field, years=years))


@router.get("/whitespace", response_model=WhitespaceOut, responses=ERRORS, summary="White spaces / 技术空白")
async def whitespace(request: Request, rt: RuntimeDep, field: Field_ = None, years: Years = None) -> dict[str, Any]:
    return await _run(request, rt, lambda user: rd_hotspots.whitespace(rt, user, field=field, years=years))


@router.get("/topics/{topic_id}/patents", response_model=DrillOut, responses=ERRORS,
            summary="A topic's patents / 主题下的专利")
async def topic_patents(topic_id: str, request: Request, rt: RuntimeDep, field: Field_ = None, years: Years = None,
                        offset: Annotated[int, Query(ge=0)] = 0,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    return await _run(request, rt, lambda user: rd_hotspots.drill(rt, user, topic_id, field=field, years=years,
                                                                  offset=offset, limit=limit))


@router.get("/techmap", response_model=TechMapOut, responses=ERRORS,
            summary="Technology map: tech field × year × applicant / 技术地图")
async def techmap(request: Request, rt: RuntimeDep, field: Field_ = None, years: Years = None) -> dict[str, Any]:
    return await _run(request, rt, lambda user: rd_hotspots.techmap(rt, user, field=field, years=years))
