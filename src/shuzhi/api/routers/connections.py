"""Database connections and the tables picked from them (administrators: connections:manage).

Passwords are write-only: accepted in request bodies, sealed before storage, never returned
(responses say password_set). Refreshes run as background jobs (GET /api/v1/jobs/{id}).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.params import ListLimit
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import connections as store
from shuzhi.delivery import schedules
from shuzhi.errors import ShuzhiError
from shuzhi.service import connections as conns
from shuzhi.service import refresh as R
from shuzhi.sources.databases import KINDS, ConnectionParts, allowed_kinds, installed_kinds

router = APIRouter(tags=["connections"])
Admin = Annotated[Principal, Depends(require("connections:manage"))]
Str = Annotated[str, Field(max_length=512)]


class ConnectionTestIn(BaseModel):
    kind: str = Field(max_length=32, description="postgresql, mysql, mariadb, doris, starrocks, sqlite, mssql, "
                                                 "oracle, clickhouse, trino")
    host: str | None = Field(default=None, max_length=253)
    port: int | None = None
    database: Str | None = None
    username: str | None = Field(default=None, max_length=128)
    password: str | None = Field(default=None, max_length=1024, description="Write-only; never returned.")
    options: dict[str, Str] = Field(default_factory=dict, description="Driver URL options, e.g. sslmode.")

    def parts(self) -> ConnectionParts:
        return ConnectionParts(self.kind, self.host, self.port, self.database, self.username, dict(self.options))


class ConnectionIn(ConnectionTestIn):
    name: str = Field(min_length=1, max_length=64, description="snake_case; models refer to it (connection:).")
    label: str | None = Field(default=None, max_length=128)


class ConnectionPatch(BaseModel):
    label: str | None = Field(default=None, max_length=128)
    kind: str | None = Field(default=None, max_length=32)
    host: str | None = Field(default=None, max_length=253)
    port: int | None = None
    database: Str | None = None
    username: str | None = Field(default=None, max_length=128)
    options: dict[str, Str] | None = None
    password: str | None = Field(default=None, max_length=1024, description="A new password (write-only).")
    clear_password: bool = False


class ConnectionOut(BaseModel):
    id: int
    name: str
    label: str | None = None
    kind: str
    kind_label: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    options: dict[str, str] = {}
    password_set: bool
    url: str = Field(description="For display; never contains the password.")
    direct_query: bool
    created_at: str
    updated_at: str
    created_by: str | None = None


class KindOut(BaseModel):
    name: str
    label: str
    default_port: int | None = None
    installed: bool
    allowed: bool
    direct_query: bool
    pip: str


class TestOut(BaseModel):
    ok: bool
    server_version: str | None = None
    latency_ms: float


class TableOut(BaseModel):
    name: str
    type: Literal["table", "view"]
    row_count: int | None = None
    row_count_estimated: bool


class ColumnOut(BaseModel):
    name: str
    type: str = Field(description="The Arrow type the column is extracted as.")
    source_type: str
    nullable: bool
    primary_key: bool


class ColumnsOut(BaseModel):
    columns: list[ColumnOut]
    row_count: int


class ScheduleIn(BaseModel):
    cron: str | None = Field(default=None, max_length=128, description="Five fields, e.g. 0 2 * * * (02:00 daily).")
    interval_s: int | None = Field(default=None, description="Or every N seconds (≥ 60).")
    timezone: str = "Asia/Shanghai"


class PickIn(BaseModel):
    table: str = Field(min_length=1, max_length=256)
    schema_: str | None = Field(default=None, alias="schema", max_length=128)
    mode: Literal["extract", "direct"] = "extract"
    target: str | None = Field(default=None, max_length=63, description="Warehouse table (extract); "
                                                                       "default <connection>_<table>.")
    columns: list[str] | None = Field(default=None, description="Columns to copy (default: all, and new ones).")
    primary_key: list[str] | None = Field(default=None, description="Default: the source's primary key.")
    refresh: Literal["full", "incremental"] = "full"
    incremental_column: str | None = None
    incremental_kind: Literal["key", "updated_at"] | None = None
    schedule: ScheduleIn | None = None

    model_config = {"populate_by_name": True}

    def pick(self) -> R.Pick:
        s = self.schedule
        return R.Pick(table=self.table, schema=self.schema_, mode=self.mode, target=self.target,
                      columns=self.columns, primary_key=self.primary_key, refresh=self.refresh,
                      incremental_column=self.incremental_column, incremental_kind=self.incremental_kind,
                      cron=s.cron if s else None, interval_s=s.interval_s if s else None,
                      timezone=s.timezone if s else "Asia/Shanghai")


class PickRequest(BaseModel):
    tables: list[PickIn] = Field(min_length=1, max_length=200)
    refresh_now: bool = Field(default=True, description="Start a refresh job for each extract now.")


class ExtractOut(BaseModel):
    id: int
    connection_id: int
    connection: str
    schema_: str | None = Field(default=None, alias="schema")
    table: str
    mode: str
    target_table: str | None = None
    columns: list[str] | None = None
    source_columns: list[dict[str, Any]] = []
    primary_key: list[str] = []
    refresh: str
    incremental_column: str | None = None
    incremental_kind: str | None = None
    watermark: str | None = None
    row_count: int | None = None
    last_refresh_at: str | None = None
    last_status: str | None = None
    schema_changes: dict[str, Any] | None = None
    schedule: dict[str, Any] | None = None

    model_config = {"populate_by_name": True}


class PickOut(BaseModel):
    extracts: list[ExtractOut]
    job_ids: list[int]


class ExtractPatch(BaseModel):
    refresh: Literal["full", "incremental"] | None = None
    incremental_column: str | None = None
    incremental_kind: Literal["key", "updated_at"] | None = None
    primary_key: list[str] | None = None
    schedule: ScheduleIn | None = None
    remove_schedule: bool = False


class RefreshIn(BaseModel):
    full: bool = Field(default=False, description="Reload everything (also picks up deletes in the source).")
    accept_schema_changes: bool = Field(default=False, description="Take the source's new columns and types.")


class JobRef(BaseModel):
    job_id: int


class RunOut(BaseModel):
    id: int
    extract_id: int
    job_id: int | None = None
    kind: str
    status: str
    started_at: str
    finished_at: str | None = None
    duration_s: float | None = None
    rows_read: int | None = None
    rows_total: int | None = None
    bytes: int | None = None
    watermark_before: str | None = None
    watermark_after: str | None = None
    schema_changes: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    triggered_by: str | None = None


def _extract_out(db: Any, st: store.SourceTable) -> ExtractOut:
    conn = db.get(store.DbConnection, st.connection_id)
    return ExtractOut(**R.to_dict(st, db), connection=conn.name if conn else "")


# -- connections ---------------------------------------------------------------------------
@router.get("/connections/kinds", response_model=list[KindOut], responses=ERRORS,
            summary="Database kinds / 支持的数据库类型")
def list_kinds(admin: Admin, rt: RuntimeDep) -> list[KindOut]:
    inst, allowed = set(installed_kinds()), set(allowed_kinds(rt.settings.allowed_dialects))
    return [KindOut(name=k.name, label=k.label, default_port=k.default_port, installed=k.name in inst,
                    allowed=k.name in allowed, direct_query=k.sql_dialect in ("postgres", "mysql"), pip=k.pip)
            for k in KINDS.values()]


@router.get("/connections", response_model=list[ConnectionOut], responses=ERRORS, summary="Connections / 数据库连接")
def list_connections(admin: Admin, db: DbDep) -> list[ConnectionOut]:
    return [ConnectionOut(**conns.to_dict(c)) for c in store.list_connections(db)]


@router.post("/connections", response_model=ConnectionOut, status_code=201, responses=ERRORS,
             summary="Add a connection / 新建连接")
def create_connection(body: ConnectionIn, admin: Admin, rt: RuntimeDep, db: DbDep) -> ConnectionOut:
    rec = conns.create(rt, db, body.name, body.parts(), body.password, label=body.label, actor=admin.username)
    return ConnectionOut(**conns.to_dict(rec))


@router.post("/connections/test", response_model=TestOut, responses=ERRORS,
             summary="Test connection settings before saving / 测试连接")
def test_settings(body: ConnectionTestIn, admin: Admin, rt: RuntimeDep) -> TestOut:
    with conns.open_source(rt, body.parts(), body.password) as src:
        return TestOut(**src.test())


@router.get("/connections/{ref}", response_model=ConnectionOut, responses=ERRORS, summary="One connection / 查看连接")
def get_connection(ref: str, admin: Admin, db: DbDep) -> ConnectionOut:
    return ConnectionOut(**conns.to_dict(store.get_connection(db, ref)))


@router.patch("/connections/{ref}", response_model=ConnectionOut, responses=ERRORS,
              summary="Change a connection / 修改连接")
def update_connection(ref: str, body: ConnectionPatch, admin: Admin, rt: RuntimeDep, db: DbDep) -> ConnectionOut:
    rec = store.get_connection(db, ref)
    changes = body.model_dump(exclude_unset=True, exclude={"password", "clear_password"})
    rec = conns.update(rt, db, rec, changes=changes, password=body.password, clear_password=body.clear_password,
                       actor=admin.username)
    return ConnectionOut(**conns.to_dict(rec))


@router.delete("/connections/{ref}", status_code=204, responses=ERRORS, summary="Remove a connection / 删除连接")
def delete_connection(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep) -> Response:
    conns.delete(rt, db, store.get_connection(db, ref), actor=admin.username)
    return Response(status_code=204)


@router.post("/connections/{ref}/test", response_model=TestOut, responses=ERRORS,
             summary="Test a saved connection / 测试已保存的连接")
def test_connection(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep) -> TestOut:
    with conns.open_connection(rt, store.get_connection(db, ref)) as src:
        return TestOut(**src.test())


@router.get("/connections/{ref}/schemas", response_model=list[str], responses=ERRORS,
            summary="Schemas of a connection / 模式列表")
def list_schemas(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep) -> list[str]:
    with conns.open_connection(rt, store.get_connection(db, ref)) as src:
        return src.schemas()


@router.get("/connections/{ref}/tables", response_model=list[TableOut], responses=ERRORS,
            summary="Tables of a schema, with row counts / 表与行数")
def list_tables(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep, schema: str | None = None) -> list[TableOut]:
    with conns.open_connection(rt, store.get_connection(db, ref)) as src:
        return [TableOut(**t) for t in src.tables(schema)]


@router.get("/connections/{ref}/tables/{table}/columns", response_model=ColumnsOut, responses=ERRORS,
            summary="Columns of a table / 列")
def list_columns(ref: str, table: str, admin: Admin, rt: RuntimeDep, db: DbDep,
                 schema: str | None = None) -> ColumnsOut:
    with conns.open_connection(rt, store.get_connection(db, ref)) as src:
        cols = src.columns(schema, table)
        if not cols:
            raise ShuzhiError("source_table_missing", f"源数据库中找不到表 {table}。",
                              f"The table {table} does not exist in the source database.", 404)
        return ColumnsOut(columns=[ColumnOut(**c.as_dict()) for c in cols], row_count=src.count(schema, table))


@router.post("/connections/{ref}/tables", response_model=PickOut, status_code=201, responses=ERRORS,
             summary="Pick tables (extract or direct) / 选择表")
def pick_tables(ref: str, body: PickRequest, admin: Admin, rt: RuntimeDep, db: DbDep) -> PickOut:
    conn = store.get_connection(db, ref)
    picked = R.pick_tables(rt, db, conn, [p.pick() for p in body.tables], actor=admin.username)
    out = [_extract_out(db, st) for st in picked]
    db.commit()  # the refresh jobs read these records from their own sessions
    jobs = [R.submit_refresh(rt, st.id, actor=admin.username) for st in out if st.mode == "extract"] \
        if body.refresh_now else []
    return PickOut(extracts=out, job_ids=jobs)


# -- extracts ------------------------------------------------------------------------------
@router.get("/extracts", response_model=list[ExtractOut], responses=ERRORS, summary="Picked tables / 已选的表")
def list_extracts(admin: Admin, db: DbDep, connection: str | None = None) -> list[ExtractOut]:
    cid = store.get_connection(db, connection).id if connection else None
    return [_extract_out(db, st) for st in store.list_source_tables(db, cid)]


@router.get("/extracts/{ref}", response_model=ExtractOut, responses=ERRORS, summary="One picked table / 查看")
def get_extract(ref: str, admin: Admin, db: DbDep) -> ExtractOut:
    return _extract_out(db, store.get_source_table(db, ref))


@router.patch("/extracts/{ref}", response_model=ExtractOut, responses=ERRORS,
              summary="Change refresh settings or schedule / 修改刷新设置")
def update_extract(ref: str, body: ExtractPatch, admin: Admin, rt: RuntimeDep, db: DbDep) -> ExtractOut:
    st = store.get_source_table(db, ref)
    R.update_settings(rt, db, st, refresh=body.refresh, incremental_column=body.incremental_column,
                      incremental_kind=body.incremental_kind, primary_key=body.primary_key)
    if body.remove_schedule:
        schedules.delete_schedule(db, "refresh", str(st.id))
    elif body.schedule is not None:
        if st.mode != "extract":
            raise ShuzhiError("extract_is_direct", "直连模式的表无需计划刷新。", "Direct tables need no refresh schedule.")
        s = body.schedule
        schedules.set_schedule(db, "refresh", str(st.id), schedules.Timing(s.cron, s.interval_s, s.timezone),
                               created_by=admin.username)
    return _extract_out(db, st)


@router.delete("/extracts/{ref}", status_code=204, responses=ERRORS, summary="Remove a picked table / 移除")
def delete_extract(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep, drop_table: bool = False) -> Response:
    R.remove_table(rt, db, store.get_source_table(db, ref), drop_data=drop_table)
    return Response(status_code=204)


@router.post("/extracts/{ref}/refresh", response_model=JobRef, status_code=202, responses=ERRORS,
             summary="Refresh now (a job) / 立即刷新")
def refresh_extract(ref: str, admin: Admin, rt: RuntimeDep, db: DbDep, body: RefreshIn | None = None) -> JobRef:
    st = store.get_source_table(db, ref)
    b = body or RefreshIn()
    return JobRef(job_id=R.submit_refresh(rt, st.id, full=b.full, accept_schema_changes=b.accept_schema_changes,
                                          actor=admin.username))


@router.get("/extracts/{ref}/runs", response_model=list[RunOut], responses=ERRORS,
            summary="Refresh history / 刷新记录")
def list_runs(ref: str, admin: Admin, db: DbDep, limit: ListLimit = 50) -> list[RunOut]:
    st = store.get_source_table(db, ref)
    return [RunOut(**R.run_to_dict(r)) for r in store.list_runs(db, st.id, max(1, min(limit, 500)))]
