"""POST /api/v1/rd/allocate: project priority and the best portfolio (a thin wrapper over
shuzhi.service.rd_allocate, read as the calling user, so row rules apply)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.innovation.allocate_schemas import AllocateOut
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service import rd_allocate

router = APIRouter(tags=["innovation"])
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class AllocateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    budget: float | Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="元, or text like 3000万 / 1.2亿; default: the rd_capacity plan.")
    headcount: int | None = Field(default=None, ge=0, le=1_000_000, description="Default: the rd_capacity plan.")
    must: list[Id] = Field(default=[], max_length=500, description="Candidate ids that must be funded.")
    exclude: list[Id] = Field(default=[], max_length=500, description="Candidate ids never funded.")
    keep_running: bool = Field(default=False, description="Pre-select every running project not excluded (by "
                               "default they compete with the proposals for the same budget).")
    weights: dict[str, float] | None = Field(default=None, description="Score weights (strategic_fit, "
                                             "expected_value, risk, field_signal), scaled to add up to 1.")
    prior_strength: float = Field(default=4.0, gt=0, le=1000)


@router.post("/rd/allocate", response_model=AllocateOut, responses={**ERRORS, 404: {}, 422: {}},
             summary="Project priority and allocation / 立项优先级与资源分配")
async def allocate(body: AllocateRequest, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db)
        return rd_allocate.allocate(rt, p.context(), budget=body.budget, headcount=body.headcount,
                                    must=body.must, exclude=body.exclude, keep_running=body.keep_running,
                                    weights=body.weights, prior_strength=body.prior_strength)

    return await run_in_threadpool(call)
