"""Share links and embedding in a real browser (issue 15): create a link in the 「分享」 dialog, open it in a
fresh context without signing in (a 390 px phone), revoke it and see it stop working; frame a dashboard
with a guest token from a page on another origin that SHUZHI_EMBED_FRAME_ANCESTORS allows.

Screenshots (SHUZHI_UPDATE_SCREENSHOTS=1 copies them to docs/images): share-dialog.png, share-public-phone.png.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_harness import click_and_confirm, running_server, screenshot_dir, signed_in_page

from shuzhi_testing import free_port

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs" / "images"
PORTAL_PORT = free_port()
PORTAL = f"http://127.0.0.1:{PORTAL_PORT}"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(
        prefix="shuzhi-e2e-share-", scale="0.01", extra_env={"SHUZHI_EMBED_FRAME_ANCESTORS": PORTAL}
    ) as base:
        yield base


def _local(link: str, server: str) -> str:
    """The link on the test server (its origin is SHUZHI_PUBLIC_URL, which the test leaves at the default)."""
    parts = urlsplit(link)
    return f"{server}{parts.path}#{parts.fragment}"


def test_share_link_open_and_revoke(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    with screenshot_dir("shuzhi-share-", DOCS, "share-*.png") as shots:
        ctx, page, errors = signed_in_page(browser, server)
        page.goto(server + "/dashboards/sales")
        expect(page.get_by_test_id("dashboard-view")).to_have_attribute("data-loading", "0")
        page.get_by_test_id("share-dashboard").click()
        dialog = page.get_by_test_id("share-dialog")
        page.get_by_test_id("share-create").click()
        link = page.get_by_test_id("share-link").input_value()
        assert re.fullmatch(r"http://127\.0\.0\.1:8000/share#szs_[\w-]{43}", link), link
        expect(dialog.get_by_text("有效").first).to_be_visible()
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / "share-dialog.png"))

        anon = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
        )
        public = anon.new_page()
        public.on("pageerror", lambda e: errors.append(str(e)))
        public.goto(_local(link, server))
        view = public.get_by_test_id("public-dashboard")
        expect(view).to_have_attribute("data-loading", "0")
        expect(public.get_by_test_id("dashboard-title")).to_have_text("销售分析")
        expect(public.get_by_test_id("tile-revenue").get_by_test_id("kpi-tile")).to_be_visible()
        assert public.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        assert not anon.cookies()  # no session of any kind
        public.screenshot(path=str(shots / "share-public-phone.png"))

        # the owner sees one view, then revokes the link
        page.get_by_role("button", name="Close").click()
        page.get_by_test_id("share-dashboard").click()
        row = page.get_by_test_id("share-list").locator("tbody tr.ant-table-row").first
        expect(row).to_contain_text("1")
        revoked = click_and_confirm(page, row.get_by_role("button", name=re.compile("撤\\s*销")), "/shares/", "DELETE")
        assert revoked.status == 200, revoked.text()
        expect(row).to_contain_text("已撤销")

        public.reload()
        expect(public.get_by_test_id("share-gone")).to_contain_text("此分享链接已被撤销")
        anon.close()
        ctx.close()
        assert not errors, errors


class _Portal(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:
        pass


def test_embed_in_an_iframe_of_another_origin(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
    r = page.request.post(
        server + "/api/v1/embed/tokens",
        headers={"X-CSRF-Token": csrf},
        data={"dashboard": "sales", "filters": {"customers.region": "华东"}, "minutes": 5},
    )
    assert r.status == 201, r.text()
    url = _local(r.json()["url"], server)
    ctx.close()

    _Portal.html = (
        f'<!doctype html><meta charset="utf-8"><title>MES 门户</title><h1>MES 门户</h1>'
        f'<iframe id="bi" src="{url}" style="width:1200px;height:800px;border:0"></iframe>'
    ).encode()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", PORTAL_PORT), _Portal)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        guest = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        portal = guest.new_page()
        portal.on("pageerror", lambda e: errors.append(str(e)))
        portal.goto(PORTAL + "/")
        frame = portal.frame_locator("#bi")
        expect(frame.get_by_test_id("public-dashboard")).to_have_attribute("data-loading", "0")
        expect(frame.get_by_test_id("dashboard-title")).to_have_text("销售分析")
        expect(frame.get_by_test_id("tile-by_region")).to_be_visible()
        assert portal.locator("#bi").count() == 1 and not frame.locator("[data-testid=user-menu]").count()
        guest.close()
    finally:
        httpd.shutdown()
    assert not errors, errors
