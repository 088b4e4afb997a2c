"""Data freshness in the browser: a demo whose data ends on 2025-12-31 while today is 2026-11-26 (an
old export). The home page and the dashboards open on the latest period with data and say so; a
period chosen without data says 「2026 年暂无数据，数据截至 2025-12-31」 and offers the latest period
with one click; no KPI shows ↓100%.

Screenshot: docs/images/empty-period.png (1440×900) with SHUZHI_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_harness import ROOT, choose_option, running_server, screenshot_dir, signed_in_page

IMAGES = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def old_server() -> Iterator[str]:
    with running_server("shuzhi-e2e-fresh-", scale="0.02", end="2025-12-31") as base:
        yield base


def test_home_and_dashboard_with_data_that_ends_before_today(browser, old_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, old_server)
    try:
        # home: this year has no data yet → the highlights show 2025 and say so; no ↓100%
        moved = page.get_by_test_id("home-period-moved")
        expect(moved).to_contain_text("2026 年暂无数据")
        expect(moved).to_contain_text("2025 年")
        expect(page.get_by_test_id("data-as-of").first).to_contain_text("数据截至 2025-12-31")
        revenue = page.get_by_test_id("kpi-revenue")
        expect(revenue.locator(".kpi-value")).not_to_have_text("—")
        expect(page.get_by_test_id("kpi-order_count-yoy")).not_to_contain_text("100%")
        expect(page.get_by_test_id("kpi-gross_margin-yoy")).to_contain_text(  # a rate compares in points
            "个百分点")

        # a dashboard's default period (今年) has no data: it opens on 2025 and says so
        page.goto(old_server + "/dashboards/sales")
        expect(page.get_by_test_id("period-anchored")).to_contain_text("2026 年暂无数据")
        expect(page.get_by_test_id("period-anchored")).to_contain_text("2025 年")
        expect(page.get_by_test_id("kpi-tile").first.locator(".kpi-tile-value")).not_to_have_text("—")
        expect(page.get_by_test_id("kpi-pop").first).to_contain_text("月环比")

        # the viewer chooses 今年 anyway: the message and the one-click way back to data
        choose_option(page, page.get_by_test_id("filter-date-preset").first, "今年")
        notice = page.get_by_test_id("empty-period").first
        expect(notice).to_contain_text("2026 年暂无数据，数据截至 2025-12-31")
        button = page.get_by_test_id("show-latest-period")
        expect(button).to_contain_text("查看最近有数据的期间（2025 年）")
        for kpi in page.get_by_test_id("kpi-tile").all():
            expect(kpi).not_to_contain_text("100%")
        page.mouse.move(1400, 880)  # no tooltip in the picture
        page.get_by_test_id("dashboard-title").scroll_into_view_if_needed()
        page.wait_for_timeout(800)  # let the charts settle for the picture
        with screenshot_dir("shuzhi-fresh-shots-", IMAGES, "empty-period.png") as d:
            page.screenshot(path=str(d / "empty-period.png"))
        button.click()
        expect(page.get_by_test_id("empty-period")).to_have_count(0)  # the dashboard's and every tile's
        expect(page.get_by_test_id("kpi-tile").first.locator(".kpi-tile-value")).not_to_have_text("—")
        assert not errors, errors
    finally:
        ctx.close()


def test_analysis_page_says_the_period_is_empty(browser, old_server) -> None:  # type: ignore[no-untyped-def]
    """The analysis page opens on 今年, which has no data: it says so and one click shows 2025."""
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, old_server)
    try:
        page.goto(old_server + "/analysis")
        notice = page.get_by_test_id("empty-period")
        expect(notice).to_contain_text("2026 年暂无数据，数据截至 2025-12-31")
        with page.expect_response(lambda r: r.url.endswith("/api/v1/query") and r.status == 200):
            page.get_by_test_id("show-latest-period").click()
        expect(page.get_by_test_id("empty-period")).to_have_count(0)
        expect(page.get_by_test_id("data-as-of")).to_contain_text("数据截至 2025-12-31")
        expect(page.get_by_test_id("analysis-chart").locator("canvas").first).to_be_visible()
        assert not errors, errors
    finally:
        ctx.close()
