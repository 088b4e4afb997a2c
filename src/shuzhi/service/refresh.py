"""Picking source tables and refreshing extracts: the orchestration between the source database,
the DuckDB warehouse, the catalog and the job runner.

Invariants
- A refresh reads the source in batches and writes through engines.extract.write_extract: the
  warehouse table changes in one transaction at the end, or not at all. Every refresh leaves one
  RefreshRun (succeeded / failed / cancelled, or interrupted when its process died — ended by the
  next start, see runtime.recovery — with rows, bytes, watermarks, schema changes, error).
- The watermark and the column snapshot move only when a refresh succeeds.
- Schema changes: the source's columns are compared with the snapshot of the last good refresh.
  Added columns are reported (and taken in when the extract copies all columns); a removed or
  retyped column that the extract copies fails the refresh with source_schema_changed, until a
  refresh with accept_schema_changes=True takes the new shape (a full reload).
- Incremental: key mode reads rows with key > watermark; updated_at mode reads rows with
  updated_at >= watermark (rows stamped in the same instant as the last refresh are re-read and
  upserted, not missed). Rows are upserted on the primary key. Deletes in the source are not seen
  by an incremental refresh: schedule a periodic full refresh, or soft-delete in the source.
- On success "data_refreshed" {"tables": [target], "reason": "refresh"} is emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy.orm import Session

from shuzhi import owners
from shuzhi.catalog import connections as store
from shuzhi.catalog.connections import DbConnection, RefreshRun, SourceTable
from shuzhi.catalog.models import utcnow
from shuzhi.delivery import schedules
from shuzhi.engines.external_sync import pull, push, push_merge
from shuzhi.engines.extract import extract_into
from shuzhi.engines.source_reader import ColumnInfo, parse_arrow_type, watermark_of, watermark_value
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.service import connections as conns
from shuzhi.sources.databases import KINDS

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext

log = get_logger(__name__)
KEY_TYPES = ("int64", "decimal", "timestamp", "date", "double")
TIME_TYPES = ("timestamp", "date")


@dataclass
class Pick:
    """One table to add from a connection."""

    table: str
    schema: str | None = None
    mode: str = "extract"
    target: str | None = None
    columns: list[str] | None = None
    primary_key: list[str] | None = None
    refresh: str = "full"  # full | incremental
    incremental_column: str | None = None
    incremental_kind: str | None = None  # key | updated_at
    cron: str | None = None
    interval_s: int | None = None
    timezone: str = "Asia/Shanghai"


def install(rt: Runtime) -> None:
    """Register the schedule kind "refresh" (target: the extract's id)."""
    rt.register_schedule_kind("refresh", lambda rt_, target, ctx: refresh(rt_, int(target), ctx, actor="scheduler"))


def default_target(conn: DbConnection, table: str) -> str:
    base = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in table.lower()).strip("_")
    name = f"{conn.name}_{base}" if base else f"{conn.name}_table"
    return name[:63] if name[0].isalpha() or name[0] == "_" else f"t_{name}"[:63]


def _bad(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, zh, en, 400)


