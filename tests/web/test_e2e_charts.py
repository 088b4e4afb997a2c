"""End-to-end: every chart type painted on the demo data (/dev/charts), and a chart built by drag and
drop on the analysis page, in headless Debian Chromium against a real `shuzhi serve`.

Reuses test_e2e.py's server/browser harness (skips locally when the build, Chromium or playwright is
missing; fails under CI=true). Screenshots go to a temp dir, and to docs/images/ when
SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import CHART_TYPES, PAINTED, PASSWORD, ROOT, screenshot_dir

IMAGES = ROOT / "docs" / "images"



@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-chart-shots-", IMAGES) as d:
        yield d


def _page(b, base: str, width: int = 1440, height: int = 900):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx = b.new_context(viewport={"width": width, "height": height}, locale="zh-CN", device_scale_factor=1)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto(base + "/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page.get_by_test_id("kpi-revenue")).to_be_visible()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


def test_chart_gallery(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = _page(browser, server)
    page.goto(server + "/dev/charts")
    cards = page.locator("[data-testid^=gallery-]")
    expect(cards.first).to_be_visible()
    n = cards.count()
    assert n >= 16
    seen: set[str] = set()
    for i in range(n):
        card = cards.nth(i)
        name = card.get_attribute("data-testid")
        card.scroll_into_view_if_needed()
        expect(card).to_have_attribute("data-ready", "1")
        assert card.locator(".ant-alert-error").count() == 0, f"{name}: {card.inner_text()}"
        kind, render = card.get_attribute("data-type"), card.get_attribute("data-render")
        seen.add(kind or "")
        if render == "echarts":
            expect(card.locator("canvas").first).to_be_visible()
            page.wait_for_timeout(150)
            assert card.evaluate(PAINTED) > 200, f"{name}: the canvas is blank"
        elif render == "kpi":
            value = card.locator(".kpi-big-value").inner_text()
            assert re.search(r"¥[\d.,]+(万|亿)", value), f"{name}: {value!r}"
            expect(card).to_contain_text("同比")
            expect(card).to_contain_text("达成率")
        elif render == "table":
            assert card.locator("tbody tr.ant-table-row").count() == 8  # one page
            expect(card.locator(".ant-pagination")).to_be_visible()
            assert re.search(r"¥[\d.,]+万", card.locator("tbody").inner_text())
        elif render == "pivot":
            expect(card.locator(".pv-subtotal").first).to_be_visible()
            expect(card.locator(".pv-total")).to_contain_text("合计")
            expect(card.locator("thead")).to_contain_text("合计")
    assert CHART_TYPES <= seen, CHART_TYPES - seen
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "charts-gallery.png"), full_page=True)
    # English: labels from the model's label_en, K/M units
    page.get_by_test_id("lang-switch").click()
    table = page.get_by_test_id("gallery-table")
    expect(table.locator("thead")).to_contain_text("Revenue")
    assert re.search(r"¥[\d.,]+[KM]", table.locator("tbody").inner_text())
    expect(page.get_by_test_id("gallery-pivot").locator(".pv-total")).to_contain_text("Total")
    page.get_by_test_id("lang-switch").click()
    expect(table.locator("thead")).to_contain_text("销售额")
    assert not errors, errors
    ctx.close()


def test_analysis_drag_and_drop(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = _page(browser, server)
    page.goto(server + "/analysis")
    chart = page.get_by_test_id("analysis-chart")
    expect(page.get_by_test_id("shelf-dimensions")).to_contain_text("大区")
    expect(chart.locator("canvas").first).to_be_visible()
    # one dimension, one metric: bar recommended; single-number types greyed out
    expect(page.get_by_test_id("chart-bar")).to_have_class(re.compile("ant-btn-primary"))
    for t in ("gauge", "kpi", "heatmap", "combo"):
        expect(page.get_by_test_id(f"chart-{t}")).to_be_disabled()

    # drag 产品线 onto 列/系列: grouped bars, then 100 % stacking and a target line
    page.get_by_test_id("field-dimension-product_line").drag_to(page.get_by_test_id("shelf-series"))
    expect(page.get_by_test_id("shelf-series")).to_contain_text("产品线")
    expect(page.get_by_test_id("chart-heatmap")).to_be_enabled()
    page.get_by_test_id("ctl-stack").get_by_text("百分比堆叠").click()
    page.get_by_test_id("refline-add").click()
    page.locator("[data-testid=refline-value-0] input, input[data-testid=refline-value-0]").fill("0.5")
    page.wait_for_timeout(600)
    assert chart.evaluate(PAINTED) > 500
    page.screenshot(path=str(shots / "analysis-builder.png"), full_page=True)

    # the same shelves as a pivot table with subtotals and totals from the server
    page.get_by_test_id("chart-pivot").click()
    pivot = page.get_by_test_id("pivot-table")
    expect(pivot.locator(".pv-total")).to_contain_text("合计")
    expect(pivot.locator("thead")).to_contain_text("伺服电机")
    assert re.search(r"¥[\d.,]+(万|亿)", pivot.locator(".pv-total").inner_text())
    page.get_by_test_id("chart-heatmap").click()
    expect(chart.locator("canvas").first).to_be_visible()

    # a second metric and a size: scatter / bubble fits; drop the series first
    page.locator("[data-testid=shelf-series] .ant-tag-close-icon").first.click()
    page.get_by_test_id("field-metric-gross_margin").drag_to(page.get_by_test_id("shelf-metrics"))
    page.get_by_test_id("field-metric-order_count").drag_to(page.get_by_test_id("shelf-size"))
    expect(page.get_by_test_id("shelf-size")).to_contain_text("订单数")
    expect(page.get_by_test_id("chart-combo")).to_have_class(re.compile("ant-btn-primary"))  # the server's rule: two units
    page.get_by_test_id("chart-scatter").click()
    page.wait_for_timeout(600)
    assert chart.evaluate(PAINTED) > 200

    # no dimension: a KPI card with 同比 from the quick calculation, and the gauge
    page.locator("[data-testid=shelf-dimensions] .ant-tag-close-icon").first.click()
    page.locator("[data-testid=shelf-size] .ant-tag-close-icon").first.click()
    page.locator("[data-testid=shelf-metrics] .ant-tag-close-icon").nth(1).click()
    page.get_by_test_id("compute-revenue").click()
    page.locator(".ant-select-dropdown:visible").get_by_text("同比", exact=True).click()
    expect(page.get_by_test_id("chart-kpi")).to_have_class(re.compile("ant-btn-primary"))
    expect(page.get_by_test_id("kpi-card")).to_contain_text("同比")
    assert re.search(r"¥[\d.,]+(万|亿)", page.get_by_test_id("kpi-card").inner_text())
    page.get_by_test_id("chart-gauge").click()
    page.wait_for_timeout(400)
    assert chart.evaluate(PAINTED) > 200
    assert not errors, errors
    ctx.close()
