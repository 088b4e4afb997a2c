"""End-to-end: the forecast toggle and 「为什么变化?」 on the analysis page, 「为什么变化?」 on a KPI card,
and the alerts page with the inbox badge, in headless Debian Chromium against a real `shuzhi serve`.

Reuses test_e2e.py's server/browser harness (skips locally when the build, Chromium or playwright is
missing; fails under CI=true). Screenshots go to a temp dir (printed at the end); with
SHUZHI_UPDATE_SCREENSHOTS=1 they are copied to docs/images/insight-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from e2e_harness import ROOT, screenshot_dir, signed_in_page


def test_forecast_why_and_alerts(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with screenshot_dir("shuzhi-insight-shots-", ROOT / "docs" / "images", "insight-*.png") as shots:
        _flow(server, browser, shots)


def _flow(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server, 30_000)

    # KPI card → why drawer (last complete month vs a year before)
    page.get_by_test_id("why-revenue").click()
    drawer = page.get_by_test_id("why-drawer")
    expect(drawer.get_by_test_id("why-summary")).to_contain_text("销售额")
    expect(drawer.get_by_test_id("why-waterfall").locator("canvas")).to_be_visible()
    assert drawer.get_by_test_id("why-table").locator("tbody tr").count() >= 3
    page.screenshot(path=str(shots / "insight-kpi-why.png"))
    page.keyboard.press("Escape")

    # analysis: revenue by month (a line chart) → forecast toggle → forecast line and bands
    page.goto(server + "/analysis?metric=revenue")
    expect(page.get_by_test_id("analysis-chart").locator("canvas")).to_be_visible()
    with page.expect_response(lambda r: "/api/v1/forecast" in r.url, timeout=60_000) as resp:
        page.get_by_test_id("forecast-toggle").click()
    assert resp.value.status == 200, resp.value.text()
    expect(page.get_by_test_id("forecast-chart").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("forecast-model")).to_contain_text(re.compile("AutoETS|AutoARIMA|AutoTheta|Ensemble|Naive|组合|Combination"))
    # hovering the model shows every candidate's backtest error, the chosen one marked
    page.get_by_test_id("forecast-model").hover()
    expect(page.get_by_test_id("forecast-candidates")).to_contain_text("SeasonalNaive")
    expect(page.get_by_test_id("forecast-candidates")).to_contain_text("✓")
    page.get_by_test_id("forecast-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "insight-forecast.png"), full_page=True)
    # 为什么变化? for the last month of the line
    page.get_by_test_id("why-last").click()
    drawer = page.get_by_test_id("why-drawer")
    expect(drawer.get_by_test_id("why-waterfall").locator("canvas")).to_be_visible()
    expect(drawer.get_by_test_id("why-table").locator("tbody tr").first).to_be_visible()
    page.screenshot(path=str(shots / "insight-analysis-why.png"))
    page.keyboard.press("Escape")

    # alerts: a rule created through the API, checked from the page; the inbox badge counts it
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
    r = page.request.post(server + "/api/v1/alerts", headers={"X-CSRF-Token": csrf}, data={
        "name": "不良率异常", "metric": "defect_rate", "by": "production_orders.plant",
        "condition": {"type": "anomaly", "lookback": 12}})
    assert r.status == 201, r.text()
    page.goto(server + "/alerts")
    rules = page.get_by_test_id("rules-table")
    expect(rules).to_contain_text("不良率异常")
    page.get_by_test_id(f"check-{r.json()['id']}").click()
    expect(page.get_by_test_id("inbox-badge").locator(".ant-badge-count")).to_have_text("1")
    page.get_by_test_id("inbox-badge").click()
    expect(page.get_by_test_id("inbox-table")).to_contain_text("常州工厂")
    page.screenshot(path=str(shots / "insight-alerts-inbox.png"))
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("inbox-badge").locator(".ant-badge-count")).to_have_count(0)

    # a dashboard: 为什么变化? on a KPI tile (with the dashboard's filters), 预测 on a line-chart tile
    r = page.request.post(server + "/api/v1/dashboards", headers={"X-CSRF-Token": csrf}, data={
        "name": "forecast-tiles", "title": "预测与归因", "components": [
            {"id": "region", "kind": "filter", "title": "大区", "pos": {"x": 0, "y": 0, "w": 8, "h": 2},
             "filter": {"field": "customers.region", "control": "multi_select", "default": ["华东"], "scope": "all"}},
            {"id": "rev", "kind": "kpi", "title": "销售额", "pos": {"x": 0, "y": 2, "w": 8, "h": 4},
             "spec": {"metrics": ["revenue"]}},
            {"id": "trend", "kind": "chart", "title": "月度销售额", "pos": {"x": 8, "y": 2, "w": 16, "h": 8},
             "spec": {"metrics": ["revenue"], "dimensions": [{"field": "time", "grain": "month"}]},
             "chart": {"type": "line"}}]})
    assert r.status == 201, r.text()
    page.goto(server + "/dashboards/forecast-tiles")
    expect(page.get_by_test_id("chart-trend").locator("canvas")).to_be_visible()
    with page.expect_response(lambda r: "/api/v1/forecast" in r.url) as resp:
        page.get_by_test_id("forecast-trend").click()
    assert resp.value.status == 200, resp.value.text()
    assert resp.value.request.post_data_json["where"], "the dashboard's 大区 filter goes with the forecast"
    expect(page.get_by_test_id("tile-forecast").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("tile-forecast-model")).to_contain_text("MAPE")
    page.screenshot(path=str(shots / "insight-dashboard-forecast.png"))
    with page.expect_response(lambda r: "/api/v1/explain" in r.url) as resp:
        page.get_by_test_id("tile-rev").get_by_test_id("why-revenue").click()
    assert resp.value.status == 200, resp.value.text()
    assert resp.value.request.post_data_json["where"], "the dashboard's 大区 filter goes with the explanation"
    expect(page.get_by_test_id("why-drawer").get_by_test_id("why-summary")).to_contain_text("销售额")
    page.screenshot(path=str(shots / "insight-dashboard-kpi-why.png"))
    page.keyboard.press("Escape")
    page.get_by_test_id("forecast-trend").click()  # off again: the line chart is back
    expect(page.get_by_test_id("chart-trend").locator("canvas")).to_be_visible()

    # a line per plant (质量追溯's trend): one forecast per member of the split
    page.goto(server + "/dashboards/quality")
    expect(page.get_by_test_id("chart-trend").locator("canvas")).to_be_visible()
    with page.expect_response(lambda r: "/api/v1/forecast" in r.url) as resp:
        page.get_by_test_id("forecast-trend").click()
    assert resp.value.status == 200, resp.value.text()
    assert resp.value.request.post_data_json["by"] == "production_orders.plant"
    assert {s["key"] for s in resp.value.json()["series"]} == {"常州工厂", "苏州工厂"}
    expect(page.get_by_test_id("tile-forecast").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("tile-forecast-model")).to_contain_text("2 条序列")
    page.get_by_test_id("tile-trend").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "insight-dashboard-forecast-by-plant.png"))
    # 异常 on the same tile: the 常州工厂 incident month is flagged
    with page.expect_response(lambda r: "/api/v1/anomalies" in r.url) as resp:
        page.get_by_test_id("anomalies-trend").click()
    assert resp.value.status == 200, resp.value.text()
    assert any(a["series"] == "常州工厂" and a["label"] == "2025-12" for a in resp.value.json()["anomalies"])
    expect(page.get_by_test_id("tile-anomalies").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("tile-anomaly-count")).to_contain_text("常州工厂")
    page.screenshot(path=str(shots / "insight-dashboard-anomalies.png"))

    # the analysis page: 异常 → the list → 为什么变化? for the flagged month
    page.goto(server + "/analysis?metric=defect_rate")
    expect(page.get_by_test_id("analysis-chart").locator("canvas")).to_be_visible()
    with page.expect_response(lambda r: "/api/v1/anomalies" in r.url) as resp:
        page.get_by_test_id("anomaly-toggle").click()
    assert resp.value.status == 200, resp.value.text()
    flagged = resp.value.json()["anomalies"]
    assert any(a["label"] == "2025-12" for a in flagged), flagged
    expect(page.get_by_test_id("anomaly-chart").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("analysis-chart")).to_be_hidden()
    row = page.get_by_test_id("anomaly-table").locator("tbody tr").filter(has_text="2025-12")
    with page.expect_response(lambda r: "/api/v1/explain" in r.url) as resp:
        row.get_by_test_id("anomaly-why").click()
    assert resp.value.request.post_data_json["to"] == "2025-12"
    expect(page.get_by_test_id("why-drawer").get_by_test_id("why-summary")).to_contain_text("常州工厂")
    page.screenshot(path=str(shots / "insight-analysis-anomaly-why.png"))
    page.keyboard.press("Escape")

    assert not errors, errors
    ctx.close()