def _check_pick(p: Pick, cols: list[ColumnInfo]) -> tuple[list[str] | None, list[str]]:
    """Validate a pick against the source's columns; returns (columns, primary key)."""
    names = {c.name: c for c in cols}
    if p.columns is not None:
        missing = [c for c in p.columns if c not in names]
        if missing or not p.columns:
            raise _bad("pick_columns_unknown", f"源表没有这些列：{'、'.join(missing) or '（空）'}。",
                       f"The source table has no columns {', '.join(missing) or '(none given)'}.")
    pk = p.primary_key if p.primary_key else [c.name for c in cols if c.primary_key]
    for k in pk:
        if k not in names or (p.columns is not None and k not in p.columns):
            raise _bad("pick_key_unknown", f"主键列 {k} 不在抽取的列中。", f"The key column {k} is not extracted.")
    if p.refresh not in store.REFRESH_MODES:
        raise _bad("pick_refresh_invalid", "刷新方式只能是 full（全量）或 incremental（增量）。",
                   "The refresh must be full or incremental.")
    if p.refresh == "incremental" and p.mode == "extract":
        kind = p.incremental_kind or "key"
        if kind not in store.INCREMENTAL_KINDS:
            raise _bad("pick_incremental_kind", "增量方式只能是 key（递增键）或 updated_at（更新时间）。",
                       "The incremental kind must be key or updated_at.")
        col = names.get(p.incremental_column or "")
        if col is None or (p.columns is not None and col.name not in p.columns):
            raise _bad("pick_incremental_column", "增量刷新需要一个已抽取的增量列（incremental_column）。",
                       "An incremental refresh needs an extracted incremental_column.")
        ok = TIME_TYPES if kind == "updated_at" else KEY_TYPES
        if not col.type.startswith(ok):
            raise _bad("pick_incremental_type", f"列 {col.name} 的类型 {col.source_type} 不能作为{kind}增量列。",
                       f"The column {col.name} ({col.source_type}) cannot be a {kind} incremental column.")
        if kind == "updated_at" and not pk:
            raise _bad("pick_key_required", "按更新时间增量刷新需要主键（用来合并更新的行）。",
                       "An updated_at incremental refresh needs a primary key (to merge updated rows).")
    return p.columns, pk


def pick_tables(rt: Runtime, db: Session, conn: DbConnection, picks: list[Pick], *,
                actor: str | None) -> list[SourceTable]:
    """Validate each pick against the source and record it (with its schedule when given)."""
    out = []
    with conns.open_connection(rt, conn) as src:
        for p in picks:
            if p.mode == "direct" and KINDS[conn.kind].sql_dialect not in ("postgres", "mysql"):
                raise _bad("direct_unsupported", f"{KINDS[conn.kind].label} 暂不支持直连查询，请用抽取模式。",
                           f"Direct query on {KINDS[conn.kind].label} is not supported yet; use extract mode.")
            cols = src.columns(p.schema, p.table)
            if not cols:
                raise ShuzhiError("source_table_missing", f"源数据库中找不到表 {p.table}。",
                                  f"The table {p.table} does not exist in the source database.", 404)
            columns, pk = _check_pick(p, cols)
            target = (p.target or default_target(conn, p.table)) if p.mode == "extract" else None
            if target:
                # A warehouse table that no extract owns (a file import, the demo) is never overwritten.
                target = store.check_name(target, "仓库表名", "warehouse table name")
                if rt.published().has_table(target):
                    raise ShuzhiError("warehouse_table_exists", f"数据仓库中已有表「{target}」，请换一个目标表名。",
                                      f"The warehouse already has a table '{target}'; choose another target.",
                                      409)
            st = store.add_source_table(
                db, conn, schema=p.schema, table=p.table, mode=p.mode, target=target, columns=columns,
                source_columns=[c.as_dict() for c in cols], primary_key=pk,
                refresh_mode=p.refresh, incremental_column=p.incremental_column if p.refresh == "incremental" else None,
                incremental_kind=(p.incremental_kind or "key") if p.refresh == "incremental" else None, actor=actor)
            if p.mode == "extract" and (p.cron or p.interval_s):
                schedules.set_schedule(db, "refresh", str(st.id),
                                       schedules.Timing(p.cron, p.interval_s, p.timezone), created_by=actor)
            out.append(st)
    return out


