"""Exporting a whole dashboard: PDF / PNG drawn by headless Chromium from the real page, XLSX from its data.

A render runs AS a user: their dashboards, their row and column rules. For PDF and PNG the browser signs
in with a render session made for this one render (auth.credentials.create_session, no password; a few
minutes at most) and deleted right after, whatever happens; its cookie goes to the browser only.

Fixed filter values: `FIELD=VALUE` pairs (the CLI, subscriptions) or a mapping (the API, the web app's
current filter state). FIELD names one of the dashboard's filter controls by its id, its title or label
(zh or en), its field (`customers.region`, `region`) or that field's model label (地区). VALUE is read
by the control's kind: dropdown one value; multi_select several (repeat the pair or separate with , ，
or 、); tree paths `华东/江苏`; date_range a preset (`this_year`) or `2025-01-01..2025-06-30`;
numeric_range `LOW..HIGH` (either side may be empty). Values then pass the same check the data API
makes, so a bad one is a 4xx / exit 1 before anything is drawn.

XLSX: one sheet per chart or KPI (its result, as the viewer's data API answers it), numbers as numbers,
Chinese column labels, a title row with the filters applied and 数据截至.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from shuzhi.auth.credentials import CSRF_COOKIE, SESSION_COOKIE, create_session
from shuzhi.auth.users import get_user
from shuzhi.catalog import dashboards as store
from shuzhi.catalog.models import User, WebSession
from shuzhi.delivery.render import PageAccess, check_width, render_page
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import Component, DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.runtime import Runtime
from shuzhi.service.dashboards import DataRequest, plan, run_plans, validate_filters
from shuzhi.service.freshness import annotate, dashboard_periods
from shuzhi.service.query import query as run_spec
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

RELATIVE = {  # date_range presets in words (zh, en), as the web app says them
    "today": ("今天", "Today"),
    "yesterday": ("昨天", "Yesterday"),
    "this_week": ("本周", "This week"),
    "last_week": ("上周", "Last week"),
    "last_7_days": ("近 7 天", "Last 7 days"),
    "last_30_days": ("近 30 天", "Last 30 days"),
    "last_90_days": ("近 90 天", "Last 90 days"),
    "this_month": ("本月", "This month"),
    "last_month": ("上月", "Last month"),
    "this_quarter": ("本季度", "This quarter"),
    "last_quarter": ("上季度", "Last quarter"),
    "this_year": ("今年", "This year"),
    "last_year": ("去年", "Last year"),
    "ytd": ("今年至今", "Year to date"),
    "mtd": ("本月至今", "Month to date"),
    "qtd": ("本季至今", "Quarter to date"),
    "last_12_months": ("近 12 个月", "Last 12 months"),
}
_SPLIT = re.compile(r"[,，、]")


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
        rec = store.get_record(db, key, store.Viewer(u.id, u.username, u.role))
        d = DashboardDef.model_validate(rec.definition)
        idx, _ = rt.model_index(None, db)
        out = Prepared(
            rec.name,
            rec.title or rec.name,
            d,
            idx,
            u.id,
            UserContext(u.username, u.role, dict(u.attributes or {})),
        )
    out.filters = resolve_filters(d, idx, filters or {})
    validate_filters(d, DataRequest(filters=out.filters), idx)
    return out


def _norm(s: str | None) -> str:
    return (s or "").strip().casefold()


def _names(c: Component, idx: ModelIndex) -> set[str]:
    f = c.filter
    assert f is not None
    names = {c.id, c.title, c.title_en, f.label, f.label_en, f.field, f.field.split(".")[-1]}
    with contextlib.suppress(ShuzhiError, KeyError):
        info = idx.fields[idx.resolve_field(f.field)]
        names |= {
            getattr(info, "label", None),
            getattr(info, "label_en", None),
            *(getattr(info, "synonyms", None) or []),
        }
    return {_norm(n) for n in names if n}


def find_filter(d: DashboardDef, idx: ModelIndex, name: str) -> Component:
    controls = [c for c in d.components if c.kind == "filter" and c.filter]
    hits = [c for c in controls if _norm(name) in _names(c, idx)]
    if len(hits) == 1:
        return hits[0]
    offered = "、".join(f"{c.title or c.id}（{c.filter.field}）" for c in controls if c.filter) or "无 / none"
    if hits:
        raise ShuzhiError(
            "ambiguous_filter",
            f"「{name}」对应多个筛选器，请用筛选器 id：{', '.join(c.id for c in hits)}。",
            f"'{name}' matches several filters; use a filter id: {', '.join(c.id for c in hits)}.",
        )
    raise ShuzhiError(
        "unknown_filter",
        f"仪表板没有筛选器「{name}」。可用的筛选器：{offered}。",
        f"The dashboard has no filter '{name}'. Its filters: {offered}.",
        details={"filter": name},
    )


def _range(text: str) -> tuple[str, str]:
    for sep in ("..", "~", "～"):
        if sep in text:
            lo, _, hi = text.partition(sep)
            return lo.strip(), hi.strip()
    raise ValueError(text)


def _number(s: str) -> float | None:
    return float(s) if s else None


def parse_value(c: Component, texts: list[str]) -> Any:
    """The value of filter control `c` from the text(s) given for it (see the module's doc)."""
    f = c.filter
    assert f is not None
    bad = ShuzhiError(
        "filter_value_invalid",
        f"筛选器「{c.title or c.id}」的取值有误：{'；'.join(texts)}。",
        f"Invalid value for filter '{c.title_en or c.title or c.id}': {'; '.join(texts)}.",
    )
    try:
        if f.control == "dropdown":
            if len(texts) != 1:
                raise ValueError
            return texts[0]
        if f.control == "multi_select":
            return [v.strip() for t in texts for v in _SPLIT.split(t) if v.strip()]
        if f.control == "tree":
            return [[p.strip() for p in t.split("/") if p.strip()] for t in texts]
        if len(texts) != 1:
            raise ValueError
        text = texts[0].strip()
        if f.control == "date_range":
            if text in RELATIVE:
                return {"relative": text}
            lo, hi = _range(text)
            for v in (lo, hi):
                dt.date.fromisoformat(v)
            return {"start": lo, "end": hi}
        if f.control == "numeric_range":
            lo, hi = _range(text)
            return [_number(lo), _number(hi)]
    except ValueError:
        raise bad from None
    raise bad


def resolve_filters(d: DashboardDef, idx: ModelIndex, given: list[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Filter id → value. A list holds `FIELD=VALUE` texts; a mapping's string values are read like them,
    other values (lists, ranges) are taken as the web app sends them."""
    texts: dict[str, tuple[Component, list[str]]] = {}
    out: dict[str, Any] = {}
    items: list[tuple[str, Any]]
    if isinstance(given, Mapping):
        items = list(given.items())
    else:
        items = []
        for pair in given:
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                raise ShuzhiError(
                    "bad_filter_pair",
                    f"筛选条件需写成 字段=值：{pair}",
                    f"A filter is written FIELD=VALUE: {pair}",
                )
            items.append((name.strip(), value.strip()))
    for name, value in items:
        c = find_filter(d, idx, name)
        if isinstance(value, str):
            texts.setdefault(c.id, (c, []))[1].append(value)
        else:
            out[c.id] = value
    for cid, (c, vals) in texts.items():
        out[cid] = parse_value(c, vals)
    return out


def filters_text(d: DashboardDef, values: Mapping[str, Any], lang: str = "zh") -> str:
    """'大区：华东、华南；期间：今年' for the filter controls that have a value (chosen or default)."""
    parts = []
    for c in d.components:
        if c.kind != "filter" or not c.filter:
            continue
        v = values[c.id] if c.id in values else c.filter.default
        text = _value_text(v, lang)
        if text:
            label = (c.filter.label_en or c.title_en) if lang == "en" else (c.filter.label or c.title)
            parts.append(
                f"{label or c.title or c.id}：{text}" if lang != "en" else f"{label or c.id}: {text}"
            )
    return ("；" if lang != "en" else "; ").join(parts)


def _value_text(v: Any, lang: str) -> str:
    if v is None or v == "" or v == []:
        return ""
    if isinstance(v, dict):
        if v.get("relative"):
            zh, en = RELATIVE.get(v["relative"], (v["relative"], v["relative"]))
            return en if lang == "en" else zh
        return f"{v.get('start') or '…'} ~ {v.get('end') or '…'}"
    if isinstance(v, list):
        if len(v) == 2 and all(x is None or isinstance(x, int | float) for x in v):
            return f"{'…' if v[0] is None else v[0]} – {'…' if v[1] is None else v[1]}"
        return "、".join(" / ".join(map(str, x)) if isinstance(x, list) else str(x) for x in v)
    return str(v)


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


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        name, n = f"{base[:26]}({n})", n + 1
    used.add(name.casefold())
    return name


def _cell(value: Any, col_type: str) -> Any:
    if isinstance(value, str) and col_type.startswith("date"):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value) if col_type == "date" else dt.datetime.fromisoformat(value)
    return value


def dashboard_xlsx(rt: Runtime, p: Prepared) -> bytes:
    """One sheet per chart or KPI: a title row, a row with the filters and 数据截至, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = dashboard_data(rt, p)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    meta = "；".join(
        x
        for x in (
            f"筛选：{filters_text(p.definition, data['filters']) or '无'}",
            f"数据截至 {data['last_date']}" if data.get("last_date") else "",
        )
        if x
    )
    for c in p.definition.components:
        entry = data["components"].get(c.id)
        if entry is None:
            continue
        title = c.title or c.id
        ws = wb.create_sheet(_sheet_name(title, used))
        ws.append([f"{p.title} · {title}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([meta])
        res = entry.get("result")
        if entry.get("error") or res is None:
            ws.append([(entry.get("error") or {}).get("message", "无数据 / no data")])
            continue
        cols = res["columns"]
        ws.append([col.get("label") or col["name"] for col in cols])
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for row in res["rows"]:
            ws.append([_cell(v, col["type"]) for v, col in zip(row, cols, strict=False)])
        for r in ws.iter_rows(min_row=4):
            for cell, col in zip(r, cols, strict=False):
                if cell.data_type == "f":  # text from the data is never a formula
                    cell.data_type = "s"
                if col.get("format") == "percent" and isinstance(cell.value, int | float):
                    cell.number_format = "0.0%"
                elif isinstance(cell.value, int | float):
                    cell.number_format = "#,##0.##"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    if not wb.sheetnames:
        raise ShuzhiError(
            "nothing_to_export",
            "仪表板没有图表或指标卡可导出为 Excel。",
            "The dashboard has no chart or KPI to export to Excel.",
        )
    buf = io.BytesIO()
    wb.save(buf)
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
    fd, tmp = tempfile.mkstemp(prefix=".render-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
