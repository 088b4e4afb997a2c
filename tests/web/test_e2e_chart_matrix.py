"""End-to-end: every chart type × the options the analysis page offers saves to a dashboard, is painted
there, and reopens in the analysis page as saved (the same spec and chart config: the edit bar's
「与仪表板中相同」 tag, charts/core/fromSpec.sameChart).

- test_matrix_saves_renders_reopens: the cells of tests/web/chart_matrix.json (built by the page's own code,
  frontend/src/charts/__tests__/chartMatrix.test.ts keeps the file current) saved through the call
  保存到仪表板 makes (POST /api/v1/dashboards), one dashboard, every tile painted, each reopened.
- test_driven_through_the_page: a representative set driven through the UI — stacked, 100 % stacked and
  grouped bars, an area, a pivot with 同比, a combo on two axes, a line with a 目标线 — each saved to a new
  dashboard, painted there, reopened from the dashboard editor (编辑 → 在分析页编辑) or its URL, with the
  same type and options.

One server (a 0.02 demo) and one signed-in browser page for the module. Screenshots
(dashboard-stacked-chart.png, dashboard-pivot.png) go to docs/images/ when SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import (
    CHART_TYPES,
    PAINTED,
    ROOT,
    check_radio,
    running_server,
    screenshot_dir,
    signed_in_page,
)

MATRIX = json.loads((Path(__file__).parent / "chart_matrix.json").read_text(encoding="utf-8"))["cells"]
IMAGES = ROOT / "docs" / "images"


# the call SaveToDashboard makes (dashboards/api.ts createDashboard), with the page's CSRF cookie
CREATE = """async (body) => {
  const csrf = (document.cookie.match(/(?:^|;\\s*)shuzhi_csrf=([^;]+)/) || [])[1] || '';
  const r = await fetch('/api/v1/dashboards', {method: 'POST', headers: {'Content-Type': 'application/json',
    'X-CSRF-Token': decodeURIComponent(csrf)}, body: JSON.stringify(body)});
  return {status: r.status, body: await r.json()};
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("shuzhi-e2e-matrix-", scale="0.02") as base:
        yield base


@pytest.fixture(scope="module")
def session(server: str, browser):  # type: ignore[no-untyped-def]
    ctx, page, errors = signed_in_page(browser, server)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page, errors
    ctx.close()


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-matrix-shots-", IMAGES, "dashboard-*.png") as d:
        yield d


def _open_dashboard(page, name: str) -> dict:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: r.url.endswith(f"/api/v1/dashboards/{name}/data")) as resp:
        _navigate(page, f"/dashboards/{name}")
    page.wait_for_selector("[data-testid=dashboard-view][data-loading='0']")
    return resp.value.json()


