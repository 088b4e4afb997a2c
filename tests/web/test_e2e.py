"""End-to-end: the built web app against a real `shuzhi serve`, in headless Debian Chromium.

Needs frontend/dist (make web / npm run build), /usr/bin/chromium (or SHUZHI_CHROMIUM) and the Python
`playwright` package (never `playwright install`: the system browser is used). Skips locally when one
is missing; fails when CI=true. Screenshots go to a temp dir, and to docs/screenshots/ when
SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import PASSWORD, ROOT, screenshot_dir

SHOTS_DOCS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-shots-", SHOTS_DOCS) as d:
        yield d


def _login(page, base: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page.get_by_test_id("kpi-revenue")).to_be_visible()
    expect(page).to_have_url(base + "/")


def _expect_number(text: str) -> None:
    assert re.search(r"\d", text), f"no number in {text!r}"


def test_web_app(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", device_scale_factor=1)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # login: a wrong password shows the API's Chinese message, then the right one gets in
    page.goto(server + "/login")
    expect(page.get_by_text("登录数智")).to_be_visible()
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码错误")
    page.screenshot(path=str(shots / "login.png"))
    _login(page, server)
    errors.clear()  # the browser logs the expected 401s (failed login, /auth/me before signing in)

    # home: KPI cards with numbers from the demo, and an answer to a question
    for m, label in [("revenue", "销售额"), ("gross_margin", "毛利率"), ("order_count", "订单数"), ("inventory_value", "库存金额")]:
        card = page.get_by_test_id(f"kpi-{m}")
        expect(card).to_contain_text(label)
        expect(card).to_contain_text("同比")
        _expect_number(card.locator(".kpi-value").inner_text())
    assert "%" in page.get_by_test_id("kpi-gross_margin").locator(".kpi-value").inner_text()
    page.locator(".ask-card input.ant-input").fill("今年各大区销售额")
    page.locator(".ask-card input.ant-input").press("Enter")
    answer = page.get_by_test_id("ask-answer").last
    expect(answer).to_contain_text("维度: 大区")
    expect(answer.locator("canvas").first).to_be_visible()
    page.get_by_role("button", name=re.compile("新会话")).click()
    page.locator(".ask-card input.ant-input").fill("员工满意度")
    page.locator(".ask-card input.ant-input").press("Enter")
    expect(page.get_by_test_id("ask-not-understood")).to_contain_text("没能理解")
    page.get_by_role("button", name=re.compile("新会话")).click()
    page.locator(".ask-card input.ant-input").fill("按仓库看库存周转率")  # explained: turnover has no warehouse
    page.locator(".ask-card input.ant-input").press("Enter")
    expect(page.get_by_test_id("ask-explanations").last).to_contain_text("不能按仓库拆分")
    page.get_by_role("button", name=re.compile("新会话")).click()
    page.locator(".ask-card input.ant-input").fill("近12个月销售额和毛利率趋势")
    page.locator(".ask-card input.ant-input").press("Enter")
    expect(page.get_by_test_id("ask-answer").last).to_contain_text("指标: 毛利率")
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    # metric center: search, then a metric page with lineage, versions and a trend
    page.get_by_role("menuitem", name="指标中心").click()
    expect(page.get_by_test_id("metric-card-revenue")).to_contain_text("已认证")
    page.get_by_test_id("metric-search").fill("毛利")
    page.get_by_test_id("metric-search").press("Enter")
    expect(page.get_by_test_id("metric-card-gross_margin")).to_be_visible()
    expect(page.get_by_test_id("metric-card-inventory_value")).to_have_count(0)
    page.get_by_test_id("metric-search").fill("")
    page.get_by_test_id("metric-search").press("Enter")
    expect(page.get_by_test_id("metric-card-inventory_value")).to_be_visible()
    page.screenshot(path=str(shots / "metrics.png"))
    page.get_by_test_id("metric-card-revenue").click()
    expect(page.get_by_test_id("metric-title")).to_have_text("销售额")
    expect(page.get_by_text("sales_orders.amount").first).to_be_visible()
    expect(page.get_by_text("版本 1")).to_be_visible()
    expect(page.locator(".trend-card canvas").first).to_be_visible()
    page.wait_for_timeout(800)  # let the line animation finish
    page.screenshot(path=str(shots / "metric.png"), full_page=True)

    # analysis: starts with revenue by region; drag a metric, switch to the map, view SQL and data
    page.get_by_role("menuitem", name="分析").click()
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("销售额")
    expect(page.locator("[data-testid=analysis-chart] canvas").first).to_be_visible()
    page.get_by_test_id("field-metric-gross_profit").drag_to(page.get_by_test_id("shelf-metrics"))
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("毛利")
    page.get_by_test_id("view-data").click()
    table = page.get_by_test_id("analysis-table")
    expect(table).to_contain_text("华东")
    expect(table).to_contain_text("¥")
    page.get_by_test_id("view-sql").click()
    expect(page.get_by_test_id("sql-text")).to_contain_text("SELECT")
    page.locator(".ant-modal-footer .ant-btn-primary").click()
    expect(page.get_by_test_id("sql-text")).to_be_hidden()
    page.get_by_test_id("view-data").click()
    page.locator(".chip.dim .ant-tag-close-icon").first.click()
    page.get_by_test_id("field-search").fill("省份")
    page.get_by_test_id("field-dimension-customers.province").click()
    expect(page.get_by_test_id("chart-map")).to_have_class(re.compile("ant-btn-primary"))
    expect(page.locator(".chart-map canvas").first).to_be_visible()
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / "analysis.png"))

    # English
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("menuitem", name="Metric center")).to_be_visible()
    page.get_by_role("menuitem", name="Home").click()
    expect(page.get_by_test_id("kpi-revenue")).to_contain_text("YoY")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("menuitem", name="首页")).to_be_visible()
    assert not errors, errors
    ctx.close()

    # phone: the home page stacks, the side menu is gone
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2,
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, server)
    expect(page.get_by_test_id("kpi-revenue")).to_contain_text("销售额")
    expect(page.locator(".app-sider")).to_have_count(0)
    boxes = [page.get_by_test_id(f"kpi-{m}").bounding_box() for m in ("revenue", "gross_margin")]
    assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"] + 20, "KPI cards should stack on a phone"
    assert boxes[0]["width"] <= 390
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "home-phone.png"))
    phone.close()


def test_metric_editor(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """An editor creates a metric: problems show while typing, the preview draws, saving opens its page."""
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, server)
    page.goto(server + "/metrics")
    page.get_by_test_id("metric-new").click()
    expect(page.get_by_test_id("metric-editor")).to_be_visible()
    page.get_by_label("标识 name").fill("big_orders")
    page.get_by_label("名称", exact=True).fill("大单数")
    def pick(field: str) -> None:  # an Ant Design Select by its form field (the input's id)
        page.locator(f".ant-select:has(input#{field}) .ant-select-selector").click()

    pick("dataset")
    page.locator(".ant-select-item-option", has_text="(sales_orders)").first.click()
    pick("agg")
    page.locator(".ant-select-item-option[title=count_distinct]").click()
    page.get_by_label("字段或表达式").fill("order_idd")
    check = page.get_by_test_id("metric-check")
    expect(check).to_contain_text("order_idd")  # the unknown field is named while typing
    expect(page.get_by_test_id("metric-save")).to_be_disabled()
    page.get_by_label("字段或表达式").fill("order_id")
    page.get_by_label("过滤条件").fill("amount >= 100000")
    pick("time")
    page.locator(".ant-select-item-option", has_text="(order_date)").first.click()
    expect(check).to_contain_text("定义有效")
    expect(check.locator("canvas").first).to_be_visible()
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "metric-editor.png"), full_page=True)
    page.get_by_test_id("metric-save").click()
    expect(page.get_by_test_id("metric-title")).to_have_text("大单数")
    page.get_by_test_id("metric-edit").click()
    expect(page.get_by_label("标识 name")).to_be_disabled()
    assert not errors, errors
    ctx.close()
