"""The self-assessment as a PDF: the web app's /innovation/assess page in print mode, drawn by headless
Chromium through the dashboards' render machinery (delivery/render.py, service/renders.py).

    report_pdf(rt, username, year, *, base_url)   → PDF bytes

The page is opened with a fresh one-render session of `username` (deleted afterwards), so the numbers
are that user's (row rules apply); it is ready when `[data-testid="assess-page"][data-render-ready="1"]`
is there. The PDF's page header carries the page's title and basis (testids dashboard-title,
print-filters, print-as-of), as a dashboard's does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from shuzhi.catalog.models import User
from shuzhi.delivery.render import PageAccess, check_width, render_page
from shuzhi.errors import ShuzhiError
from shuzhi.service.assess import check_year
from shuzhi.service.renders import render_session

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

READY = '[data-testid="assess-page"][data-render-ready="1"]'
WIDTH = 1240


def page_path(year: int) -> str:
    return f"/innovation/assess?print=1&year={year}"


def report_pdf(rt: Runtime, username: str, year: int | None, *, base_url: str | None, width: int = WIDTH) -> bytes:
    y = check_year(rt, year)
    check_width(width)
    if not base_url:
        raise ShuzhiError("render_needs_server", "导出 PDF 需要运行中的网页服务（shuzhi serve）。",
                          "A PDF needs the running web app (shuzhi serve).", 409)
    with rt.catalog.session() as db:
        user_id = db.scalar(select(User.id).where(User.username == username, User.is_active.is_(True)))
    if user_id is None:
        raise ShuzhiError("user_not_found", f"用户 {username} 不存在或已停用。",
                          f"User {username} does not exist or is deactivated.", 404)
    timeout = rt.settings.render_timeout_s
    with render_session(rt, user_id, timeout + 120) as cookies:
        return render_page(PageAccess(base_url, cookies), page_path(y), "pdf", width,
                           chromium=rt.settings.chromium_path, timeout_s=timeout, ready=READY)