def _check_painted(page, cid: str, kind: str, label: str, totals: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The tile shows its chart: a painted canvas, or the KPI card / table / pivot; no error."""
    from playwright.sync_api import expect

    tile = page.get_by_test_id(f"tile-{cid}")
    tile.scroll_into_view_if_needed()
    assert tile.locator(".ant-alert-error").count() == 0, f"{label}: {tile.inner_text()}"
    if kind == "kpi":
        expect(tile.get_by_test_id("kpi-card")).to_contain_text(re.compile(r"\d"))
    elif kind == "table":
        expect(tile.locator("tbody tr.ant-table-row").first).to_be_visible()
    elif kind == "pivot":
        expect(tile.get_by_test_id("pivot-table").locator("tbody td").first).to_contain_text(re.compile(r"\d"))
        if totals:
            expect(tile.locator(".pv-total").first).to_contain_text("合计")
    else:
        expect(tile.locator("canvas").first).to_be_visible()
        for _ in range(40):
            if tile.evaluate(PAINTED) > 200:
                break
            page.wait_for_timeout(150)
        assert tile.evaluate(PAINTED) > 200, f"{label}: the canvas is blank"


def _navigate(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """Client-side navigation, as the app's own links do (the app is not loaded again): through a page
    that is not the analysis page, so the analysis page mounts afresh for `path`."""
    page.evaluate("""(path) => {
      const go = (p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); };
      go('/no-such-page');
      setTimeout(() => go(path), 50);
    }""", path)
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def _check_reopened(page, kind: str, label: str, title: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """On /analysis?dashboard=…&component=…: the saved chart is on the page, unchanged, and drawn."""
    from playwright.sync_api import expect

    bar = page.get_by_test_id("edit-from-dashboard")
    expect(bar).to_be_visible()
    if title:
        expect(bar).to_contain_text(f"「{title}」")
    expect(page.get_by_test_id(f"chart-{kind}")).to_have_class(re.compile("ant-btn-primary"))
    expect(bar.get_by_test_id("edit-unchanged")).to_be_visible()
    assert page.get_by_test_id("analysis-error").count() == 0, label
    chart = page.get_by_test_id("analysis-chart")
    if kind == "kpi":
        expect(chart.get_by_test_id("kpi-card")).to_be_visible()
    elif kind == "table":
        expect(chart.locator("tbody tr.ant-table-row").first).to_be_visible()
    elif kind == "pivot":
        expect(chart.get_by_test_id("pivot-table")).to_be_visible()
    else:
        expect(chart.locator("canvas").first).to_be_visible()
    assert not bar.get_by_test_id("edit-changed").count(), label


def test_matrix_saves_renders_reopens(server: str, session, shots: Path) -> None:  # type: ignore[no-untyped-def]
    page, errors = session
    assert {c["type"] for c in MATRIX} == CHART_TYPES
    components = [{"id": c["id"], "kind": "chart", "title": c["title"], "pos": {"x": (i % 2) * 6, "y": (i // 2) * 6, "w": 6, "h": 6},
                   "spec": c["spec"], "chart": c["chart"]} for i, c in enumerate(MATRIX)]
    page.goto(server + "/dashboards")
    made = page.evaluate(CREATE, {"name": "chart-matrix", "title": "图表矩阵", "components": components, "theme": "light",
                                  "shared_roles": []})
    assert made["status"] == 201, made
    # what was stored is what the page sent (nothing dropped or rewritten)
    stored = {c["id"]: c for c in made["body"]["definition"]["components"]}
    for c in MATRIX:
        assert {k: v for k, v in stored[c["id"]]["chart"].items() if v is not None} == \
            {k: v for k, v in c["chart"].items() if v is not None}, c["id"]
    data = _open_dashboard(page, "chart-matrix")
    for c in MATRIX:
        comp = data["components"][c["id"]]
        assert comp["error"] is None, (c["id"], comp["error"])
        assert comp["result"]["rows"], c["id"]
        _check_painted(page, c["id"], c["type"], c["id"], c["chart"].get("totals") is not False)
    page.goto(server + "/analysis")
    for c in MATRIX:
        _navigate(page, f"/analysis?dashboard=chart-matrix&component={c['id']}")
        _check_reopened(page, c["type"], c["id"], c["title"])
    assert not errors, errors


def _save_new(page, title: str) -> str:  # type: ignore[no-untyped-def]
    """保存到仪表板 → 新仪表板: the new dashboard's name."""
    page.get_by_test_id("save-to-dashboard").click()
    check_radio(page, "新仪表板")
    page.get_by_placeholder("新仪表板标题").fill(title)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/dashboards") and r.request.method == "POST") as resp:
        page.get_by_test_id("save-to-dashboard-ok").click()
    assert resp.value.status == 201, resp.value.text()
    page.locator(".ant-modal:visible").wait_for(state="detached")
    return resp.value.json()["name"]


def _settled_chart(page) -> None:  # type: ignore[no-untyped-def]
    """Waits until the analysis page shows a result for its current shelves."""
    page.wait_for_timeout(400)  # the page runs the query 150 ms after the last change
    page.locator("[data-testid=analysis-chart] .ant-spin-spinning").wait_for(state="detached")


