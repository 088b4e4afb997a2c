"""POST /api/v1/ask: a question → QuerySpec → answer, with how it was understood."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.ai.nl.answer import AskAnswer
from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.roles import has_permission
from shuzhi.service.ask import ask as ask_question

router = APIRouter(tags=["ask"])


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    conversation_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    choice: int | None = Field(default=None, description="Answer the question's clarification with its choice N "
                               "(1-based: `clarify.choices[N-1]`); a choice the question does not offer is a 400 "
                               "(bad_choice).")


@router.post("/ask", response_model=AskAnswer, response_model_exclude_unset=True, responses=ERRORS, summary="Ask in Chinese or English / 智能问答")
async def ask(body: AskRequest, request: Request, rt: RuntimeDep) -> dict[str, Any]:
    parts = auth_parts(request)

    def answer() -> dict[str, Any]:
        with rt.catalog.session() as db:
            p = authorize(rt, parts, db)
        # the session is closed: parsing and the query take short sessions of their own
        answer = ask_question(rt, body.question, p.context(), conversation=body.conversation_id,
                              choice=body.choice)
        if answer.get("result") and not has_permission(p.role, "data:raw"):
            answer["result"].pop("sql", None)  # raw tables and the caller's row-rule filter
        return answer

    return await run_in_threadpool(answer)