def update_settings(rt: Runtime, db: Session, st: SourceTable, *, refresh: str | None = None,
                    incremental_column: str | None = None, incremental_kind: str | None = None,
                    primary_key: list[str] | None = None) -> SourceTable:
    """Change how an extract refreshes; checked against its column snapshot. Changing the incremental
    setup clears the watermark, so the next refresh is a full one."""
    if refresh is None and incremental_column is None and incremental_kind is None and primary_key is None:
        return st
    _check_extract(st)
    p = Pick(table=st.source_table, schema=st.source_schema, columns=st.columns,
             primary_key=primary_key if primary_key is not None else st.primary_key,
             refresh=refresh or st.refresh_mode,
             incremental_column=incremental_column or st.incremental_column,
             incremental_kind=incremental_kind or st.incremental_kind)
    cols = [ColumnInfo(c["name"], c["type"], c.get("source_type", c["type"]), c.get("nullable", True),
                       c.get("primary_key", False)) for c in st.source_columns]
    _, pk = _check_pick(p, cols)
    before = (st.refresh_mode, st.incremental_column, st.incremental_kind)
    st.primary_key = pk
    st.refresh_mode = p.refresh
    st.incremental_column = p.incremental_column if p.refresh == "incremental" else None
    st.incremental_kind = (p.incremental_kind or "key") if p.refresh == "incremental" else None
    if (st.refresh_mode, st.incremental_column, st.incremental_kind) != before:
        st.watermark = None
    db.flush()
    return st


def remove_table(rt: Runtime, db: Session, st: SourceTable, *, drop_data: bool) -> None:
    schedules.delete_schedule(db, "refresh", str(st.id))
    target = st.target_table
    db.delete(st)
    db.flush()
    if drop_data and target:
        rt.published().drop_table(target)
        rt.data_refreshed([target], "refresh")


def to_dict(st: SourceTable, db: Session | None = None) -> dict[str, Any]:
    sched = schedules.get_schedule(db, "refresh", str(st.id)) if db is not None else None
    return {"id": st.id, "connection_id": st.connection_id, "schema": st.source_schema, "table": st.source_table,
            "mode": st.mode, "target_table": st.target_table, "columns": st.columns,
            "source_columns": st.source_columns, "primary_key": st.primary_key, "refresh": st.refresh_mode,
            "incremental_column": st.incremental_column, "incremental_kind": st.incremental_kind,
            "watermark": (st.watermark or {}).get("value"), "row_count": st.row_count,
            "last_refresh_at": st.last_refresh_at.isoformat() if st.last_refresh_at else None,
            "last_status": st.last_status, "schema_changes": st.schema_changes,
            "schedule": schedules.schedule_dict(sched) if sched is not None else None}


def run_to_dict(r: RefreshRun) -> dict[str, Any]:
    dur = (r.finished_at - r.started_at).total_seconds() if r.finished_at else None
    return {"id": r.id, "extract_id": r.source_table_id, "job_id": r.job_id, "kind": r.kind, "status": r.status,
            "started_at": r.started_at.isoformat(), "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "duration_s": round(dur, 3) if dur is not None else None, "rows_read": r.rows_read,
            "rows_total": r.rows_total, "bytes": r.bytes,
            "watermark_before": (r.watermark_before or {}).get("value"),
            "watermark_after": (r.watermark_after or {}).get("value"),
            "schema_changes": r.schema_changes, "error": r.error, "triggered_by": r.triggered_by}


def schema_diff(snapshot: list[dict[str, Any]], current: list[ColumnInfo], used: set[str] | None
                ) -> tuple[dict[str, Any] | None, list[str]]:
    """(changes or None, the breaking column names: removed or retyped and copied by the extract)."""
    old = {c["name"]: c["type"] for c in snapshot}
    new = {c.name: c.type for c in current}
    added = [n for n in new if n not in old]
    removed = [n for n in old if n not in new]
    retyped = [{"name": n, "old": old[n], "new": new[n]} for n in new if n in old and old[n] != new[n]]
    if not (added or removed or retyped):
        return None, []
    copied = used if used is not None else set(old)
    breaking = [n for n in removed if n in copied] + [r["name"] for r in retyped if r["name"] in copied]
    return {"added": added, "removed": removed, "retyped": retyped, "breaking": breaking}, breaking


