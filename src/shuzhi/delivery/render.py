"""Dashboards to PDF and PNG: the real dashboard page of the web app, drawn by headless Chromium.

The caller (service.renders) hands over a running web app's address, the cookies of a session of the
user the render runs as, and the page's path (`/dashboards/NAME?print=1&f=...`, the page's print mode:
no menus or buttons, a header with the title, the filters applied and 数据截至). This module opens that
page, waits for its readiness signal and takes the picture; it never builds a page of its own.

Invariants
- The browser is the system's Chromium (Settings.chromium_path, Debian's /usr/bin/chromium): nothing is
  ever downloaded. A missing browser is a clear error, not a fallback.
- Ready means the page's `data-render-ready="1"`: the data has arrived and every chart has drawn
  (ECharts' `finished`), no tile is loading; then the fonts. A page that never gets there within the
  time limit fails the render (`render_timeout`), never a half-drawn picture.
- PNG is the whole page (a full-page screenshot at the viewport width), or one element of it when asked
  (a subscribed component's tile, a firing's chart on /why). PDF is the same page printed:
  one page per screen height (the viewport's), each with a header (title · filters · 数据截至) and a
  page number; tiles that would be cut by a page boundary are moved to the next page first.
- The session cookies are handed to the browser only; they are never logged or returned.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

log = get_logger(__name__)

FORMATS = ("pdf", "png")
MIN_WIDTH, MAX_WIDTH = 320, 3840
HEADER_PX, FOOTER_PX = 40, 28  # the PDF page's header and footer bands (CSS px)

Progress = Callable[[float, str | None], None]

# Moves every row of tiles that a page boundary would cut to the top of the next page (print layout).
_PAGINATE = """
(pageH) => {
  const SAFE = 24;
  const grid = document.querySelector('.dash-grid');
  if (!grid) return 0;
  const items = Array.from(grid.children).filter((e) => e.classList.contains('react-grid-item'))
    .map((e) => ({ e, top: e.offsetTop, h: e.offsetHeight }));
  const gridTop = grid.getBoundingClientRect().top + window.scrollY;
  const tops = [...new Set(items.map((i) => i.top))].sort((a, b) => a - b);
  let shift = 0;
  for (const t of tops) {
    const group = items.filter((i) => i.top === t);
    const y0 = gridTop + t + shift;
    const pageEnd = (Math.floor(y0 / pageH) + 1) * pageH;
    // a tile within SAFE px of the page end counts as cut: Chromium moves a canvas that ends near the
    // boundary (sub-pixel rounding) to the next page on its own, leaving its tile empty
    if (group.some((i) => y0 + i.h > pageEnd - SAFE && i.h <= pageH - 2 * SAFE)) shift += pageEnd - y0 + 8;
    for (const i of group) i.e.style.top = (t + shift) + 'px';
  }
  grid.style.height = (grid.offsetHeight + shift) + 'px';
  return Math.ceil((gridTop + grid.offsetHeight) / pageH);
}
"""


@dataclass(frozen=True)
class PageAccess:
    """Where the web app runs and the cookies of the session the render uses (secrets: never logged)."""

    base_url: str
    cookies: dict[str, str]

    def __repr__(self) -> str:  # keep the cookies out of logs and tracebacks
        return f"PageAccess(base_url={self.base_url!r}, cookies=<{len(self.cookies)} hidden>)"


def screen_height(width: int) -> int:
    """The screen height a page of the PDF takes: 1280 → 800 (16:10 desktop), 390 → 844 (a phone)."""
    return round(width * 844 / 390) if width < 768 else round(width * 10 / 16)


def check_width(width: int) -> int:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ShuzhiError(
            "bad_render_width",
            f"页面宽度需在 {MIN_WIDTH} 到 {MAX_WIDTH} 像素之间（电脑 1280，手机 390）。",
            f"The page width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels (desktop 1280, phone 390).",
        )
    return width


def _browser_missing(path: Path) -> ShuzhiError:
    return ShuzhiError(
        "chromium_missing",
        f"找不到 Chromium 浏览器（{path}）：请安装（Debian/Ubuntu: apt-get install chromium fonts-noto-cjk）"
        "或用 SHUZHI_CHROMIUM_PATH 指定其位置。",
        f"Chromium was not found at {path}: install it (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk) "
        "or point SHUZHI_CHROMIUM_PATH at it.",
        503,
    )


def _header_template(title: str, filters: str, as_of: str) -> str:
    style = (
        "font-size:9px;width:100%;margin:0 16px;display:flex;justify-content:space-between;gap:12px;"
        "color:#555;font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif"
    )
    parts = "".join(f"<span>{html.escape(p)}</span>" for p in (title, filters, as_of) if p)
    return f'<div style="{style}">{parts}</div>'


FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#888;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


DASHBOARD_READY = '[data-testid="dashboard-view"][data-render-ready="1"]'


def render_page(
    access: PageAccess,
    path: str,
    fmt: str,
    width: int,
    *,
    chromium: Path,
    timeout_s: float,
    on_progress: Progress | None = None,
    ready: str = DASHBOARD_READY,
    element: str | None = None,
) -> bytes:
    """The page at `path` as PDF or PNG bytes (see the module's invariants). `ready` is the selector that
    says the page has drawn; with `element` (a data-testid) a PNG is only that element (one dashboard
    tile, the chart of the /why page)."""
    if fmt not in FORMATS:
        raise ShuzhiError("bad_render_format", "格式只能是 pdf 或 png。", "The format must be pdf or png.")
    check_width(width)
    if not Path(chromium).is_file():
        raise _browser_missing(Path(chromium))
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    report = on_progress or (lambda _f, _m: None)
    height = screen_height(width)
    t0 = time.perf_counter()
    try:
        with sync_playwright() as pw:
            report(0.1, "启动浏览器 / starting the browser")
            browser = pw.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                ctx = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                    device_scale_factor=1,
                )
                ctx.add_cookies(
                    [{"name": k, "value": v, "url": access.base_url} for k, v in access.cookies.items()]
                )
                page = ctx.new_page()
                report(0.25, "打开仪表板 / opening the dashboard")
                page.goto(
                    access.base_url.rstrip("/") + path,
                    wait_until="domcontentloaded",
                    timeout=timeout_s * 1000,
                )
                page.wait_for_selector(
                    ready,
                    timeout=max(1.0, timeout_s - (time.perf_counter() - t0)) * 1000,
                )
                page.evaluate("() => document.fonts.ready.then(() => true)")
                report(0.7, "页面已绘制 / the page has drawn")
                if fmt == "png" and element:
                    out = page.locator(f'[data-testid="{element}"]').first.screenshot(type="png")
                elif fmt == "png":
                    out = page.screenshot(full_page=True, type="png")
                else:
                    out = _pdf(page, width, height)
                report(0.95, "文件已生成 / file produced")
            finally:
                browser.close()
    except PlaywrightTimeout:
        raise ShuzhiError(
            "render_timeout",
            f"仪表板在 {timeout_s:g} 秒内未绘制完成，已放弃导出。",
            f"The dashboard did not finish drawing within {timeout_s:g} s; the export was abandoned.",
            504,
        ) from None
    except PlaywrightError as exc:
        log.warning("render_browser_error", error=str(exc).splitlines()[0][:300])
        raise ShuzhiError(
            "render_failed",
            "浏览器绘制仪表板失败，详情见服务日志。",
            "The browser failed to draw the dashboard; see the server log.",
            500,
        ) from None
    log.info(
        "dashboard_rendered",
        format=fmt,
        width=width,
        bytes=len(out),
        ms=round((time.perf_counter() - t0) * 1000),
    )
    return out


def _pdf(page, width: int, height: int) -> bytes:  # type: ignore[no-untyped-def]
    """Print the page: header text read from the page itself, tiles kept whole across page breaks."""

    def text(testid: str) -> str:
        loc = page.locator(f'[data-testid="{testid}"]')
        return loc.first.inner_text().strip() if loc.count() else ""

    title, filters, as_of = text("dashboard-title"), text("print-filters"), text("print-as-of")
    page.emulate_media(media="print")
    page.evaluate(_PAGINATE, height - HEADER_PX - FOOTER_PX)
    return page.pdf(
        width=f"{width}px",
        height=f"{height}px",
        print_background=True,
        display_header_footer=True,
        header_template=_header_template(title, filters, as_of),
        footer_template=FOOTER,
        margin={"top": f"{HEADER_PX}px", "bottom": f"{FOOTER_PX}px", "left": "0px", "right": "0px"},
    )
