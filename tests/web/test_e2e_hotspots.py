"""End-to-end: 创新 → 热点与空白 (/innovation/hotspots) in headless Chromium against a real `shuzhi serve` over
the demo: rising and falling topics with sparklines, the white-space ranking with its evidence, the
technology map (heat map, a cell's applicants, the applicant comparison), the drill to a topic's patents,
the field filter; and the same page at phone width (390 px) without horizontal scrolling.

Screenshots go to a temp dir (printed at the end); SHUZHI_UPDATE_SCREENSHOTS=1 copies them to
docs/images/hotspots-*.png."""

from __future__ import annotations

from pathlib import Path

from e2e_harness import ROOT, login, open_innovation, screenshot_dir, signed_in_page


def test_hotspots_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with screenshot_dir("shuzhi-hotspots-shots-", ROOT / "docs" / "images", "hotspots-*.png") as shots:
        _desktop(server, browser, shots)
        _phone(server, browser, shots)


def _desktop(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server, 60_000)
    # the menu: 创新 → 热点与空白
    with page.expect_response(lambda r: "/api/v1/rd/hotspots" in r.url, timeout=120_000) as resp:
        open_innovation(page, "热点与空白", "/innovation/hotspots")
    assert resp.value.status == 200, resp.value.text()
    expect(page).to_have_url(server + "/innovation/hotspots")
    first = page.get_by_test_id("topic-rising-0")
    expect(first).to_be_visible(timeout=60_000)
    expect(first.locator(".hs-spark canvas")).to_be_visible()
    expect(page.get_by_test_id("whitespace-0")).to_contain_text("华精科技")
    expect(page.get_by_test_id("techmap-heat").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("applicant-compare")).to_contain_text("华精科技")
    page.screenshot(path=str(shots / "hotspots-desktop.png"), full_page=True)

    # drill: the first rising topic's patents, newest first
    label = first.locator(".hs-label").inner_text().split(". ", 1)[1]
    first.get_by_role("button", name="查看专利").click()
    drawer = page.get_by_test_id("drill-drawer")
    expect(drawer).to_contain_text(label)
    expect(drawer.locator("tbody tr").first).to_be_visible()
    dates = [d for d in drawer.locator("tbody tr td:last-child").all_inner_texts() if d.strip()]
    assert dates == sorted(dates, reverse=True)
    page.wait_for_timeout(600)  # the drawer's slide-in, for the picture
    page.screenshot(path=str(shots / "hotspots-drill.png"))
    page.keyboard.press("Escape")
    expect(page.locator(".ant-drawer-mask")).to_have_count(0)  # closed (destroyOnClose), nothing covers the page

    # a heat-map cell lists its applicants
    expect(page.get_by_test_id("techmap-heat").locator("[data-echart-ready='1']")).to_have_count(1)
    heat = page.get_by_test_id("techmap-heat").locator("canvas")
    heat.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the fixed header
    box = heat.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 40, box["y"] + 8 + (box["height"] - 64) / 10)  # top row, last year
    expect(page.get_by_test_id("techmap-cell")).to_contain_text("2026")

    # the field filter: every listed topic then belongs to that field
    page.get_by_test_id("hs-field").click()
    field = page.locator(".ant-select-item-option").nth(1)
    name = field.inner_text()
    with page.expect_response(lambda r: "/api/v1/rd/hotspots" in r.url and "field=" in r.url) as resp:
        field.click()
    body = resp.value.json()
    assert resp.value.status == 200 and body["field"] == name
    expect(page.get_by_test_id("hotspots-page")).to_be_visible()
    assert "field=" in page.url  # the filter is in the address: a link (e.g. from 问答) opens the same view

    # a link with ?field=&tab=whitespace (as 问答 answers give) opens filtered, at the white spaces
    page.goto(f"{server}/innovation/hotspots?field={name}&tab=whitespace")
    expect(page.get_by_test_id("hs-field")).to_contain_text(name)
    expect(page.get_by_test_id("whitespace-card")).to_be_in_viewport()
    assert not errors, errors
    ctx.close()


def _phone(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server)
    page.goto(server + "/innovation/hotspots")
    expect(page.get_by_test_id("topic-rising-0")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("whitespace-0")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways at 390 px: {width}"
    page.screenshot(path=str(shots / "hotspots-phone.png"), full_page=True)
    page.get_by_test_id("topic-rising-0").get_by_role("button", name="查看专利").click()
    expect(page.get_by_test_id("drill-drawer").locator("tbody tr").first).to_be_visible()
    page.wait_for_timeout(600)  # the drawer's slide-in, for the picture
    page.screenshot(path=str(shots / "hotspots-phone-drill.png"))
    assert not errors, errors
    ctx.close()
