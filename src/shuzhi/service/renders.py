"""Exporting a whole dashboard: PDF / PNG drawn by headless Chromium from the real page, XLSX from its data.

A render runs AS a user: their dashboards, their row and column rules. For PDF and PNG the browser signs
in with a render session made for this one render (auth.credentials.create_session, no password; a few
minutes at most) and deleted right after, whatever happens; its cookie goes to the browser only.

Fixed filter values (`FIELD=VALUE` pairs or a mapping) are read by service/render_filters.py and pass
the same check the data API makes, so a bad one is a 4xx / exit 1 before anything is drawn.

XLSX: one sheet per chart or KPI (its result, as the viewer's data API answers it), numbers as numbers,
Chinese column labels, a title row with the filters applied and 数据截至.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from shuzhi.auth.credentials import CSRF_COOKIE, SESSION_COOKIE, create_session
from shuzhi.auth.users import get_user
from shuzhi.catalog import dashboards as store
from shuzhi.catalog import org
from shuzhi.catalog.models import User, WebSession
from shuzhi.delivery.render import PageAccess, check_width, render_page
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DataRequest, plan, run_plans, validate_filters
from shuzhi.service.freshness import annotate, dashboard_periods
from shuzhi.service.query import query as run_spec
from shuzhi.service.query_export import write_atomically
from shuzhi.service.render_filters import filters_text, resolve_filters
from shuzhi.spec.resolve import UserContext

FORMATS = ("pdf", "png", "xlsx")
MEDIA = {
    "pdf": "application/pdf",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DESKTOP_WIDTH, PHONE_WIDTH = 1280, 390
JOB_KIND = "dashboard_render"
KEEP_FILES = dt.timedelta(hours=24)  # rendered files older than this are removed when a new one starts



@dataclass
class Prepared:
    """A checked render request: the dashboard as the user may see it and the filter values by id."""

    name: str
    title: str
    definition: DashboardDef
    index: ModelIndex
    user_id: int
    user: UserContext
    filters: dict[str, Any] = field(default_factory=dict)


# -- who and what ------------------------------------------------------------------------------
def default_user(rt: Runtime) -> str:
    """`--user` omitted: the first active administrator (a render needs a real account)."""
    from sqlalchemy import select

    with rt.catalog.session() as db:
        u = db.scalar(select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id))
        if u is None:
            raise ShuzhiError(
                "no_admin",
                "没有可用的管理员账户，请用 --user 指定导出时使用的用户。",
                "There is no active administrator; name the user to render as with --user.",
            )
        return u.username


def prepare(
    rt: Runtime,
    key: str,
    username: str,
    filters: list[str] | Mapping[str, Any] | None = None,
) -> Prepared:
    """The dashboard `key` as `username` sees it, with `filters` resolved and checked (4xx when wrong)."""
    with rt.catalog.session() as db:
        u = get_user(db, username)
        if not u.is_active:
            raise ShuzhiError(
                "user_inactive", f"用户「{u.username}」已停用。", f"User '{u.username}' is deactivated."
            )
        rec = store.get_record(db, key, store.Viewer(u.id, u.username, u.role, org.group_ids(u)))
        d = DashboardDef.model_validate(rec.definition)
        idx, _ = rt.model_index(None, db)
        out = Prepared(
            rec.name,
            rec.title or rec.name,
            d,
            idx,
            u.id,
            UserContext(u.username, u.role, org.effective_attributes(u)),
        )
    out.filters = resolve_filters(d, idx, filters or {})
    validate_filters(d, DataRequest(filters=out.filters), idx)
    if isinstance(filters, list):  # typed words (CLI, subscriptions): a value nobody has is a typo, not a filter
        check_members(rt, out)
    return out


def check_members(rt: Runtime, p: Prepared) -> None:
    """Every value typed for a dropdown or multi-select filter is a member the user can see (their row rules
    apply); a typo (大区=火星) is an error naming what there is, not an empty report."""
    for c in p.definition.components:
        f = c.filter
        if f is None or c.id not in p.filters or f.control not in ("dropdown", "multi_select"):
            continue
        if f.field in p.index.metrics:
            continue
        given = p.filters[c.id]
        wanted = [str(v) for v in (given if isinstance(given, list) else [given])]
        spec = {"dimensions": [f.field], "where": [{"field": f.field, "op": "in", "value": wanted}]}
        found = {str(r[0]) for r in run_spec(rt, spec, p.user, purpose="ui").rows}
        missing = [v for v in wanted if v not in found]
        if missing:
            some = run_spec(rt, {"dimensions": [f.field], "order_by": [{"field": f.field}], "limit": 12}, p.user,
                            purpose="ui").rows
            shown = "、".join(str(r[0]) for r in some[:11]) + ("…" if len(some) > 11 else "")
            name = c.title or f.label or c.id
            raise ShuzhiError(
                "filter_value_unknown",
                f"筛选器「{name}」没有取值「{'、'.join(missing)}」（你能看到的取值：{shown or '无'}）。",
                f"The filter '{c.title_en or name}' has no value '{', '.join(missing)}' "
                f"(the values you can see: {shown or 'none'}).",
                details={"filter": c.id, "missing": missing},
            )


# -- the render session ------------------------------------------------------------------------
@contextlib.contextmanager
def render_session(rt: Runtime, user_id: int, ttl_s: float) -> Iterator[dict[str, str]]:
    """Cookies of a fresh session of the user for one render; the session is deleted afterwards."""
    with rt.catalog.session() as db:
        u = db.get(User, user_id)
        if u is None or not u.is_active:
            raise ShuzhiError(
                "user_not_found",
                "导出所用的用户不存在或已停用。",
                "The user to render as is gone or deactivated.",
                404,
            )
        raw, ws = create_session(
            db, u, ttl=dt.timedelta(seconds=ttl_s), ip="127.0.0.1", user_agent="shuzhi-render"
        )
        sid, csrf = ws.id, ws.csrf_token
    try:
        yield {SESSION_COOKIE: raw, CSRF_COOKIE: csrf}
    finally:
        with rt.catalog.session() as db:
            ws = db.get(WebSession, sid)
            if ws is not None:
                db.delete(ws)


def page_path(p: Prepared) -> str:
    """The dashboard page in print mode with the fixed filter values (the page's ?f= parameter)."""
    query = {"print": "1", **({"f": json.dumps(p.filters, ensure_ascii=False)} if p.filters else {})}
    return f"/dashboards/{quote(p.name, safe='')}?{urlencode(query)}"


def render(
    rt: Runtime,
    p: Prepared,
    fmt: str,
    *,
    base_url: str | None,
    width: int = DESKTOP_WIDTH,
    on_progress: Callable[[float, str | None], None] | None = None,
    element: str | None = None,
) -> bytes:
    """The dashboard as `fmt` bytes. PDF and PNG need `base_url`: a running web app on this catalog."""
    if fmt not in FORMATS:
        raise ShuzhiError(
            "bad_export_format", "格式只能是 pdf、png 或 xlsx。", "The format must be pdf, png or xlsx."
        )
    if fmt == "xlsx":
        return dashboard_xlsx(rt, p)
    check_width(width)
    assert base_url, "pdf/png renders need the address of a running web app"
    timeout = rt.settings.render_timeout_s
    with render_session(rt, p.user_id, timeout + 120) as cookies:
        return render_page(
            PageAccess(base_url, cookies),
            page_path(p),
            fmt,
            width,
            chromium=rt.settings.chromium_path,
            timeout_s=timeout,
            on_progress=on_progress,
            element=element,
        )


# -- XLSX ------------------------------------------------------------------------------------
def dashboard_data(rt: Runtime, p: Prepared, lang: str = "zh") -> dict[str, Any]:
    """What POST /dashboards/{key}/data answers for the user with these filters (rules apply)."""
    today = rt.settings.today_date()
    dates, req, periods = dashboard_periods(rt, p.definition, DataRequest(filters=p.filters), p.user, today)
    plans = plan(p.definition, req, p.index, p.user, today, dates)
    out = run_plans(plans, lambda spec: run_spec(rt, spec, p.user, purpose="export"), lang)
    annotate(out, plans, dates, periods, today, p.index)
    out["filters"] = req.filters
    return out


def _cell(value: Any, col_type: str) -> Any:
    if isinstance(value, str) and col_type.startswith("date"):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value) if col_type == "date" else dt.datetime.fromisoformat(value)
    return value


