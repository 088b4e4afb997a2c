"""End-to-end: /innovation/efficiency (the R&D funnel per field, lags, budget overruns, time to grant) and the
rebuilt 研发创新 dashboard, on a desktop and a 390 px phone, in headless Chromium against a real `shuzhi serve`.

Screenshots go to a temp dir (printed), and the page to docs/images/rd-efficiency-desktop.png with SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from pathlib import Path

from e2e_harness import ROOT, open_innovation, screenshot_dir
from e2e_harness import login as _login


def _page(browser, base: str, **ctx):  # type: ignore[no-untyped-def]
    context = browser.new_context(**{"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN", **ctx})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, base)
    errors.clear()
    return page, errors


def test_efficiency_page_and_rd_dashboard(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with screenshot_dir("shuzhi-rd-eff-shots-", ROOT / "docs" / "images", "rd-efficiency-desktop.png") as shots:
        _flow(server, browser, shots)
        print(f"screenshots: {shots}")


def _flow(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page, errors = _page(browser, server)
    # the 创新 menu leads to the page
    open_innovation(page, "研发效率", "/innovation/efficiency")
    page.wait_for_url(re.compile(r"/innovation/efficiency$"))
    expect(page.get_by_test_id("eff-summary")).to_contain_text("研发投入")
    expect(page.get_by_test_id("eff-funnel").locator("canvas")).to_be_visible()
    assert page.get_by_test_id("eff-funnel-table").locator("tbody tr.ant-table-row").count() >= 10
    expect(page.get_by_test_id("eff-lag-patent_applications")).to_contain_text(re.compile("季度|看不出|数据太少"))
    expect(page.get_by_test_id("eff-kpi-over")).to_contain_text(re.compile(r"\d"))
    expect(page.get_by_test_id("eff-industry").locator("tbody tr.ant-table-row")).to_have_count(5)
    flagged = page.get_by_test_id("eff-budget-table").locator("tbody tr.ant-table-row")
    expect(flagged.first).to_be_visible()
    expect(page.get_by_test_id("eff-budget-table")).to_contain_text(re.compile("超预算|快于计划"))
    page.wait_for_timeout(800)  # chart animations
    page.screenshot(path=str(shots / "rd-efficiency-desktop.png"), full_page=True)
    # one field: the funnel has that field only
    with page.expect_response(lambda r: "/api/v1/rd/efficiency?field=" in r.url) as resp:
        page.get_by_test_id("eff-field").click()
        page.locator(".ant-select-item-option", has_text="新材料").click()
    assert resp.value.status == 200
    expect(page.get_by_test_id("eff-funnel-table").locator("tbody tr.ant-table-row").first).to_contain_text("新材料")
    assert {t.strip() for t in page.get_by_test_id("eff-funnel-table").locator("tbody tr.ant-table-row td:first-child").all_inner_texts()} == {"新材料"}
    assert errors == [], errors
    page.context.close()

    # a phone: the page and the dashboard fit 390 px
    phone, errors = _page(browser, server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                          is_mobile=True, has_touch=True)
    phone.goto(server + "/innovation/efficiency")
    expect(phone.get_by_test_id("eff-summary")).to_be_visible()
    expect(phone.get_by_test_id("eff-funnel").locator("canvas")).to_be_visible()
    phone.wait_for_timeout(800)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width
    phone.screenshot(path=str(shots / "rd-efficiency-phone.png"), full_page=True)
    with phone.expect_response(lambda r: r.url.endswith("/api/v1/dashboards/rd/data")) as resp:
        phone.goto(server + "/dashboards/rd")
    data = resp.value.json()
    phone.wait_for_selector("[data-testid=dashboard-view][data-loading='0']")
    phone.wait_for_timeout(900)
    for cid, comp in data["components"].items():
        assert comp["error"] is None, (cid, comp["error"])
        assert comp["result"]["rows"], cid
    phone.screenshot(path=str(shots / "rd-efficiency-dashboard-phone.png"), full_page=True)
    assert errors == [], errors
    phone.context.close()

    desk, errors = _page(browser, server)
    with desk.expect_response(lambda r: r.url.endswith("/api/v1/dashboards/rd/data")) as resp:
        desk.goto(server + "/dashboards/rd")
    data = resp.value.json()
    desk.wait_for_selector("[data-testid=dashboard-view][data-loading='0']")
    desk.wait_for_timeout(900)
    for cid, comp in data["components"].items():
        assert comp["error"] is None and comp["result"]["rows"], cid
        tile = desk.get_by_test_id(f"tile-{cid}")
        if comp["kind"] == "kpi":
            assert re.search(r"\d", tile.locator(".kpi-tile-value").inner_text()), cid
        elif comp["chart"]["type"] == "table":
            assert tile.locator("tbody tr").count() >= 1, cid
        else:
            assert tile.locator("canvas").count() >= 1, cid
    desk.screenshot(path=str(shots / "rd-efficiency-dashboard-desktop.png"), full_page=True)
    assert errors == [], errors
    desk.context.close()
