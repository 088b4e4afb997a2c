"""Read-only SQL for administrators (the permissioned raw path; everyone else uses QuerySpecs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.api.schemas import SqlRequest, SqlResult
from shuzhi.auth.credentials import Principal
from shuzhi.results.encoders import to_columns, to_rows

router = APIRouter(tags=["sql"])
SqlUser = Annotated[Principal, Depends(require("sql:run"))]


@router.post("/sql", response_model=SqlResult, responses=ERRORS, summary="Run read-only SQL / 只读 SQL")
async def run_sql(body: SqlRequest, user: SqlUser, rt: RuntimeDep) -> SqlResult:
    table = await run_in_threadpool(rt.warehouse(read_only=True).run_read_only, body.sql)
    truncated = table.num_rows > body.limit
    if truncated:
        table = table.slice(0, body.limit)
    return SqlResult(columns=to_columns(table), rows=to_rows(table), truncated=truncated)  # type: ignore[arg-type]