def submit_refresh(rt: Runtime, extract_id: int, *, full: bool = False, accept_schema_changes: bool = False,
                   actor: str | None = None) -> int:
    with rt.catalog.session() as db:
        st = store.get_source_table(db, extract_id)
        _check_extract(st)
        title = f"刷新 refresh {st.target_table}"
    return rt.jobs.submit("refresh", lambda ctx: refresh(rt, extract_id, ctx, full=full, actor=actor,
                                                         accept_schema_changes=accept_schema_changes),
                          title=title, created_by=actor)


def refresh_inline(rt: Runtime, extract_id: int, *, full: bool = False, accept_schema_changes: bool = False,
                   actor: str | None = None, on_progress: Any = None) -> dict[str, Any]:
    """Refresh in the calling thread, recorded as a job like submit_refresh (the CLI, with a progress bar)."""
    with rt.catalog.session() as db:
        st = store.get_source_table(db, extract_id)
        _check_extract(st)
        title = f"刷新 refresh {st.target_table}"
    return rt.jobs.run_inline("refresh", lambda ctx: refresh(rt, extract_id, ctx, full=full, actor=actor,
                                                             accept_schema_changes=accept_schema_changes),
                              title=title, created_by=actor, on_progress=on_progress)


def _check_extract(st: SourceTable) -> None:
    if st.mode != "extract":
        raise ShuzhiError("extract_is_direct", f"表 {st.source_table} 是直连模式，查询时实时读取，无需刷新。",
                          f"The table {st.source_table} is in direct mode (read live at query time); "
                          "there is nothing to refresh.")


