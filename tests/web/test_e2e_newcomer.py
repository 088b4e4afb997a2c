"""The newcomer's first ten minutes, end to end in the browser (issue 5's "done when"): import an Excel
file, build three charts on it, put them on a dashboard with a filter, share it with viewers — and a
viewer opens it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import (
    PASSWORD,
    ROOT,
    add_filter_component,
    check_radio,
    choose_option,
    running_server,
    signed_in_page,
)
from e2e_harness import login as _login

XLSX = ROOT / "tests" / "data" / "imports" / "report.xlsx"
VIEWER_PASSWORD = "Viewer-Pass-2026"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("shuzhi-e2e-newcomer-", scale="0.02") as base:
        yield base


def _save_chart(page, *, new_title: str | None = None, existing: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("save-to-dashboard").click()
    if new_title:
        check_radio(page, "新仪表板")
        page.get_by_placeholder("新仪表板标题").fill(new_title)
    else:
        check_radio(page, "已有仪表板")
        choose_option(page, page.get_by_test_id("save-target"), existing or "")
    with page.expect_response(lambda r: "/api/v1/dashboards" in r.url and r.request.method in ("POST", "PUT")) as resp:
        page.get_by_test_id("save-to-dashboard-ok").click()
    assert resp.value.status in (200, 201), resp.value.text()


def test_import_three_charts_dashboard_filter_share(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)

    # 1. import the Excel file (detected sheet, header and totals row), as the table q1_sales
    page.goto(server + "/data")
    page.get_by_test_id("data-tab-import").click()
    page.locator("[data-testid=import-wizard] input[type=file]").set_input_files(str(XLSX))
    expect(page.get_by_test_id("import-filename")).to_have_text("report.xlsx")
    page.get_by_test_id("import-table").fill("q1_sales")
    page.get_by_test_id("import-start").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("已导入 4 行到 q1_sales")

    # 2. 去分析: the table joins the model; chart 1 = the sales sum by 地区, saved to a new dashboard
    page.get_by_test_id("analyze-table").click()
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("一季度 销售额")
    page.locator(".chip.dim .ant-tag-close-icon").first.click()  # drop the time axis
    page.get_by_test_id("field-search").fill("地区")
    page.locator("[data-testid^='field-dimension-q1_sales.']").first.click()
    page.get_by_test_id("chart-bar").click()
    expect(page.locator("[data-testid=analysis-chart] canvas").first).to_be_visible()
    _save_chart(page, new_title="一季度销售看板")
    # chart 2: the same as a pie; chart 3: 数量 as a table — both onto that dashboard
    page.get_by_test_id("chart-pie").click()
    expect(page.locator("[data-testid=analysis-chart] canvas").first).to_be_visible()
    _save_chart(page, existing="一季度销售看板")
    page.get_by_test_id("field-search").fill("数量")
    page.locator("[data-testid^='field-metric-q1_sales__']").first.click()
    page.get_by_test_id("chart-table").click()
    _save_chart(page, existing="一季度销售看板")

    # 3. the dashboard: three charts; add a 地区 filter, share with viewers, save
    page.goto(server + "/dashboards")
    page.get_by_text("一季度销售看板").first.click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("一季度销售看板")
    tiles = page.locator("[data-testid^='tile-']")
    expect(tiles).to_have_count(3)
    page.get_by_test_id("edit-dashboard").click()
    add_filter_component(page, "地区", "地区")
    page.get_by_role("checkbox", name="查看者").check()
    with page.expect_response(lambda r: "/api/v1/dashboards/" in r.url and r.request.method == "PUT") as resp:
        page.get_by_test_id("save-dashboard").click()
    assert resp.value.status == 200, resp.value.text()
    saved = resp.value.json()
    assert saved["shared_roles"] == ["viewer"]
    name = saved["name"]
    saved_pos = next(c["pos"] for c in saved["definition"]["components"] if c["id"] == "chart")
    saved_spec = next(c["spec"] for c in saved["definition"]["components"] if c["id"] == "chart")

    # the filter works: pick 华东 and every chart shows only 华东
    page.goto(server + f"/dashboards/{name}")
    expect(page.locator("[data-testid^='tile-'] canvas").first).to_be_visible()
    page.get_by_test_id("tile-filter").locator(".ant-select").click()
    with page.expect_response(lambda r: r.url.endswith(f"/{name}/data")) as resp:
        page.locator(".ant-select-item-option", has_text="华东").first.click()
    comps = resp.value.json()["components"]
    charts = [c for c in comps.values() if c.get("result")]
    assert len(charts) == 3
    for c in charts:
        regions = {row[0] for row in c["result"]["rows"]}
        assert regions == {"华东"}, c
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "newcomer-dashboard.png"), full_page=True)
    assert not errors, errors

    # 4. change a saved chart: open it from the editor on the analysis page, make it a table, save it back
    page.get_by_test_id("edit-dashboard").click()
    page.get_by_test_id("tile-chart").click()
    page.get_by_test_id("edit-in-analysis").click()
    expect(page.get_by_test_id("edit-from-dashboard")).to_contain_text("一季度销售看板")
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("一季度 销售额")
    expect(page.get_by_test_id("chart-bar")).to_have_class(re.compile("ant-btn-primary"))
    # the page has settled (the saved chart loaded and drawn) before the user picks another type: a result
    # arriving mid-click shifts the layout under the pointer
    expect(page.get_by_test_id("edit-unchanged")).to_be_visible()
    expect(page.locator("canvas").first).to_be_visible()
    page.get_by_test_id("chart-table").click()
    expect(page.get_by_test_id("chart-table")).to_have_class(re.compile("ant-btn-primary"))
    expect(page.get_by_test_id("edit-changed")).to_be_visible()
    with page.expect_response(lambda r: f"/api/v1/dashboards/{name}" in r.url and r.request.method == "PUT") as resp:
        page.get_by_test_id("save-back").click()
    assert resp.value.status == 200, resp.value.text()
    comps = {c["id"]: c for c in resp.value.json()["definition"]["components"]}
    assert comps["chart"]["chart"]["type"] == "table"
    assert comps["chart"]["spec"]["metrics"] == saved_spec["metrics"]  # the same query, shown as a table
    assert comps["chart"]["pos"] == saved_pos  # its place and size stay
    page.wait_for_url(re.compile(rf"/dashboards/{name}$"))
    expect(page.locator("[data-testid^='tile-'] canvas").first).to_be_visible()  # the page has settled
    # changed our mind: restore the version saved before (the bar chart) from the editor's 版本 menu
    page.get_by_test_id("edit-dashboard").click()
    page.get_by_test_id("dashboard-versions").click()
    before = saved["version"]
    page.get_by_test_id(f"version-{before}").click()
    confirm = page.locator(".ant-modal-confirm").filter(has_text=f"恢复到版本 {before}")
    expect(confirm).to_be_visible()
    with page.expect_response(lambda r: f"/versions/{before}/restore" in r.url) as resp:
        confirm.locator(".ant-btn-primary").click()
    assert resp.value.status == 200, resp.value.text()
    restored = {c["id"]: c for c in resp.value.json()["definition"]["components"]}
    assert restored["chart"]["chart"]["type"] == "bar" and resp.value.json()["version"] == before + 2
    assert not errors, errors

    # 5. a viewer (created through the API by the admin) opens the shared dashboard
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
    r = page.request.post(server + "/api/v1/users", headers={"X-CSRF-Token": csrf},
                          data={"username": "boss", "password": VIEWER_PASSWORD, "role": "viewer"})
    assert r.status == 201, r.text()
    ctx.close()
    vctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    vctx.set_default_timeout(30_000)
    v = vctx.new_page()
    _login(v, server, "boss", VIEWER_PASSWORD)
    v.goto(server + f"/dashboards/{name}")
    expect(v.get_by_test_id("dashboard-title")).to_contain_text("一季度销售看板")
    expect(v.locator("[data-testid^='tile-'] canvas").first).to_be_visible()
    assert PASSWORD not in v.content()
    vctx.close()
