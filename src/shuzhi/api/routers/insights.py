"""POST /api/v1/forecast, /api/v1/anomalies and /api/v1/explain: thin wrappers over shuzhi.service.insights.

Series are read through QuerySpecs as the calling user, so row and column rules apply.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.insights.schemas import AnomaliesOut, Explanation, ForecastOut
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service import insights
from shuzhi.spec.query_spec import FilterNode

router = APIRouter(tags=["insights"])
Grain = Literal["day", "week", "month", "quarter", "year"]


class _Req(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    metric: str = Field(max_length=128)
    model: str | None = Field(default=None, max_length=128, description="The model (default: the default model).")
    where: list[FilterNode] = Field(default=[], max_length=50)


class ForecastRequest(_Req):
    grain: Grain = "month"
    horizon: int = Field(default=6, ge=1, le=120)
    by: str | None = Field(default=None, max_length=200)


class AnomalyRequest(_Req):
    grain: Grain = "month"
    by: str | None = Field(default=None, max_length=200)


class ExplainRequest(_Req):
    to: str = Field(max_length=20, description="Period: 2025-06, 2025-Q2, 2025 or 2025-06-15.")
    from_: str | None = Field(default=None, alias="from", max_length=20, description="Default: the period before.")
    by: list[str] | None = Field(default=None, max_length=20, description="Dimensions; default: all reachable.")


def _where(req: _Req) -> list[dict[str, Any]]:
    return [w.model_dump(mode="json", by_alias=True, exclude_none=True) for w in req.where]  # type: ignore[union-attr]


async def _run(request: Request, rt: RuntimeDep, work) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db)
        return work(p.context())

    return await run_in_threadpool(call)


@router.post("/forecast", response_model=ForecastOut, response_model_exclude_unset=True, responses=ERRORS, summary="Forecast a metric / 预测")
async def forecast(body: ForecastRequest, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    return await _run(request, rt, lambda user: insights.forecast(rt, user, body.metric, body.grain, body.horizon,
                                                                  by=body.by, where=_where(body), model=body.model))


@router.post("/anomalies", response_model=AnomaliesOut, response_model_exclude_unset=True, responses=ERRORS,
              summary="Find anomalies / 异常检测")
async def anomalies(body: AnomalyRequest, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    return await _run(request, rt, lambda user: insights.anomalies(rt, user, body.metric, body.grain, by=body.by,
                                                                   where=_where(body), model=body.model))


@router.post("/explain", response_model=Explanation, response_model_exclude_unset=True, responses=ERRORS, summary="Why did it change / 归因分析")
async def explain(body: ExplainRequest, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    return await _run(request, rt, lambda user: insights.explain(rt, user, body.metric, body.to, body.from_,
                                                                 by=body.by, where=_where(body), model=body.model))
