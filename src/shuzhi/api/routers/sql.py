"""Read-only SQL for administrators (the permissioned raw path; everyone else uses QuerySpecs).

The statement runs in the sandboxed warehouse (no files, URLs or other databases), inside a READ
ONLY transaction, streamed: at most min(limit, SHUZHI_SQL_ROW_CAP) rows and SHUZHI_SQL_RESULT_MAX_MB
are ever read (truncated=true says there was more), and it is cancelled after SHUZHI_SQL_TIMEOUT_S.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.api.schemas import SqlRequest, SqlResult
from shuzhi.auth.credentials import Principal
from shuzhi.results.encoders import to_columns, to_rows
from shuzhi.service.executor import raw_sql_warehouse

router = APIRouter(tags=["sql"])
SqlUser = Annotated[Principal, Depends(require("sql:run"))]


@router.post("/sql", response_model=SqlResult, responses=ERRORS, summary="Run read-only SQL / 只读 SQL")
async def run_sql(body: SqlRequest, user: SqlUser, rt: RuntimeDep) -> SqlResult:
    s = rt.settings
    wh = await run_in_threadpool(raw_sql_warehouse, rt)
    res = await run_in_threadpool(
        wh.read_query, body.sql, max_rows=min(body.limit, s.sql_row_cap),
        max_bytes=s.sql_result_max_mb * 1024 * 1024, timeout_s=s.sql_timeout_s)
    return SqlResult(columns=to_columns(res.table), rows=to_rows(res.table), truncated=res.truncated)  # type: ignore[arg-type]
