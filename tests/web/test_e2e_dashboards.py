"""End-to-end: the five demo dashboards in headless Chromium against a real `shuzhi serve`.

Opens each dashboard and checks that every component rendered with data and that the browser logged
no errors; applies a filter control; cross-filters by clicking a bar; drills from region to province;
switches to English; a phone-sized viewport; and the editor (add a component, resize, save).
Screenshots go to a temp dir, and to docs/images/ when SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import ROOT, add_filter_component, check_radio, screenshot_dir
from e2e_harness import login as _login

DEMO = ["cockpit", "sales", "supply", "quality", "rd"]
SHOTS_DOCS = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def dash_shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-dash-shots-", SHOTS_DOCS) as d:
        yield d


def _page(b, base: str, **ctx):  # type: ignore[no-untyped-def]
    context = b.new_context(**{"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN",
                                     "device_scale_factor": 1, **ctx})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base)
    errors.clear()
    return page, errors


def _open(page, base: str, name: str) -> dict:  # type: ignore[no-untyped-def]
    """Open a dashboard and return its data answer (the one batch request)."""
    with page.expect_response(lambda r: r.url.endswith(f"/api/v1/dashboards/{name}/data")) as resp:
        page.goto(f"{base}/dashboards/{name}")
    data = resp.value.json()
    _settle(page)
    return data


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("[data-testid=dashboard-view][data-loading='0']")
    page.wait_for_timeout(900)  # chart animations


def _check_rendered(page, data: dict) -> None:  # type: ignore[no-untyped-def]
    for cid, comp in data["components"].items():
        assert comp["error"] is None, (cid, comp["error"])
        assert comp["result"]["rows"], cid
        tile = page.get_by_test_id(f"tile-{cid}")
        if comp["kind"] == "kpi":
            assert re.search(r"\d", tile.locator(".kpi-tile-value").inner_text()), cid
        elif comp["chart"]["type"] == "table":
            assert tile.locator("tbody tr").count() >= 1, cid
        else:
            assert tile.locator("canvas").count() >= 1, cid


def test_demo_dashboards_render(server: str, browser, dash_shots: Path) -> None:  # type: ignore[no-untyped-def]
    page, errors = _page(browser, server)
    page.goto(server + "/dashboards")
    for name in DEMO:
        page.get_by_test_id(f"dashboard-card-{name}").wait_for()
    for name in DEMO:
        data = _open(page, server, name)
        _check_rendered(page, data)
        page.screenshot(path=str(dash_shots / f"dashboard-{name}.png"), full_page=True)
    assert not errors, errors


def _click_bar(page, cid: str) -> None:  # type: ignore[no-untyped-def]
    """Click inside a bar chart until the element's action bar opens (bars are canvas pixels)."""
    canvas = page.get_by_test_id(f"chart-{cid}").locator("canvas").first
    box = canvas.bounding_box()
    for fy in (0.12, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        for fx in (0.3, 0.2):
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            if page.get_by_test_id(f"actions-{cid}").count():
                return
    raise AssertionError(f"no bar of {cid} could be clicked")


def test_filter_cross_filter_drill_english(server: str, browser, dash_shots: Path) -> None:  # type: ignore[no-untyped-def]
    page, errors = _page(browser, server)
    full = _open(page, server, "cockpit")
    # a filter control: pick 华东 in the region multi-select
    page.get_by_test_id("tile-region").locator(".ant-select").click()
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        page.locator(".ant-select-item-option", has_text="华东").first.click()
    rows = resp.value.json()["components"]["by_region"]["result"]["rows"]
    assert [r[0] for r in rows] == ["华东"]
    page.keyboard.press("Escape")
    _settle(page)
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        page.get_by_test_id("tile-region").locator(".ant-select-clear").click(force=True)
    assert len(resp.value.json()["components"]["by_region"]["result"]["rows"]) == 8
    _settle(page)

    # cross-filter: click a bar of 各大区销售额; the KPI now shows that region's revenue
    _click_bar(page, "by_region")
    label = page.get_by_test_id("action-cross").inner_text()
    region = re.search(r"「(.+)」", label).group(1)
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        page.get_by_test_id("action-cross").click()
    comps = resp.value.json()["components"]
    by_region = {r[0]: r[1] for r in full["components"]["by_region"]["result"]["rows"]}
    assert comps["revenue"]["result"]["rows"][0][0] == pytest.approx(by_region[region])
    page.get_by_test_id("cross-filters").wait_for()
    assert region in page.get_by_test_id("cross-filters").inner_text()
    _settle(page)
    page.screenshot(path=str(dash_shots / "dashboard-cockpit-crossfilter.png"))
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")):
        page.get_by_test_id("clear-cross").click()
    _settle(page)

    # drill from region to province, with a breadcrumb back up
    _click_bar(page, "by_region")
    region = re.search(r"「(.+)」", page.get_by_test_id("action-drill").inner_text()).group(1)
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        page.get_by_test_id("action-drill").click()
    comp = resp.value.json()["components"]["by_region"]
    assert comp["spec"]["dimensions"] == ["customers.province"] and comp["drill"]["path"] == [region]
    crumb = page.get_by_test_id("breadcrumb-by_region")
    crumb.wait_for()
    assert "全部大区" in crumb.inner_text() and region in crumb.inner_text()
    _settle(page)
    page.screenshot(path=str(dash_shots / "dashboard-cockpit-drill.png"))
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        crumb.get_by_text("全部大区").click()
    assert resp.value.json()["components"]["by_region"]["drill"]["level"] == 0

    # jump to 销售分析 with the clicked region as its area filter (and the period carried over)
    _settle(page)
    _click_bar(page, "by_region")
    region = re.search(r"「(.+)」", page.get_by_test_id("action-cross").inner_text()).group(1)
    with page.expect_response(lambda r: r.url.endswith("/sales/data")) as resp:
        page.get_by_test_id("action-jump").click()
    assert json.loads(resp.value.request.post_data)["filters"]["geo"] == [[region]]
    assert [r[0] for r in resp.value.json()["components"]["by_region"]["result"]["rows"]] == [region]
    page.get_by_test_id("dashboard-title").filter(has_text="销售分析").wait_for()
    _open(page, server, "cockpit")

    # English
    page.get_by_test_id("lang-switch").click()
    page.get_by_test_id("dashboard-title").filter(has_text="Management Cockpit").wait_for()
    assert "Revenue" in page.get_by_test_id("tile-revenue").inner_text()
    assert "YoY" in page.get_by_test_id("tile-revenue").inner_text()
    _settle(page)
    page.screenshot(path=str(dash_shots / "dashboard-cockpit-en.png"), full_page=True)
    page.get_by_test_id("lang-switch").click()
    # dark theme and 大屏
    page.get_by_test_id("theme-switch").get_by_text("深色").click()
    page.wait_for_timeout(900)
    page.screenshot(path=str(dash_shots / "dashboard-cockpit-dark.png"), full_page=True)
    page.get_by_test_id("theme-switch").get_by_text("大屏").click()
    page.wait_for_timeout(900)
    page.screenshot(path=str(dash_shots / "dashboard-cockpit-screen.png"))
    assert not errors, errors


def test_phone_layout(server: str, browser, dash_shots: Path) -> None:  # type: ignore[no-untyped-def]
    page, errors = _page(browser, server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                         is_mobile=True, has_touch=True)
    for name in DEMO:
        data = _open(page, server, name)
        _check_rendered(page, data)
        boxes = [page.get_by_test_id(f"tile-{cid}").bounding_box() for cid in data["components"]
                 if data["components"][cid]["kind"] == "chart"]
        assert all(b["width"] > 340 for b in boxes), boxes  # full width, stacked
        ys = sorted(b["y"] for b in boxes)
        assert all(b - a > 200 for a, b in zip(ys, ys[1:], strict=False))  # no overlap
        page.screenshot(path=str(dash_shots / f"dashboard-{name}-phone.png"), full_page=True)
    assert not errors, errors


def test_editor_add_resize_save(server: str, browser, dash_shots: Path) -> None:  # type: ignore[no-untyped-def]
    page, errors = _page(browser, server)
    page.goto(server + "/dashboards/new")
    page.get_by_test_id("dash-name").fill("e2e-board")
    page.get_by_test_id("dash-title").fill("端到端看板")
    # a chart: revenue by region
    page.get_by_test_id("add-component").hover()
    page.get_by_test_id("add-chart").click()
    page.get_by_test_id("add-title").fill("各大区销售额")
    page.get_by_test_id("add-metrics").locator(".ant-select-selector").click()
    page.keyboard.type("revenue")
    page.locator(".ant-select-item-option", has_text="销售额 · revenue").first.click()
    page.keyboard.press("Escape")
    page.get_by_test_id("add-dimension").locator(".ant-select-selector").click()
    page.keyboard.type("customers.region")
    page.locator(".ant-select-item-option", has_text="customers.region").first.click()
    page.get_by_role("button", name=re.compile("OK|确\\s*定")).click()
    tile = page.get_by_test_id("tile-revenue")
    tile.locator("canvas").first.wait_for()
    # a text component
    page.get_by_test_id("add-component").hover()
    page.get_by_test_id("add-text").click()
    page.locator(".ant-modal textarea").fill("端到端测试的说明文字")
    page.get_by_role("button", name=re.compile("OK|确\\s*定")).click()
    page.get_by_test_id("tile-text").wait_for()
    # a filter on the region, scoped to the chart
    add_filter_component(page, "customers.region", "customers.region")
    page.get_by_test_id("filter-scope").locator(".ant-select-selector").click()
    page.locator(".ant-select-item-option", has_text="各大区销售额").first.click()
    page.keyboard.press("Escape")
    # resize the chart by its corner handle: 12 → wider
    handle = tile.locator("xpath=..").locator(".react-resizable-handle")
    handle.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    before = tile.bounding_box()
    hb = handle.bounding_box()
    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
    page.mouse.down()
    page.mouse.move(hb["x"] + 300, hb["y"] + 120, steps=12)
    page.mouse.up()
    page.wait_for_timeout(300)
    after = tile.bounding_box()
    assert after["width"] > before["width"] + 200 and after["height"] > before["height"] + 60
    page.screenshot(path=str(dash_shots / "dashboard-editor.png"))
    with page.expect_response(lambda r: r.url.endswith("/api/v1/dashboards") and r.request.method == "POST") as resp:
        page.get_by_test_id("save-dashboard").click()
    saved = resp.value.json()
    assert resp.value.status == 201, json.dumps(saved, ensure_ascii=False)
    comps = {c["id"]: c for c in saved["definition"]["components"]}
    assert comps["revenue"]["pos"]["w"] > 12 and comps["revenue"]["pos"]["h"] > 8
    assert comps["text"]["text"] == "端到端测试的说明文字"
    assert comps["filter"]["filter"]["field"] == "customers.region" and comps["filter"]["filter"]["scope"] == ["revenue"]
    page.wait_for_url(re.compile(r"/dashboards/e2e-board$"))
    _settle(page)
    page.get_by_test_id("dashboard-title").filter(has_text="端到端看板").wait_for()
    assert page.get_by_test_id("tile-revenue").locator("canvas").count() >= 1
    assert not errors, errors


def test_save_chart_from_analysis(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page, errors = _page(browser, server)
    page.get_by_role("menuitem", name="分析").click()
    page.locator("[data-testid=analysis-chart] canvas").first.wait_for()
    page.get_by_test_id("save-to-dashboard").click()
    check_radio(page, "新仪表板")
    page.get_by_placeholder("新仪表板标题").fill("分析页保存的看板")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/dashboards") and r.request.method == "POST") as resp:
        page.get_by_test_id("save-to-dashboard-ok").click()
    made = resp.value.json()
    assert resp.value.status == 201 and made["title"] == "分析页保存的看板"
    comp = made["definition"]["components"][0]
    assert comp["kind"] == "chart" and "revenue" in comp["spec"]["metrics"]
    data = _open(page, server, made["name"])
    _check_rendered(page, data)
    assert not errors, errors