def refresh(rt: Runtime, extract_id: int, ctx: JobContext | None = None, *, full: bool = False,
            accept_schema_changes: bool = False, actor: str | None = None) -> dict[str, Any]:
    """Refresh one extract (see the module invariants); returns the run as a dict, or raises the
    ShuzhiError recorded on the failed run."""
    with rt.catalog.session() as db:
        st = store.get_source_table(db, extract_id)
        _check_extract(st)
        conn = db.get(DbConnection, st.connection_id)
        assert conn is not None
        have_target = rt.published().has_table(st.target_table or "")
        incremental = (st.refresh_mode == "incremental" and not full and st.watermark is not None and have_target)
        run = store.start_run(db, st, "incremental" if incremental else "full",
                              job_id=ctx.job_id if ctx else None, actor=actor, owner=owners.current())
        run_id = run.id
    changes: dict[str, Any] | None = None
    try:
        with conns.open_connection(rt, conn) as src:
            cols = src.columns(st.source_schema, st.source_table)
            if not cols:
                raise ShuzhiError("source_table_missing", f"源数据库中找不到表 {st.qualified_source}。",
                                  f"The table {st.qualified_source} does not exist in the source database.", 404)
            changes, breaking = schema_diff(st.source_columns, cols, set(st.columns) if st.columns else None)
            if breaking and not accept_schema_changes:
                raise ShuzhiError(
                    "source_schema_changed",
                    f"源表 {st.qualified_source} 的列已变化（删除或改了类型：{'、'.join(breaking)}），已保留上次的数据。"
                    "请调整后用 --accept-schema-changes 全量刷新。",
                    f"The columns of {st.qualified_source} changed (removed or retyped: {', '.join(breaking)}); "
                    "the last good data is kept. Adjust, then run a full refresh with accept_schema_changes.",
                    409, details=changes)
            by_name = {c.name: c for c in cols}
            wanted = [n for n in st.columns if n in by_name] if st.columns else list(by_name)
            if breaking:
                incremental = False
            selected = [(n, parse_arrow_type(by_name[n].type)) for n in wanted]
            if st.incremental_column and st.incremental_column not in by_name:
                incremental = False
            since = None
            if incremental:
                op = ">" if st.incremental_kind == "key" else ">="
                since = (st.incremental_column, op, watermark_value(st.watermark))
            total = None if incremental else _count_quietly(src, st)

            def on_batch(res: Any) -> None:
                if ctx is not None:
                    ctx.check_cancelled()
                    frac = min(0.99, res.rows_read / total) if total else 0.5
                    ctx.progress(frac, f"已读取 {res.rows_read:,} 行 / read {res.rows_read:,} rows")

            pk = [k for k in st.primary_key if k in by_name]
            how = "replace" if not incremental else ("upsert" if pk else "append")
            batches = src.read_batches(st.source_schema, st.source_table, selected, since=since,
                                       batch_rows=rt.settings.extract_batch_rows)
            wh = rt.warehouse()
            if wh.read_only:
                raise ShuzhiError("warehouse_read_only", "数据仓库以只读方式打开，无法写入抽取。",
                                  "The warehouse is open read-only; extracts cannot be written.", 409)
            ext = rt.external()
            # An external warehouse: written in this process's scratch file, then loaded there atomically; an
            # incremental refresh writes only its new rows here and merges them there (or, on a warehouse
            # without merge, starts from the current table read back).
            merge = ext is not None and how != "replace" and hasattr(ext, "merge")
            if ext is not None and how != "replace" and not merge:
                pull(wh, ext, st.target_table or "")
            res = extract_into(wh, st.target_table or "", pa.schema(selected), batches,
                               how="replace" if merge else how, key=pk,
                               watermark_column=st.incremental_column if st.incremental_column in by_name
                               else None, on_batch=on_batch)
            if merge:
                res.rows_total = push_merge(wh, ext, st.target_table or "", pk if how == "upsert" else [])
            elif ext is not None:
                push(wh, ext, [st.target_table or ""])
    except ShuzhiError as err:
        _finish_failed(rt, extract_id, run_id, err, changes)
        raise
    except BaseException as exc:
        err = ShuzhiError("refresh_internal_error", f"刷新意外失败（{type(exc).__name__}），已保留上次的数据。",
                          f"The refresh failed unexpectedly ({type(exc).__name__}); the last good data is kept.", 500)
        log.exception("refresh_crashed", extract_id=extract_id)
        _finish_failed(rt, extract_id, run_id, err, changes)
        raise
    with rt.catalog.session() as db:
        st = store.get_source_table(db, extract_id)
        run = db.get(RefreshRun, run_id)
        assert run is not None
        wm = watermark_of(res.max_value) if res.max_value is not None else (st.watermark if incremental else None)
        st.source_columns = [c.as_dict() for c in cols]
        if st.columns and breaking:
            st.columns = wanted
        st.watermark = wm
        st.row_count = res.rows_total
        st.last_refresh_at = utcnow()
        st.last_status = "succeeded"
        st.schema_changes = changes
        run.status, run.finished_at = "succeeded", utcnow()
        run.rows_read, run.rows_total, run.bytes = res.rows_read, res.rows_total, res.bytes
        run.watermark_after, run.schema_changes = wm, changes
        out = run_to_dict(run)
        target = st.target_table
    log.info("refresh_succeeded", extract_id=extract_id, target=target, rows=res.rows_read, kind=out["kind"])
    if ctx is not None:
        ctx.progress(1.0, f"完成，{res.rows_read:,} 行 / done, {res.rows_read:,} rows")
    rt.data_refreshed([target or ""], "refresh")
    return out


def _count_quietly(src: Any, st: SourceTable) -> int | None:
    try:
        return src.count(st.source_schema, st.source_table)
    except ShuzhiError:
        return None


def _finish_failed(rt: Runtime, extract_id: int, run_id: int, err: ShuzhiError,
                   changes: dict[str, Any] | None) -> None:
    status = "cancelled" if err.code == "job_cancelled" else "failed"
    with rt.catalog.session() as db:
        run = db.get(RefreshRun, run_id)
        st = db.get(SourceTable, extract_id)
        if run is not None:
            run.status, run.finished_at, run.error, run.schema_changes = status, utcnow(), err.to_dict(), changes
        if st is not None:
            st.last_status = status
            if changes is not None:
                st.schema_changes = changes
    log.warning("refresh_failed", extract_id=extract_id, code=err.code, status=status)
