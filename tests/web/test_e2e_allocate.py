"""End-to-end: 立项与分配 (/innovation/allocate) in headless Chromium against a real `shuzhi serve`: every
candidate listed with its score parts, the budget slider re-solves (debounced) and the portfolio changes,
must / exclude per row, a must set that cannot fit shows the server's message, and the page at 390 px.

Screenshots go to a temp dir (printed at the end); with SHUZHI_UPDATE_SCREENSHOTS=1 they are copied to
docs/images/allocate-*.png.
"""

from __future__ import annotations

from pathlib import Path

from e2e_harness import ROOT, open_innovation, screenshot_dir, signed_in_page


def test_allocate_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with screenshot_dir("shuzhi-allocate-shots-", ROOT / "docs" / "images", "allocate-*.png") as shots:
        _flow(server, browser, shots)
        _phone(server, browser, shots)


def _chosen(page) -> set[str]:  # type: ignore[no-untyped-def]
    tags = page.locator("[data-testid^='allocate-chosen-'][data-chosen='1']")
    return {t.get_attribute("data-testid").removeprefix("allocate-chosen-") for t in tags.all()}


def _solved(page, action) -> dict:  # type: ignore[no-untyped-def]
    """Do `action` and wait for the re-solve it triggers; the answer's JSON."""
    with page.expect_response(lambda r: "/api/v1/rd/allocate" in r.url, timeout=60_000) as resp:
        action()
    page.wait_for_timeout(300)  # React renders the answer
    return resp.value.json()


def _flow(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server, 60_000)
    with page.expect_response(lambda r: "/api/v1/rd/allocate" in r.url, timeout=60_000) as first:
        open_innovation(page, "立项与分配", "/innovation/allocate")
    assert first.value.status == 200, first.value.text()
    out = first.value.json()
    expect(page).to_have_url(server + "/innovation/allocate")
    rows = page.locator("[data-testid^='allocate-row-']")
    expect(rows).to_have_count(len(out["candidates"]))
    assert len(out["candidates"]) >= 25
    expect(page.get_by_test_id("allocate-total-chosen")).to_have_text(str(out["totals"]["chosen"]), use_inner_text=False)
    assert _chosen(page) == {c["id"] for c in out["candidates"] if c["chosen"]}
    expect(page.get_by_test_id(f"allocate-parts-{out['candidates'][0]['id']}").locator("span")).to_have_count(4)
    page.screenshot(path=str(shots / "allocate-desktop.png"))

    # what-if: drag the budget slider to about a fifth: fewer chosen, the portfolio changes visibly
    before = _chosen(page)
    slider = page.get_by_test_id("allocate-budget-slider")
    box = slider.bounding_box()
    assert box is not None
    low = _solved(page, lambda: page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2))
    assert low["budget"] < out["budget"]
    expect(page.get_by_test_id("allocate-total-chosen")).to_have_text(str(low["totals"]["chosen"]), use_inner_text=False)
    after = _chosen(page)
    assert after == {c["id"] for c in low["candidates"] if c["chosen"]} and after != before
    assert low["totals"]["cost"] <= low["budget"] and low["totals"]["headcount"] <= low["headcount"]
    expect(page.get_by_test_id("allocate-pool")).to_contain_text("在研项目全部继续还需")
    page.screenshot(path=str(shots / "allocate-low-budget.png"))

    # must: a candidate left out becomes chosen; exclude: a chosen one leaves
    left_out = next(c["id"] for c in low["candidates"] if not c["chosen"] and c["kind"] == "proposal")
    mode = page.get_by_test_id(f"allocate-mode-{left_out}")
    answer = _solved(page, lambda: mode.get_by_text("必选").click())
    assert left_out in answer["must"]
    expect(page.get_by_test_id(f"allocate-chosen-{left_out}")).to_have_attribute("data-chosen", "1")
    chosen_one = next(c["id"] for c in answer["candidates"]
                      if c["chosen"] and c["id"] != left_out and c["kind"] == "proposal")
    answer = _solved(page, lambda: page.get_by_test_id(f"allocate-mode-{chosen_one}").get_by_text("排除").click())
    assert chosen_one in answer["exclude"]
    expect(page.get_by_test_id(f"allocate-chosen-{chosen_one}")).to_have_attribute("data-chosen", "0")

    # a must set that cannot fit: the slider at 0 (Home key) → the server's message, the last portfolio stays
    handle = slider.locator(".ant-slider-handle")
    handle.focus()
    err_answer = _solved(page, lambda: page.keyboard.press("Home"))
    assert err_answer["error"]["code"] == "allocate_must_infeasible"
    expect(page.get_by_test_id("allocate-error")).to_contain_text("必选项目无法同时满足")
    page.screenshot(path=str(shots / "allocate-infeasible.png"))
    # in English
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", name="Project priority and allocation")).to_be_visible()
    expect(page.get_by_test_id("allocate-pool")).to_contain_text("keeping all")
    assert not errors, errors
    ctx.close()


def _phone(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from e2e_harness import login
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server)
    # an answer's link sets the starting budget and headcount
    with page.expect_response(lambda r: "/api/v1/rd/allocate" in r.url, timeout=60_000) as first:
        page.goto(server + "/innovation/allocate?budget=2000000&headcount=30")
    assert first.value.request.post_data_json["budget"] == 2_000_000 and first.value.json()["headcount"] == 30
    expect(page.locator("[data-testid^='allocate-row-']").first).to_be_visible()
    expect(page.get_by_test_id("allocate-totals")).to_be_visible()
    # nothing sticks out of the phone's width; the slider and the must/exclude switches are on screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for tid in ("allocate-budget-slider", "allocate-headcount"):
        box = page.get_by_test_id(tid).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (tid, box)
    seg = page.locator("[data-testid^='allocate-mode-']").first.bounding_box()
    assert seg is not None and seg["x"] + seg["width"] <= 390, seg
    page.screenshot(path=str(shots / "allocate-phone.png"))
    page.locator("[data-testid^='allocate-row-']").nth(2).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "allocate-phone-table.png"))
    assert not errors, errors
    ctx.close()
