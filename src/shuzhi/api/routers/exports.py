"""POST /api/v1/exports/query: a QuerySpec's answer as an XLSX or CSV download, as the caller sees it.

CSV streams (one chunk per Arrow batch: a million rows without holding them); XLSX is written to a
temporary file first (a workbook is a zip, finished only at its end) and sent from it. The spec runs
as the caller (row and column rules) through service.query_export; errors found before the first byte
(a bad spec, a forbidden field, the first batch's query error) are the usual JSON errors.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Callable
from itertools import chain
from typing import Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, auth_parts, authorize
from shuzhi.api.routers.auth import ERRORS
from shuzhi.service.query_export import FORMATS, QueryExport, prepare_query_export
from shuzhi.spec.query_spec import QuerySpec

router = APIRouter(prefix="/exports", tags=["exports"])
T = TypeVar("T")


class QueryExportRequest(BaseModel):
    """What to export: a QuerySpec (as POST /query takes it), the file format and the title row."""

    model_config = ConfigDict(extra="forbid")
    spec: QuerySpec
    format: Literal["xlsx", "csv"]
    title: str | None = Field(default=None, max_length=200,
                              description="The title row and file name (default: the metrics and dimensions).")


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback name and the real one per RFC 5987 / 6266 (filename*=UTF-8'')."""
    stem, _, ext = filename.rpartition(".")
    ascii_stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_ .") else "_" for ch in stem).strip(" _")
    fallback = f"{ascii_stem or 'export'}.{ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def _until_done(request: Request, cancel: threading.Event, fn: Callable[[], T]) -> T:
    """Run fn in a worker thread; set `cancel` when the client disconnects meanwhile."""
    task = asyncio.ensure_future(run_in_threadpool(fn))
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.25)
        if done:
            return task.result()
        if await request.is_disconnected():
            cancel.set()


def _headers(exp: QueryExport) -> dict[str, str]:
    h = {"Content-Disposition": content_disposition(exp.filename), "Cache-Control": "no-store"}
    if exp.as_of:
        h["X-Shuzhi-Data-As-Of"] = exp.as_of
    return h


@router.post("/query", response_class=Response, responses={
    **ERRORS, 200: {"content": {FORMATS["xlsx"]: {}, "text/csv": {}},
                    "description": "The file (Content-Disposition: attachment)."},
    413: {"description": "More rows than the export limit or an Excel worksheet holds."}},
    summary="Export a query as XLSX or CSV / 导出查询结果")
async def export_query(body: QueryExportRequest, request: Request, rt: RuntimeDep) -> Response:
    parts = auth_parts(request)

    def prepare() -> tuple[QueryExport, list]:  # type: ignore[type-arg]
        with rt.catalog.session() as db:
            principal = authorize(rt, parts, db)
        request.state.principal = principal
        exp = prepare_query_export(rt, body.spec, principal.context(), body.format, title=body.title, cancel=cancel)
        if exp.fmt == "csv":  # the first chunk (header and first batch) before the response: errors stay JSON
            chunks = exp.csv_chunks()
            return exp, [next(chunks), next(chunks, b""), chunks]
        return exp, []

    cancel = threading.Event()  # a client that goes away stops the query and the file (as POST /query does)
    exp, first = await _until_done(request, cancel, prepare)
    if exp.fmt == "csv":
        head, batch, rest = first
        return StreamingResponse(chain([head, batch], rest), media_type=exp.media_type, headers=_headers(exp),
                                 background=BackgroundTask(exp.close))

    def write_file() -> str:
        fd, path = tempfile.mkstemp(prefix="shuzhi-export-", suffix=".xlsx")
        try:
            with os.fdopen(fd, "wb") as f:
                exp.write(f)
        except BaseException:
            os.unlink(path)
            raise
        finally:
            exp.close()
        return path

    path = await _until_done(request, cancel, write_file)
    return FileResponse(path, media_type=exp.media_type, headers=_headers(exp),
                        background=BackgroundTask(os.unlink, path))
