"""End-to-end: on a phone (390×844, touch), a tap on a chart only selects the element and shows its
actions; nothing is cross-filtered, drilled or opened until the person taps an action. Headless
Chromium against a real `shuzhi serve` with the demo dashboards.
"""

from __future__ import annotations

from e2e_harness import login


def test_a_tap_selects_and_waits_for_an_action(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/dashboards/cockpit/data")):
        page.goto(server + "/dashboards/cockpit")
    page.wait_for_selector("[data-testid=dashboard-view][data-loading='0']")
    page.wait_for_timeout(900)  # chart animations
    data_calls: list[str] = []
    page.on("request", lambda r: data_calls.append(r.url) if r.url.endswith("/data") else None)
    url = page.url

    chart = page.get_by_test_id("chart-by_region")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    actions = page.get_by_test_id("actions-by_region")
    box = chart.locator("canvas").first.bounding_box()
    tapped = None
    for fy in (0.12, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):  # bars are canvas pixels: tap until one is hit
        for fx in (0.3, 0.2, 0.45):
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            page.touchscreen.tap(x, y)
            page.wait_for_timeout(250)
            if actions.count():
                tapped = (x, y)
                break
        if tapped:
            break
    assert tapped, "no bar of by_region could be tapped"

    # the tap selected and showed the actions: nothing ran, nothing navigated, even after the tap's late click
    page.wait_for_timeout(1200)
    expect(actions.get_by_test_id("action-cross")).to_be_visible()
    assert data_calls == [] and page.url == url, data_calls
    assert page.get_by_test_id("cross-filters").count() == 0
    assert page.get_by_test_id("breadcrumb-by_region").count() == 0
    bar = actions.bounding_box()
    assert not (bar["y"] <= tapped[1] <= bar["y"] + bar["height"]), (bar, tapped)  # away from the finger

    # the same spot tapped again is not an action either (the bar is elsewhere), a deliberate tap on one is
    with page.expect_response(lambda r: r.url.endswith("/cockpit/data")) as resp:
        actions.get_by_test_id("action-cross").tap()
    assert resp.value.request.post_data_json["cross"], resp.value.request.post_data
    page.get_by_test_id("cross-filters").wait_for()
    assert page.url == url
    assert not errors, errors
    ctx.close()
