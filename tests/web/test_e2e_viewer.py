"""A viewer's web app (issue 12, "Also found"): no 数据 page in the menu and its routes redirect home, no
metric editor, no 新建规则, no save-to-dashboard, no 查看 SQL — nothing that could only answer 403 — on
a desktop and on a 390 px phone. An editor still sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import login, running_server, screenshot_dir

VIEWER_PASSWORD = "Viewer-Pass-0001"
EDITOR_PASSWORD = "Editor-Pass-0001"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(prefix="shuzhi-e2e-viewer-", scale="0.01") as base:
        yield base


def _add_users(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context()
    page = ctx.new_page()
    login(page, server)
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
    for name, role, pw in (("kan", "viewer", VIEWER_PASSWORD), ("bian", "editor", EDITOR_PASSWORD)):
        r = page.request.post(server + "/api/v1/users", headers={"X-CSRF-Token": csrf},
                              data={"username": name, "password": pw, "role": role, "attributes": {"region": "华东"}})
        assert r.status == 201, r.text()
    ctx.close()


def _walk(browser, server: str, user: str, password: str, viewport: dict[str, int], shots: Path | None):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=viewport, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, user, password)
    seen: dict[str, object] = {"menu": page.locator(".ant-menu-item").all_inner_texts()}
    tag = "phone" if viewport["width"] < 500 else "desktop"
    if shots:
        page.screenshot(path=str(shots / f"viewer-{tag}-home.png"))
    for path in ("/data", "/data/tables/demo_ground_truth", "/metrics/new/edit", "/metrics/revenue/edit"):
        page.goto(server + path)
        page.get_by_test_id("user-menu").wait_for()
        page.wait_for_timeout(500)
        seen[path] = page.url.removeprefix(server)
    page.goto(server + "/alerts")
    # a table on a desktop, cards on a phone
    page.locator("[data-testid=rules-table], [data-testid=rules-cards]").first.wait_for()
    seen["new-rule"] = page.get_by_test_id("new-rule").count()
    if shots:
        page.screenshot(path=str(shots / f"viewer-{tag}-alerts.png"))
    page.goto(server + "/metrics/revenue")
    page.get_by_text("revenue").first.wait_for()
    seen["metric-edit"] = page.get_by_test_id("metric-edit").count()
    page.goto(server + "/analysis?metric=revenue")
    page.get_by_test_id("view-data").wait_for()
    page.wait_for_timeout(1500)
    seen["view-sql"] = page.get_by_test_id("view-sql").count()
    seen["save-to-dashboard"] = page.get_by_test_id("save-to-dashboard").count()
    if shots:
        page.screenshot(path=str(shots / f"viewer-{tag}-analysis.png"))
    ctx.close()
    assert not errors, errors
    return seen


def test_a_viewer_sees_only_what_they_may_use(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    _add_users(browser, server)
    with screenshot_dir("shuzhi-viewer-", DOCS, "viewer-*.png") as shots:
        for vp in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
            seen = _walk(browser, server, "kan", VIEWER_PASSWORD, vp, shots)
            assert "数据" not in seen["menu"] and "仪表板" in seen["menu"], seen
            for path in ("/data", "/data/tables/demo_ground_truth", "/metrics/new/edit", "/metrics/revenue/edit"):
                assert seen[path] == "/", (vp, path, seen)
            assert seen["new-rule"] == seen["metric-edit"] == seen["view-sql"] == seen["save-to-dashboard"] == 0, seen
    seen = _walk(browser, server, "bian", EDITOR_PASSWORD, {"width": 1440, "height": 900}, None)
    assert "数据" in seen["menu"] and seen["/data"] == "/data" and seen["new-rule"] == seen["view-sql"] == 1, seen
