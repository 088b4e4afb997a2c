"""GET /api/v1/assess and PUT /api/v1/assess/answers: the 专精特新 self-assessment (service/assess.py).

The facts are read as the caller (row and column rules apply); answering needs content:edit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.innovation.assess_schemas import AnswersOut, AssessOut
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service import assess as service
from shuzhi.service import assess_report
from shuzhi.service.renders import server_url

router = APIRouter(prefix="/assess", tags=["innovation"])

Answer = float | int | bool | str | list[str] | None


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Answer] = Field(description="Item key → value (null clears it). Numbers may be typed as "
                                       "text (35%, 3000万); yes/no as true/false or 是/否.", max_length=100)


async def _run(request: Request, rt: RuntimeDep, permission: str, work) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    parts = auth_parts(request)

    def call() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db, permission)
        return work(p.context())

    return await run_in_threadpool(call)


@router.get("", response_model=AssessOut, responses=ERRORS, summary="专精特新 self-assessment / 专精特新自评")
async def get_assessment(request: Request, rt: RuntimeDep,
                         year: int | None = Query(default=None, description="The assessment year (default: this "
                                                  "year); the criteria read the years before it.")) -> dict[str, Any]:
    return await _run(request, rt, "content:view", lambda user: service.assess(rt, user, year=year))


@router.put("/answers", response_model=AnswersOut, responses=ERRORS,
            summary="Answer the self-assessment's questions / 填报自评项")
async def put_answers(body: AnswersIn, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    return await _run(request, rt, "content:edit", lambda user: service.save_answers(rt, user, body.answers))


@router.get("/answers", response_model=AnswersOut, responses=ERRORS,
            summary="The self-assessment's questions and answers / 自评填报项")
async def get_answers(request: Request, rt: RuntimeDep) -> dict[str, Any]:
    return await _run(request, rt, "content:view", lambda user: service.questions(rt))


@router.get("/report", response_class=Response, responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
            summary="The self-assessment as a PDF / 自评报告 PDF")
async def get_report(request: Request, rt: RuntimeDep,
                     year: int | None = Query(default=None, description="The assessment year (default: this year).")
                     ) -> Response:
    parts = auth_parts(request)

    def call() -> bytes:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db, "content:view")
        return assess_report.report_pdf(rt, p.username, year, base_url=server_url(rt))

    pdf = await run_in_threadpool(call)
    name = f"assess-{year or rt.settings.today_date().year}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
