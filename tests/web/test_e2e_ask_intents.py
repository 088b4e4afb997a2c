"""Browser: the home page's ask panel answers a why question with the explanation (tabs, waterfall, ranked
table), a yes/no question with a 是/否 tag, the number, threshold and period, every answer with a summary, and an
ambiguous question with a question back whose choice buttons answer it."""

from __future__ import annotations

import pytest
from e2e_harness import signed_in_page

pytestmark = pytest.mark.slow


def _ask(page, question: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    box = page.locator(".ask-card input.ant-input")
    box.fill(question)
    box.press("Enter")
    expect(page.locator(".turn-question").last).to_contain_text(question)
    expect(page.locator(".turn-loading")).to_have_count(0, timeout=90_000)
    return page.locator(".ask-card .turn").last


def test_ask_why_yesno_and_summary(server, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)
    try:
        turn = _ask(page, "为什么9月销售额下降了")
        expect(turn.get_by_test_id("ask-summary")).to_contain_text("2026-09 对比 2026-08：销售额变化")
        expect(turn.get_by_test_id("ask-summary")).to_contain_text("主要因素")
        why = turn.get_by_test_id("ask-why")
        expect(why.get_by_test_id("why-waterfall").locator("canvas")).to_have_count(1)
        expect(why.get_by_test_id("why-table").locator("tbody tr").first).to_be_visible()

        turn = _ask(page, "研发投入强度达到1%了吗")
        yn = turn.get_by_test_id("ask-yesno")
        expect(yn).to_have_attribute("data-answer", "yes")
        expect(yn).to_contain_text("是")
        expect(yn).to_contain_text("研发投入强度")
        expect(yn).to_contain_text("≥ 1%")
        expect(yn).to_contain_text("今年至今")
        expect(turn.get_by_test_id("ask-summary")).to_contain_text("是。今年至今研发投入强度为")

        turn = _ask(page, "上个月各大区销售额")
        expect(turn.get_by_test_id("ask-summary")).to_contain_text("2026年10月销售额合计 ¥")
        expect(turn.get_by_test_id("ask-summary")).to_contain_text("最高的是")

        turn = _ask(page, "上个月海外的销售额")  # 海外 is a channel and a region: asked back, nothing run
        clarify = turn.get_by_test_id("ask-clarify")
        expect(clarify).to_contain_text("渠道")
        expect(clarify).to_contain_text("大区")
        expect(turn.get_by_test_id("ask-summary")).to_have_count(0)
        clarify.get_by_test_id("ask-choice-2").click()
        expect(page.locator(".turn-loading")).to_have_count(0, timeout=90_000)
        answered = page.locator(".ask-card .turn").last
        expect(answered.get_by_test_id("ask-summary")).to_contain_text("2026年10月销售额")
        expect(answered).to_contain_text("大区 = 海外")
        assert not errors, errors
    finally:
        ctx.close()