def test_driven_through_the_page(server: str, session, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page, errors = session
    page.goto(server + "/analysis")
    expect(page.get_by_test_id("shelf-dimensions")).to_contain_text("大区")
    page.locator("[data-testid=analysis-chart] canvas").first.wait_for()
    page.get_by_test_id("field-dimension-product_line").drag_to(page.get_by_test_id("shelf-series"))
    expect(page.get_by_test_id("shelf-series")).to_contain_text("产品线")
    saved: list[tuple[str, str, str, dict[str, str]]] = []  # (dashboard, type, label, segmented controls)

    for mode in ("堆叠", "百分比堆叠", "分组"):
        page.get_by_test_id("ctl-stack").get_by_text(mode, exact=True).click()
        _settled_chart(page)
        saved.append((_save_new(page, f"柱状图 {mode}"), "bar", f"bar {mode}", {"ctl-stack": mode}))

    # 堆叠 + 同比: each product line's 同比 as a dashed line on the right axis
    page.get_by_test_id("ctl-stack").get_by_text("堆叠", exact=True).click()
    page.get_by_test_id("compute-revenue").click()
    page.locator(".ant-select-dropdown:visible").get_by_text("同比", exact=True).click()
    _settled_chart(page)
    saved.append((_save_new(page, "柱状图 堆叠 + 同比"), "bar", "bar 堆叠 同比", {"ctl-stack": "堆叠"}))

    page.get_by_test_id("chart-area").click()
    _settled_chart(page)
    saved.append((_save_new(page, "面积图 + 同比"), "area", "area", {"ctl-stack": "堆叠"}))

    # a pivot with 同比: 大区 down, 产品线 across, 销售额 and its 同比 in the cells and in 合计
    page.get_by_test_id("chart-pivot").click()
    pivot = page.get_by_test_id("pivot-table")
    expect(pivot.locator("thead")).to_contain_text("同比")
    expect(pivot.locator(".pv-total")).to_contain_text("%")
    saved.append((_save_new(page, "透视表 同比"), "pivot", "pivot 同比", {}))

    # a combo on two axes: 销售额 bars, 毛利率 line on the right axis
    page.get_by_test_id("compute-revenue").click()
    page.locator(".ant-select-dropdown:visible").get_by_text("无", exact=True).click()
    page.locator("[data-testid=shelf-series] .ant-tag-close-icon").first.click()
    page.get_by_test_id("field-metric-gross_margin").drag_to(page.get_by_test_id("shelf-metrics"))
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("毛利率")
    page.get_by_test_id("chart-combo").click()
    _settled_chart(page)
    saved.append((_save_new(page, "组合图 双轴"), "combo", "combo", {}))

    # a line over months with a 目标线
    page.locator("[data-testid=shelf-metrics] .ant-tag-close-icon").nth(1).click()
    page.locator("[data-testid=shelf-dimensions] .ant-tag-close-icon").first.click()
    page.get_by_test_id("field-time-time").drag_to(page.get_by_test_id("shelf-dimensions"))
    page.get_by_test_id("chart-line").click()
    page.get_by_test_id("refline-add").click()
    page.locator("[data-testid=refline-value-0] input, input[data-testid=refline-value-0]").fill("2000000")
    page.locator("[data-testid=refline-value-0] input, input[data-testid=refline-value-0]").press("Tab")
    _settled_chart(page)
    saved.append((_save_new(page, "折线图 目标线"), "line", "line 目标线", {}))

    for i, (name, kind, label, segmented) in enumerate(saved):
        data = _open_dashboard(page, name)
        comp = data["components"]["chart"]
        assert comp["error"] is None and comp["result"]["rows"], (label, comp["error"])
        assert comp["chart"]["type"] == kind, label
        _check_painted(page, "chart", kind, label)
        if label == "bar 堆叠 同比":
            page.wait_for_timeout(600)
            page.screenshot(path=str(shots / "dashboard-stacked-chart.png"))
        if kind == "pivot":
            tile = page.get_by_test_id("tile-chart")
            expect(tile.locator("thead")).to_contain_text("同比")
            total = tile.locator("tr.pv-total").inner_text()
            assert re.search(r"-?\d+(\.\d+)?%", total), f"the 合计 row shows no 同比: {total!r}"
            page.screenshot(path=str(shots / "dashboard-pivot.png"))
        if i == 0:  # from the dashboard editor: select the chart, 在分析页编辑
            page.get_by_test_id("edit-dashboard").click()
            page.get_by_test_id("tile-chart").click()
            page.get_by_test_id("edit-in-analysis").click()
            expect(page).to_have_url(re.compile(r"/analysis\?dashboard="))
        else:
            _navigate(page, f"/analysis?dashboard={name}&component=chart")
        _check_reopened(page, kind, label)
        for ctl, value in segmented.items():
            expect(page.get_by_test_id(ctl).locator(".ant-segmented-item-selected")).to_have_text(value)
        if kind == "line":
            expect(page.locator("[data-testid=refline-value-0] input, input[data-testid=refline-value-0]")).to_have_value(
                re.compile(r"^2,?000,?000$"))
    assert not errors, errors
