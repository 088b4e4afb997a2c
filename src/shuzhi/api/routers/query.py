"""POST /api/v1/query: answer a QuerySpec as JSON, or as Arrow IPC when asked."""

from __future__ import annotations

import asyncio
import threading

import pyarrow as pa
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.roles import has_permission
from shuzhi.results.result import QueryResult
from shuzhi.results.schema import QueryAnswer
from shuzhi.service.query import query as run_spec
from shuzhi.spec.query_spec import QuerySpec

router = APIRouter(tags=["query"])
ARROW_STREAM = "application/vnd.apache.arrow.stream"


@router.post("/query", response_model=QueryAnswer, responses={**ERRORS, 200: {"content": {ARROW_STREAM: {}}}},
             summary="Answer a QuerySpec / 执行查询")
async def run(spec: QuerySpec, request: Request, rt: RuntimeDep) -> Response:
    purpose = request.headers.get("x-shuzhi-purpose", "api")
    purpose = purpose if purpose in ("ui", "api", "export") else "api"
    parts = auth_parts(request)

    def answer() -> QueryResult:
        # Authentication and the query share one worker thread; the catalog session is closed
        # before the query runs, so no metadata connection waits on the warehouse.
        with rt.catalog.session() as db:
            principal = authorize(rt, parts, db)
        request.state.principal = principal
        return run_spec(rt, spec, principal.context(), purpose=purpose, cancel=cancel, freshness=True)

    # A client that goes away cancels its query (the engine interrupts it within ~50 ms).
    cancel = threading.Event()
    task = asyncio.ensure_future(run_in_threadpool(answer))
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.25)
        if done:
            break
        if await request.is_disconnected():
            cancel.set()
    result = task.result()
    if ARROW_STREAM in request.headers.get("accept", ""):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, result.table.schema) as writer:
            writer.write_table(result.table)
        return Response(sink.getvalue().to_pybytes(), media_type=ARROW_STREAM,
                        headers={"X-Shuzhi-Cached": str(result.cached).lower()})
    import json

    body = result.to_json_obj()
    if not has_permission(request.state.principal.role, "data:raw"):
        body.pop("sql", None)  # the generated SQL shows raw tables and the caller's row-rule filter
    body["spec"] = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Response(json.dumps(body, ensure_ascii=False, allow_nan=False), media_type="application/json")
