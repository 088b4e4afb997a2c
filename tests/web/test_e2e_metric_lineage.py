"""The metric page lists the dashboards that use the metric (linked), as the API's lineage says."""

from __future__ import annotations

import pytest
from e2e_harness import signed_in_page

pytestmark = pytest.mark.slow


def test_metric_page_links_the_dashboards_using_it(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)
    try:
        page.goto(f"{server}/metrics/revenue")
        boards = page.get_by_test_id("metric-dashboards")
        expect(boards).to_be_visible()
        first = boards.locator("a").first
        href = first.get_attribute("href")
        assert href and href.startswith("/dashboards/")
        first.click()
        page.wait_for_url(f"**{href}")
        assert not errors, errors
    finally:
        ctx.close()
