"""File imports over HTTP: upload + preview, then import as a background job (GET /jobs/{id}).

Importing needs data:raw (editors and administrators). An upload is kept under
SHUZHI_HOME/uploads for 24 hours and only its uploader (or an administrator) may use it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shuzhi.api.deps import RuntimeDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.errors import ShuzhiError
from shuzhi.service import imports as imp
from shuzhi.service import uploads

router = APIRouter(prefix="/imports", tags=["imports"])
Importer = Annotated[Principal, Depends(require("data:raw"))]
CHUNK = 1024 * 1024


class ColumnIn(BaseModel):
    name: str | None = Field(default=None, max_length=63)
    label: str | None = Field(default=None, max_length=200)
    type: str | None = Field(default=None, max_length=40)


class ColumnOut(BaseModel):
    name: str
    label: str
    type: str


class SheetOut(BaseModel):
    name: str
    rows: int | None = Field(default=None, description="Data rows to import (below the header; blank rows and "
                             "left-out totals rows not counted); known for the sheet that was read")
    columns: int | None = None
    rows_before_data: int | None = Field(default=None, description="Title and header rows above the data")


class ImportPreview(BaseModel):
    upload_id: str
    filename: str
    size: int
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    has_header: bool
    sheets: list[SheetOut] = []
    sheet: str | None = None
    totals_rows: list[int] = Field(default=[], description="Excel rows flagged as totals (left out unless keep_totals)")
    data_rows: int | None = Field(default=None, description="Data rows the import would read, header and title "
                                  "lines not counted (CSV and Excel; null for other formats)")
    rows_before_data: int | None = Field(default=None, description="Title and header rows above the data")
    confidence: str = Field(description="high | low: low when the header looks like a title, holds numbers, "
                            "has missing or repeated names, or the columns below it mix text and numbers")
    confidence_reasons: list[str] = Field(default=[], description="Why the confidence is low: header_like_title, "
                                          "header_has_values, header_incomplete, mixed_columns, no_header_found, "
                                          "ragged_rows")
    footer_rows: list[int] = Field(default=[], description="Rows (lines) of notes below the data (备注, 制表人 ...), "
                                   "left out")
    top_rows: list[list[str]] = Field(default=[], description="The first rows of the sheet or file as text, to show "
                                      "which row is the header (header_row) and choose another")
    table: str
    columns: list[ColumnOut]
    rows: list[list[Any]]


class ImportRequest(BaseModel):
    upload_id: str = Field(min_length=1, max_length=64)
    table: str | None = Field(default=None, max_length=63)
    mode: str = Field(default="replace", pattern="^(replace|append|upsert)$")
    key: list[str] = []
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = Field(default=None, max_length=2)
    header_row: int | None = Field(default=None, ge=0)
    skip_bad_rows: bool = False
    keep_totals: bool = False
    force: bool = False
    columns: list[ColumnIn] | None = None


class ImportStarted(BaseModel):
    job_id: int
    table: str


def _opts(table: str | None = None, sheet: str | None = None, encoding: str | None = None,
          delimiter: str | None = None, header_row: int | None = None, **kw: Any) -> imp.ImportOptions:
    if delimiter is not None and delimiter.lower() in ("\\t", "tab"):
        delimiter = "\t"
    if delimiter is not None and len(delimiter) != 1:
        raise ShuzhiError("bad_delimiter", "分隔符必须是一个字符（或 tab）。", "The delimiter must be one character (or tab).")
    return imp.ImportOptions(table=table or None, sheet=sheet or None, encoding=encoding or None, delimiter=delimiter,
                             header_row=header_row, **kw)


@router.post("/preview", response_model=ImportPreview, responses=ERRORS, summary="Upload and preview a file / 上传并预览")
async def preview(request: Request, user: Importer, rt: RuntimeDep,
                  file: UploadFile | None = File(default=None, description="The file (or give upload_id)"),
                  upload_id: str | None = Form(default=None), table: str | None = Form(default=None),
                  sheet: str | None = Form(default=None), encoding: str | None = Form(default=None),
                  delimiter: str | None = Form(default=None), header_row: int | None = Form(default=None, ge=0),
                  keep_totals: bool = Form(default=False)) -> ImportPreview:
    """Store the upload (size-limited) and return the detected layout, inferred column types and first rows.
    Preview an earlier upload again with other options by passing its upload_id instead of a file."""
    settings = rt.settings
    if file is not None:
        def chunks():  # type: ignore[no-untyped-def]
            while True:
                b = file.file.read(CHUNK)
                if not b:
                    return
                yield b

        up = await run_in_threadpool(uploads.save_upload, settings, chunks(), file.filename or "upload", user.username)
    elif upload_id:
        up = uploads.get_upload(settings, upload_id, user.username, is_admin=user.role == "admin")
    else:
        raise ShuzhiError("file_missing", "请上传文件（file），或给出已上传文件的 upload_id。",
                          "Upload a file (file) or give the upload_id of an earlier upload.")
    opts = _opts(table, sheet, encoding, delimiter, header_row, keep_totals=keep_totals)
    p = await run_in_threadpool(imp.preview, rt, up.path, up.filename, opts)
    return ImportPreview(upload_id=up.id, filename=up.filename, size=up.size, **p)


@router.post("", status_code=202, response_model=ImportStarted, responses=ERRORS,
             summary="Import an uploaded file (a job) / 导入")
def start_import(body: ImportRequest, user: Importer, rt: RuntimeDep) -> ImportStarted:
    """Start importing an upload into the warehouse; follow it with GET /api/v1/jobs/{job_id}."""
    up = uploads.get_upload(rt.settings, body.upload_id, user.username, is_admin=user.role == "admin")
    cols = [c.model_dump() for c in body.columns] if body.columns is not None else None
    if cols is not None:
        from shuzhi.engines.import_sources import check_type

        for c in cols:  # refuse bad types now, not minutes later in the job
            if c.get("type"):
                check_type(c["type"])
    opts = _opts(body.table, body.sheet, body.encoding, body.delimiter, body.header_row, mode=body.mode,
                 key=body.key, skip_bad_rows=body.skip_bad_rows, keep_totals=body.keep_totals, force=body.force,
                 columns=cols)
    if opts.mode == "upsert" and not any(k.strip() for k in opts.key):
        raise ShuzhiError("upsert_key_missing", "按键更新（upsert）需要指定键列（key）。", "An upsert needs key columns (key).")
    job_id = imp.submit_import(rt, up.path, up.filename, opts, user=user.username)
    return ImportStarted(job_id=job_id, table=opts.table or "")
