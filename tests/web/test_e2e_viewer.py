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


def test_admin_builds_a_department_shares_a_dashboard_and_its_member_sees_only_that_region(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 19's flow in the web app: an admin creates 华东销售部 with region=华东 on 用户与部门, adds a viewer
    into it (no attribute of their own), shares a private dashboard with 销售中心 (its parent) through 共享; the
    viewer signs in, finds it marked 共享给我, and its region chart has 华东 only. Screenshots of both admin pages."""
    from e2e_harness import PASSWORD, choose_option
    from playwright.sync_api import expect

    with screenshot_dir("shuzhi-org-shots-", DOCS, "admin-*.png") as shots:
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        login(page, server, "admin", PASSWORD)
        csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
        sales = page.request.get(server + "/api/v1/dashboards/sales").json()["definition"]
        by_region = next(c for c in sales["components"] if c["id"] == "by_region")
        r = page.request.post(server + "/api/v1/dashboards", headers={"X-CSRF-Token": csrf}, data={
            "name": "east-weekly", "title": "区域周报", "shared_roles": [], "components": [by_region]})
        assert r.status == 201, r.text()

        page.get_by_role("menuitem", name="用户与部门").click()
        expect(page.get_by_test_id("people-page")).to_be_visible()
        page.get_by_test_id("dept-add").click()
        page.get_by_test_id("dept-name").fill("华精科技")
        page.get_by_test_id("attr-key-0").fill("")
        page.locator(".ant-modal:visible").get_by_role("button", name="保 存").click()
        expect(page.get_by_test_id("dept-华精科技")).to_be_visible()
        for parent, name, region in (("华精科技", "销售中心", None), ("华精科技/销售中心", "华东销售部", "华东")):
            page.get_by_test_id("dept-add").click()
            choose_option(page, page.get_by_test_id("dept-parent"), parent)
            page.get_by_test_id("dept-name").fill(name)
            page.get_by_test_id("attr-value-0").fill(region or "")
            if region is None:
                page.get_by_test_id("attr-key-0").fill("")
            page.locator(".ant-modal:visible").get_by_role("button", name="保 存").click()
            expect(page.get_by_test_id(f"dept-{parent}/{name}")).to_be_visible()
        expect(page.get_by_test_id("dept-table")).to_contain_text("region=华东")
        expect(page.locator(".ant-modal-wrap:visible")).to_have_count(0)
        page.locator(".ant-message").evaluate_all("els => els.forEach(e => e.remove())")
        page.screenshot(path=str(shots / "admin-departments.png"), full_page=True)

        page.get_by_role("tab", name="用户").click()
        page.get_by_test_id("user-add").click()
        page.get_by_test_id("user-name").fill("dong")
        page.get_by_test_id("user-password").fill("Dong-Pass-2026x")
        page.get_by_test_id("user-depts").locator(".ant-select-selector").click()  # multiple: the list stays open
        page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="华东销售部").first.click()
        expect(page.get_by_test_id("user-depts")).to_contain_text("华东销售部")
        page.keyboard.press("Escape")
        page.locator(".ant-modal:visible").get_by_role("button", name="保 存").click()
        expect(page.get_by_test_id("user-dong")).to_be_visible()
        expect(page.get_by_test_id("user-table")).to_contain_text("region=华东")
        expect(page.locator(".ant-modal-wrap:visible")).to_have_count(0)
        page.locator(".ant-message").evaluate_all("els => els.forEach(e => e.remove())")
        page.screenshot(path=str(shots / "admin-users.png"), full_page=True)
        page.get_by_test_id("user-access-dong").click()  # who can see what: the rule with dong's value
        expect(page.get_by_test_id("user-access")).to_contain_text("region = 华东")
        page.keyboard.press("Escape")

        page.goto(server + "/dashboards/east-weekly")
        page.get_by_test_id("share-people").click()
        choose_option(page, page.get_by_test_id("share-people-pick"), "华精科技/销售中心", typed="销售中心")
        page.get_by_test_id("share-people-add").click()
        expect(page.get_by_test_id("share-people-list")).to_contain_text("部门：华精科技/销售中心")
        page.screenshot(path=str(shots / "admin-share.png"))
        page.get_by_test_id("share-people-save").click()
        expect(page.get_by_test_id("share-people-dialog")).to_have_count(0)
        ctx.close()

        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        login(page, server, "dong", "Dong-Pass-2026x")
        page.goto(server + "/dashboards")
        expect(page.get_by_test_id("shared-with-me-east-weekly")).to_be_visible()
        regions = page.request.post(server + "/api/v1/dashboards/east-weekly/data",
                                    headers={"X-CSRF-Token": next(c["value"] for c in ctx.cookies()
                                                                  if c["name"] == "shuzhi_csrf")}, data={}).json()
        text = str(regions)
        assert "华东" in text and "华南" not in text and "华北" not in text
        page.goto(server + "/dashboards/east-weekly")
        expect(page.locator("canvas").first).to_be_visible()
        ctx.close()
