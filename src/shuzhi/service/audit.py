"""The audit log as people read it: search, export (XLSX / CSV), verify the chain, retention.

    page = list_events(rt, Filters(user="li", action="dashboard"), limit=50)
    verdict = verify(rt)        # ok, or the first broken record
    path = export(rt, filters, "xlsx")

Invariants
- Every read seals first (catalog/audit.seal), so what is shown is what is chained.
- Retention (SHUZHI_AUDIT_RETENTION_DAYS, default 1095; 0 keeps everything) is applied at each
  start (install, from service/wiring.py) and before each read; a prune is itself an event.
- Exports hold at most EXPORT_MAX_ROWS events (the newest), written to a temporary file that the
  caller sends and removes; values stay values, nothing in a cell is a formula (results/export.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from shuzhi.catalog import audit as store
from shuzhi.catalog.audit import Filters
from shuzhi.catalog.models import AuditEvent
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

EXPORT_MAX_ROWS = 100_000
log = get_logger(__name__)


class AuditEventOut(BaseModel):
    id: int
    at: dt.datetime
    user: str | None = Field(description="who (None: the system or an anonymous caller)")
    action: str
    target: str | None = None
    ip: str | None = None
    request_id: str | None = None
    detail: dict[str, Any] | None = None
    seq: int | None = Field(None, description="the record's place in the hash chain")


class AuditPage(BaseModel):
    events: list[AuditEventOut]
    total: int
    actions: list[str] = Field(description="every action in the log (for the filter)")


class AuditVerdict(BaseModel):
    ok: bool
    checked: int = Field(description="records whose hash and link were checked")
    head_seq: int
    head_hash: str = Field(description="the last good record's hash: keep it elsewhere to notice a rewrite")
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: Literal["changed", "link", "missing"] | None = None
    message: str
    message_en: str


def _out(ev: AuditEvent) -> AuditEventOut:
    try:
        detail = json.loads(ev.detail) if ev.detail else None
    except ValueError:
        detail = {"text": ev.detail}
    if detail is not None and not isinstance(detail, dict):
        detail = {"value": detail}
    return AuditEventOut(id=ev.id, at=ev.at, user=ev.actor, action=ev.action, target=ev.target, ip=ev.ip,
                         request_id=ev.request_id, detail=detail, seq=ev.seq)


def install(rt: Runtime) -> None:
    """At start: seal what an older version or a crashed process left, and apply the retention."""
    try:
        if rt.catalog.at_head():  # a runtime that was not started (e.g. the OpenAPI export) has no log yet
            apply_retention(rt)
    except Exception as exc:  # noqa: BLE001 - never stop a start; the next read tries again
        log.warning("audit_maintenance_failed", error=str(exc)[:300])


def apply_retention(rt: Runtime) -> int:
    engine = rt.catalog.engine
    store.seal(engine)
    return store.prune(engine, int(rt.settings.audit_retention_days))


def list_events(rt: Runtime, f: Filters, *, limit: int = 100, offset: int = 0) -> AuditPage:
    if not 1 <= limit <= 1000 or offset < 0:
        raise ShuzhiError("bad_page", "每页 1–1000 条，偏移量不能为负。",
                          "A page holds 1–1000 events and the offset cannot be negative.")
    apply_retention(rt)
    with rt.catalog.session() as s:
        rows, total = store.search(s, f, limit=limit, offset=offset)
        return AuditPage(events=[_out(r) for r in rows], total=total, actions=store.actions(s))


def verify(rt: Runtime) -> AuditVerdict:
    v = store.verify(rt.catalog.engine)
    if v.ok:
        zh = f"审计链完整：已核对 {v.checked} 条记录，最新哈希 {v.head_hash[:16]}…"
        en = f"The audit chain is intact: {v.checked} records checked, head hash {v.head_hash[:16]}…"
    else:
        why_zh = {"changed": "内容被改动", "link": "与上一条的链接不符", "missing": "前面的记录被删除"}[v.reason or "changed"]
        why_en = {"changed": "its content was changed", "link": "its link to the record before does not match",
                  "missing": "records before it were removed"}[v.reason or "changed"]
        zh = f"审计链在第 {v.broken_seq} 条（记录 ID {v.broken_id}）处断开：{why_zh}。此前 {v.checked} 条完好。"
        en = (f"The audit chain is broken at record #{v.broken_seq} (id {v.broken_id}): {why_en}. "
              f"The {v.checked} records before it are intact.")
    return AuditVerdict(ok=v.ok, checked=v.checked, head_seq=v.head_seq, head_hash=v.head_hash,
                        broken_id=v.broken_id, broken_seq=v.broken_seq, reason=v.reason,  # type: ignore[arg-type]
                        message=zh, message_en=en)


COLUMNS = [("at", "时间 Time", "timestamp"), ("user", "用户 User", "string"), ("action", "操作 Action", "string"),
           ("target", "对象 Target", "string"), ("ip", "来源 IP", "string"), ("detail", "详情 Detail", "string"),
           ("request_id", "请求 Request", "string"), ("seq", "链序号 Seq", "int64"), ("hash", "哈希 Hash", "string")]


def _cells(ev: AuditEvent) -> list[Any]:
    return [ev.at.replace(tzinfo=None), ev.actor, ev.action, ev.target, ev.ip, ev.detail, ev.request_id, ev.seq, ev.hash]


def export(rt: Runtime, f: Filters, fmt: Literal["xlsx", "csv"]) -> str:
    """A temporary file with the matching events (newest first, at most EXPORT_MAX_ROWS); the caller
    removes it."""
    import pyarrow as pa

    from shuzhi.results.export import Sheet, write_csv, write_xlsx

    apply_retention(rt)
    with rt.catalog.session() as s:
        rows, total = store.search(s, f, limit=EXPORT_MAX_ROWS)
        cells = [_cells(r) for r in rows]
    columns = [{"name": n, "label": label, "type": t} for n, label, t in COLUMNS]
    fd, path = tempfile.mkstemp(prefix="shuzhi-audit-", suffix=f".{fmt}")
    try:
        with os.fdopen(fd, "wb") as out:
            if fmt == "xlsx":
                note = f"共 {total} 条" + (f"，导出最新 {EXPORT_MAX_ROWS} 条" if total > EXPORT_MAX_ROWS else "")
                write_xlsx([Sheet("审计日志 Audit log", columns, cells, filters=note)], out)
            else:
                names = [c[0] for c in COLUMNS]
                arrays = [pa.array([r[i] for r in cells]) if cells else pa.array([], pa.string())
                          for i in range(len(names))]
                write_csv(columns, pa.table(arrays, names=names).to_batches(), out)
    except BaseException:
        os.unlink(path)
        raise
    return path
