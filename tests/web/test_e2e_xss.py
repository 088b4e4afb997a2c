"""End-to-end: no stored XSS (issue 12, finding 3) and the Content-Security-Policy in a real browser.

Payloads go into every text place a user can fill — cells of an imported table (category values and
series members), column labels, the dataset's label, generated and hand-made metric labels, a
dashboard's title and every component's title, an alert rule's name — then a dashboard with one chart
of every registered type is drawn over them and every chart is hovered (tooltips), and the metric page,
the alert list, the data page and the ask box are opened. Nothing may run (window.__xss stays unset,
no dialog), the payloads show as literal text, every response carries the CSP, and the console has no
CSP violation. A screenshot of a bar tooltip over a payload category goes to the temp screenshot dir.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import PASSWORD, ROOT, screenshot_dir

IMAGES = ROOT / "docs" / "images"
PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "</script><script>window.__xss=1</script>",
    "{{7*7}}",
    "javascript:window.__xss=1",
]
IFRAME = "<iframe src=javascript:window.__xss=1></iframe>"
TABLE = "xss_cells"
METRIC = "xss_amount"
PROVINCES = ["江苏省", "广东省", "浙江省", "山东省", "四川省"]
# every type of frontend/src/charts/registry.ts; dashboards take all but pivot and waterfall, which are drawn
# on the analysis page (from the dashboard's bar chart, ?dashboard=…&component=…)
CHART_TYPES = ["bar", "line", "area", "combo", "pie", "scatter", "kpi", "table", "map", "funnel", "gauge",
               "heatmap", "treemap", "radar"]
ANALYSIS_ONLY = ["pivot", "waterfall"]

# set before any page script: record every CSP violation and every attempt to show a dialog
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""

# the visible ECharts tooltip (a div ECharts appends to the chart's container, z-index 9999999)
TOOLTIP_TEXT = """() => [...document.querySelectorAll('div')]
  .filter((d) => d.style.zIndex === '9999999' && d.style.display !== 'none' && d.style.visibility !== 'hidden' && d.style.opacity !== '0')
  .map((d) => d.innerText).join('\\n')"""


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-xss-shots-", IMAGES, "xss-*.png") as d:
        yield d


def _api(base: str):  # type: ignore[no-untyped-def]
    import httpx

    c = httpx.Client(base_url=base + "/api/v1", timeout=60)
    r = c.post("/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = c.cookies["shuzhi_csrf"]
    return c


def _ok(r, status: int = 200):  # type: ignore[no-untyped-def]
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:500]}"
    return r.json() if r.content else None


def _chart(kind: str) -> tuple[dict, dict]:
    """The spec and chart config of one chart type over the payload table."""
    cat, member, prov, month = f"{TABLE}.cat", f"{TABLE}.member", f"{TABLE}.province", {"field": "time", "grain": "month"}
    qty, rows = f"{TABLE}__qty", f"{TABLE}__rows"
    two = {"metrics": [METRIC], "dimensions": [cat, member]}
    return {
        "bar": (two, {"type": "bar", "x": cat, "series": member, "y": [METRIC]}),
        "line": ({"metrics": [METRIC], "dimensions": [month, member]}, {"type": "line", "x": "time_month", "series": member, "y": [METRIC]}),
        "area": ({"metrics": [METRIC, qty], "dimensions": [month]}, {"type": "area", "x": "time_month", "y": [METRIC, qty]}),
        "combo": ({"metrics": [METRIC, qty], "dimensions": [cat]}, {"type": "combo", "x": cat, "y": [METRIC, qty], "bar": METRIC, "line": [qty]}),
        "pie": ({"metrics": [METRIC, qty], "dimensions": [cat]}, {"type": "pie", "x": cat, "y": [METRIC], "tooltip": [qty]}),
        "scatter": ({"metrics": [METRIC, qty, rows], "dimensions": [cat]}, {"type": "scatter", "x": cat, "y": [METRIC, qty], "size": rows}),
        "kpi": ({"metrics": [METRIC]}, {"type": "kpi", "value": METRIC}),
        "table": (two, {"type": "table", "pageSize": 20}),
        "pivot": (two, {"type": "pivot", "rows": [cat], "columns": [member], "y": [METRIC], "subtotals": True, "totals": True}),
        "map": ({"metrics": [METRIC, qty], "dimensions": [prov]}, {"type": "map", "region": prov, "y": [METRIC], "tooltip": [qty]}),
        "funnel": ({"metrics": [METRIC], "dimensions": [cat], "order_by": [{"field": METRIC, "desc": True}]}, {"type": "funnel", "x": cat, "y": [METRIC]}),
        "gauge": ({"metrics": [METRIC]}, {"type": "gauge", "value": METRIC}),
        "heatmap": (two, {"type": "heatmap", "x": cat, "series": member, "y": [METRIC]}),
        "treemap": (two, {"type": "treemap", "x": cat, "series": member, "y": [METRIC]}),
        "radar": ({"metrics": [METRIC, qty, rows], "dimensions": [cat]}, {"type": "radar", "x": cat, "y": [METRIC, qty, rows]}),
        "waterfall": ({"metrics": [METRIC], "dimensions": [cat]}, {"type": "waterfall", "x": cat, "y": [METRIC]}),
    }[kind]


def _seed(base: str) -> str:
    """Payloads into every text place, through the API an editor/admin uses; returns the dashboard name."""
    c = _api(base)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["cat", "member", "province", "day", "amount", "qty"])
    for i, p in enumerate(PAYLOADS):
        for j, m in enumerate(PAYLOADS[:2]):
            for month in (1, 2, 3):
                w.writerow([p, m, PROVINCES[i], f"2026-{month:02d}-15", 100 * (i + 1) + 10 * j + month, i + j + month])
    up = _ok(c.post("/imports/preview", files={"file": ("xss.csv", buf.getvalue().encode(), "text/csv")}, data={"table": TABLE}))
    labels = [PAYLOADS[0], PAYLOADS[1], IFRAME, PAYLOADS[3], PAYLOADS[2], PAYLOADS[4]]  # column labels
    cols = [{"name": n, "label": lab, "type": t} for n, lab, t in
            zip(["cat", "member", "province", "day", "amount", "qty"], labels, ["string", "string", "string", "date", "number", "integer"], strict=True)]
    job = _ok(c.post("/imports", json={"upload_id": up["upload_id"], "table": TABLE, "columns": cols}), 202)["job_id"]
    for _ in range(200):
        j = _ok(c.get(f"/jobs/{job}"))
        if j["status"] not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert j["status"] == "succeeded", j
    _ok(c.post(f"/tables/{TABLE}/add-to-model", json={"label": PAYLOADS[1]}))  # dataset label; generated metric labels
    _ok(c.post("/metrics", json={"name": METRIC, "label": PAYLOADS[0], "label_en": PAYLOADS[1], "description": PAYLOADS[2],
                                 "dataset": TABLE, "agg": "sum", "expr": "amount", "time": "day", "format": "number"}), 201)
    comps: list[dict] = [{"id": "note", "kind": "text", "title": PAYLOADS[2], "pos": {"x": 0, "y": 0, "w": 24, "h": 2},
                          "text": "\n\n".join(PAYLOADS)}]
    for k, kind in enumerate(CHART_TYPES):
        spec, chart = _chart(kind)
        comps.append({"id": f"c_{kind}", "kind": "chart", "title": f"{kind} {PAYLOADS[k % len(PAYLOADS)]}",
                      "pos": {"x": 12 * (k % 2), "y": 2 + 8 * (k // 2), "w": 12, "h": 8}, "spec": spec, "chart": chart})
    comps.append({"id": "k_amount", "kind": "kpi", "title": PAYLOADS[1], "pos": {"x": 0, "y": 2 + 8 * 8, "w": 6, "h": 4},
                  "spec": {"metrics": [METRIC]}})
    dash = _ok(c.post("/dashboards", json={"name": "xss", "title": PAYLOADS[0], "title_en": PAYLOADS[1],
                                           "shared_roles": ["admin", "editor", "viewer"], "components": comps}), 201)
    _ok(c.post("/alerts", json={"name": PAYLOADS[0] + PAYLOADS[1], "description": PAYLOADS[2], "metric": METRIC,
                                "grain": "month", "condition": {"type": "threshold", "op": ">", "value": 1}}), 201)
    return dash["name"]


def _watch(page, dialogs: list[str], console: list[str], csp_headers: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.add_init_script(WATCH)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text))

    def on_response(r) -> None:  # type: ignore[no-untyped-def]
        if r.request.resource_type == "document":
            csp_headers.append(r.headers.get("content-security-policy", ""))

    page.on("response", on_response)


def _assert_clean(page, dialogs: list[str], console: list[str], where: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("window.__xss") is None, f"{where}: a payload ran"
    assert not dialogs, f"{where}: dialogs {dialogs}"
    assert page.evaluate("window.__csp") == [], f"{where}: CSP violations {page.evaluate('window.__csp')}"
    bad = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not bad, f"{where}: {bad}"


def _hover_all(page, tile) -> list[str]:  # type: ignore[no-untyped-def]
    """Move the mouse over a grid of points of the tile's chart; the tooltip texts seen."""
    canvas = tile.locator("canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box, "no chart canvas"
    seen: list[str] = []
    for fy in (0.3, 0.5, 0.7, 0.85):
        for fx in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(60)
            text = page.evaluate(TOOLTIP_TEXT)
            if text and text not in seen:
                seen.append(text)
    page.mouse.move(0, 0)
    return seen


@pytest.mark.slow  # ~110 s: one demo server, 14 dashboard charts hovered point by point, 6 pages
def test_payloads_stay_text_everywhere(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    dash = _seed(server)
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", device_scale_factor=1)
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    csp: list[str] = []
    _watch(page, dialogs, console, csp)
    page.goto(server + "/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()

    # the dashboard: title, component titles, every chart type, hovered
    page.goto(f"{server}/dashboards/{dash}")
    expect(page.get_by_test_id("dashboard-title")).to_contain_text(PAYLOADS[0])
    expect(page.get_by_test_id("dashboard-view")).to_have_attribute("data-loading", "0")
    expect(page.get_by_test_id("tile-note")).to_contain_text(PAYLOADS[3])
    tooltips: dict[str, list[str]] = {}
    for k, kind in enumerate(CHART_TYPES):
        tile = page.get_by_test_id(f"tile-c_{kind}")
        tile.scroll_into_view_if_needed()
        expect(tile).to_contain_text(PAYLOADS[k % len(PAYLOADS)])  # the component title, as text
        assert tile.locator(".ant-alert-error").count() == 0, f"{kind}: {tile.inner_text()}"
        if kind in ("kpi", "table", "pivot"):
            if kind != "kpi":
                expect(tile).to_contain_text(PAYLOADS[0])  # cells / headers as text
                expect(tile).to_contain_text(PAYLOADS[2])
            continue
        expect(tile.locator("canvas").first).to_be_visible()
        page.wait_for_timeout(500)  # the entry animation
        tooltips[kind] = _hover_all(page, tile)
        assert tooltips[kind], f"{kind}: no tooltip appeared"
        _assert_clean(page, dialogs, console, f"dashboard {kind}")
    joined = {k: "\n".join(v) for k, v in tooltips.items()}
    # the payloads are in the tooltips as literal text (innerText shows what the user reads)
    for kind in ("bar", "line", "pie", "scatter", "funnel", "heatmap", "treemap", "radar", "combo"):
        assert any(p in joined[kind] for p in PAYLOADS), f"{kind}: {joined[kind][:300]}"
    assert PAYLOADS[0] in joined["bar"] and PAYLOADS[1] in joined["bar"], joined["bar"][:300]  # category and series member
    assert PAYLOADS[0] in joined["gauge"] or PAYLOADS[0] in joined["area"]  # the metric label
    assert PAYLOADS[4] in joined["map"], joined["map"][:300]
    expect(page.get_by_test_id("tile-k_amount")).to_contain_text(PAYLOADS[1])

    # a screenshot of a bar tooltip over a payload category
    bar = page.get_by_test_id("tile-c_bar")
    bar.scroll_into_view_if_needed()
    box = bar.locator("canvas").first.bounding_box()
    for fx in (0.15, 0.2, 0.25, 0.3):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(200)
        if PAYLOADS[0] in page.evaluate(TOOLTIP_TEXT):
            break
    assert PAYLOADS[0] in page.evaluate(TOOLTIP_TEXT)
    page.screenshot(path=str(shots / "xss-bar-tooltip.png"), clip={"x": box["x"], "y": max(0, box["y"] - 40),
                                                                  "width": box["width"], "height": box["height"] + 80})

    # the analysis page: the shelves show the payload labels; pivot and waterfall over the payload cells
    page.goto(f"{server}/analysis?dashboard={dash}&component=c_bar")
    chart = page.get_by_test_id("analysis-chart")
    expect(page.get_by_test_id("shelf-dimensions")).to_contain_text(PAYLOADS[0])
    expect(chart.locator("canvas").first).to_be_visible()
    page.get_by_test_id("chart-pivot").click()
    expect(page.get_by_test_id("pivot-table")).to_contain_text(PAYLOADS[0])
    expect(page.get_by_test_id("pivot-table")).to_contain_text(PAYLOADS[1])
    _assert_clean(page, dialogs, console, "analysis pivot")
    page.locator("[data-testid=shelf-series] .ant-tag-close-icon").first.click()
    page.get_by_test_id("chart-waterfall").click()
    expect(chart.locator("canvas").first).to_be_visible()
    page.wait_for_timeout(600)
    seen = _hover_all(page, chart)
    assert any(PAYLOADS[0] in s for s in seen), seen
    _assert_clean(page, dialogs, console, "analysis waterfall")

    # the metric page: label, description and its trend chart's tooltip
    page.goto(f"{server}/metrics/{METRIC}")
    expect(page.locator("body")).to_contain_text(PAYLOADS[0])
    expect(page.locator("body")).to_contain_text(PAYLOADS[2])
    chart = page.locator(".echarts-for-react").first
    expect(chart.locator("canvas")).to_be_visible()
    page.wait_for_timeout(500)
    seen = _hover_all(page, chart)
    assert any(PAYLOADS[0] in s for s in seen), seen
    _assert_clean(page, dialogs, console, "metric page")
    page.goto(f"{server}/metrics")
    expect(page.locator("body")).to_contain_text(PAYLOADS[0])
    _assert_clean(page, dialogs, console, "metric list")

    # the alert list
    page.goto(f"{server}/alerts")
    expect(page.locator("body")).to_contain_text(PAYLOADS[0] + PAYLOADS[1])
    _assert_clean(page, dialogs, console, "alerts")

    # the data page: the table's column labels and cells
    page.goto(f"{server}/data/tables/{TABLE}")
    expect(page.locator("body")).to_contain_text(PAYLOADS[2])
    expect(page.locator("body")).to_contain_text(IFRAME)
    expect(page.locator("body")).to_contain_text(PAYLOADS[0])
    _assert_clean(page, dialogs, console, "data page")
    page.goto(f"{server}/dashboards")
    expect(page.locator("body")).to_contain_text(PAYLOADS[0])
    _assert_clean(page, dialogs, console, "dashboard list")

    # the ask box: a question made of a payload is echoed as text
    page.goto(server + "/")
    page.get_by_test_id("ask-input").fill(f"{PAYLOADS[0]} 按 {PAYLOADS[1]} 看")
    page.get_by_test_id("ask-input").press("Enter")
    expect(page.locator("body")).to_contain_text(PAYLOADS[0], timeout=30_000)
    page.wait_for_timeout(500)
    _assert_clean(page, dialogs, console, "ask")

    # every page came with the app's CSP
    assert csp and all("script-src 'self';" in h and "frame-ancestors 'none'" in h for h in csp), csp
    ctx.close()