def dashboard_xlsx(rt: Runtime, p: Prepared) -> bytes:
    """One sheet per chart, table or KPI (results/export.write_xlsx: a title row, a row with the filters
    and 数据截至, the Chinese header, numbers as numbers in the metric's format, dates as dates)."""
    from shuzhi.results.export import Sheet, write_xlsx

    data = dashboard_data(rt, p)
    filters = filters_text(p.definition, data["filters"]) or "无"  # write_xlsx says 筛选：
    sheets: list[Sheet] = []
    for c in p.definition.components:
        entry = data["components"].get(c.id)
        if entry is None:
            continue
        title = c.title or c.id
        res = entry.get("result")
        if entry.get("error") or res is None:
            message = (entry.get("error") or {}).get("message", "无数据 / no data")
            cols: list[dict[str, Any]] = [{"name": "message", "type": "string", "label": "说明 / note"}]
            sheets.append(Sheet(f"{p.title} · {title}", cols, [[message]], filters=filters, name=title))
            continue
        cols = res["columns"]
        rows = [[_cell(v, col["type"]) for v, col in zip(row, cols, strict=False)] for row in res["rows"]]
        fresh = entry.get("freshness") or {}
        as_of = data.get("last_date") or (None if fresh.get("empty") else fresh.get("last_date"))
        sheets.append(Sheet(f"{p.title} · {title}", cols, rows, filters=filters, as_of=as_of, name=title))
    if not sheets:
        raise ShuzhiError(
            "nothing_to_export",
            "仪表板没有图表或指标卡可导出为 Excel。",
            "The dashboard has no chart or KPI to export to Excel.",
        )
    buf = io.BytesIO()
    write_xlsx(sheets, buf)
    return buf.getvalue()


