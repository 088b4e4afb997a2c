"""导出 in the browser: a dashboard chart tile's menu → 导出 Excel downloads the tile's data with the
dashboard's current filters (here 地区 = 华东 from the address), as the file's rows and its filter row say;
导出图片 saves the tile's chart as a PNG."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import openpyxl
import pytest
from e2e_harness import running_server, signed_in_page


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("shuzhi-e2e-exports-", scale="0.02") as base:
        yield base


def test_a_tile_exports_excel_with_its_filters(browser, server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)
    try:
        page.goto(f"{server}/dashboards/sales?f={quote(json.dumps({'geo': [['华东']]}))}")
        tile = page.get_by_test_id("tile-by_region")
        expect(tile.locator("canvas").first).to_be_visible()
        page.get_by_test_id("export-by_region").click()
        with page.expect_download() as info:
            page.get_by_test_id("export-by_region-xlsx").click()
        download = info.value
        assert download.suggested_filename.startswith("各大区销售额") and download.suggested_filename.endswith(".xlsx")
        path = tmp_path / "tile.xlsx"
        download.save_as(path)
        ws = openpyxl.load_workbook(path).active
        assert ws["A1"].value.startswith("各大区销售额")
        assert "大区 = 华东" in ws["A2"].value and "数据截至" in ws["A2"].value
        assert ws["A3"].value == "大区"
        assert ws["A4"].value == "华东" and ws.max_row == 4  # only the filtered region
        assert isinstance(ws["B4"].value, float)
        # 导出图片: the drawn chart, made by ECharts in the page
        page.get_by_test_id("export-by_region").click()
        with page.expect_download() as info:
            page.get_by_test_id("export-by_region-png").click()
        png = tmp_path / "tile.png"
        info.value.save_as(png)
        data = png.read_bytes()
        assert info.value.suggested_filename.endswith(".png") and data.startswith(b"\x89PNG") and len(data) > 2000
        assert errors == []
    finally:
        ctx.close()
