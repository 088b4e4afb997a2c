"""End-to-end: the import preview of a sheet whose title is merged across the top (用友/金蝶 layout) shows
the real header row highlighted, the title as skipped, and 设为表头 on another row previews again with that
row as the header (the confidence then says the header looks like a title).

Same harness as test_e2e.py. The screenshot docs/images/import-merged-title.png (1440×900) is refreshed
with SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import login, running_server, screenshot_dir

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "tests" / "data" / "imports" / "corpus" / "xlsx_merged_title.xlsx"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("shuzhi-e2e-header-", scale="0.02") as base:
        yield base


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-shots-header-", ROOT / "docs" / "images", "import-merged-title.png") as d:
        yield d


def test_merged_title_preview_and_changing_the_header(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server)
    page.goto(server + "/data")
    page.get_by_test_id("data-tab-import").click()
    page.locator("[data-testid=import-wizard] input[type=file]").set_input_files(str(SHEET))
    expect(page.get_by_test_id("import-col-label-0")).to_have_value("订单号")
    expect(page.get_by_test_id("import-top-row-2")).to_have_attribute("data-kind", "header")
    expect(page.get_by_test_id("import-top-row-1")).to_have_attribute("data-kind", "skipped")
    expect(page.get_by_test_id("import-confidence")).to_contain_text("高")
    page.get_by_test_id("import-top-rows").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "import-merged-title.png"))

    page.get_by_test_id("import-set-header-1").click()  # one click: the title row as the header
    expect(page.get_by_test_id("import-top-row-1")).to_have_attribute("data-kind", "header")
    expect(page.get_by_test_id("import-confidence")).to_contain_text("表头行像标题")
    expect(page.get_by_test_id("import-col-label-0")).to_have_value(re.compile("^2025年华东区销售明细表"))
    page.get_by_test_id("import-set-header-2").click()
    expect(page.get_by_test_id("import-top-row-2")).to_have_attribute("data-kind", "header")
    expect(page.get_by_test_id("import-col-label-5")).to_have_value("销售额")
    assert not errors, errors
    ctx.close()