# -- where the web app runs --------------------------------------------------------------------
SERVER_URL = "renders.server_url"  # Runtime.attached: this process's own web app, set by `shuzhi serve`


def loopback_url(host: str | None, port: int) -> str:
    """The address a browser on this machine reaches a server bound to host:port at (a wildcard bind on loopback)."""
    host = "127.0.0.1" if host in ("0.0.0.0", "", None) else "[::1]" if host == "::" else host
    return f"http://{host}:{port}"


def set_server_url(rt: Runtime, host: str, port: int) -> None:
    """Called by `shuzhi serve`: renders started without a request (subscriptions) draw on this server."""
    rt.attached(SERVER_URL, lambda: loopback_url(host, port))


def server_url(rt: Runtime) -> str | None:
    """This process's own web app when it serves one (`shuzhi serve`), else None (the CLI serves in-process)."""
    return rt.attached(SERVER_URL, lambda: None)


# -- files and jobs ----------------------------------------------------------------------------
def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temp file in the same folder and rename: the file is whole or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda f: f.write(data))


def renders_dir(rt: Runtime) -> Path:
    return rt.settings.home / "exports" / "renders"


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_FILES.total_seconds()
    for f in folder.glob("*") if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            if f.stat().st_mtime < cutoff:
                f.unlink()


def download_name(p: Prepared, fmt: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", p.title).strip("_") or p.name
    return f"{safe}.{fmt}"


def start_job(
    rt: Runtime, p: Prepared, fmt: str, *, base_url: str | None, width: int, created_by: str
) -> int:
    """Render in the background (rt.jobs, with progress); the file lands in renders_dir as <job id>.<fmt>."""
    if fmt not in FORMATS:
        raise ShuzhiError(
            "bad_export_format", "格式只能是 pdf、png 或 xlsx。", "The format must be pdf, png or xlsx."
        )
    if fmt != "xlsx":
        check_width(width)
    folder = renders_dir(rt)
    _sweep(folder)

    def run(ctx: Any) -> dict[str, Any]:
        ctx.progress(0.05, "准备 / preparing")
        data = render(rt, p, fmt, base_url=base_url, width=width, on_progress=ctx.progress)
        ctx.check_cancelled()
        write_atomic(folder / f"{ctx.job_id}.{fmt}", data)
        return {"format": fmt, "filename": download_name(p, fmt), "bytes": len(data), "dashboard": p.name}

    return rt.jobs.submit(
        JOB_KIND, run, title=f"导出仪表板 {p.title}（{fmt.upper()}）", created_by=created_by
    )


def job_file(rt: Runtime, job_id: int, username: str, role: str) -> tuple[Path, str, str]:
    """(path, download name, media type) of a finished render job the caller started (admins: any)."""
    from shuzhi.catalog import jobs as records

    missing = ShuzhiError(
        "render_not_found", f"找不到导出任务 {job_id} 的文件。", f"No file for export job {job_id}.", 404
    )
    with rt.catalog.session() as db:
        try:
            job = records.get_job(db, job_id)
        except ShuzhiError:
            raise missing from None
        if job.kind != JOB_KIND or (role != "admin" and job.created_by != username):
            raise missing
        status, result = job.status, dict(job.result or {})
    if status != "succeeded":
        raise ShuzhiError(
            "render_not_ready",
            f"导出任务 {job_id} 尚未完成（{status}）。",
            f"Export job {job_id} has not finished ({status}).",
            409,
        )
    path = renders_dir(rt) / f"{job_id}.{result.get('format')}"
    if not path.is_file():
        raise missing
    return path, str(result.get("filename") or path.name), MEDIA[str(result["format"])]
