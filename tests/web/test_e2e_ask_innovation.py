"""Browser: the home page's ask panel answers one question per innovation intent (hot spots, white spaces, the
allocation of an R&D budget, the 专精特新 self-assessment) with the analysis's card — the chips, the summary, a
small table — and a link to the analysis's page with the arguments read; following a link opens that page
(the pages themselves are tested with them)."""

from __future__ import annotations

import pytest
from e2e_harness import signed_in_page

pytestmark = pytest.mark.slow

CASES = [
    ("哪些技术方向在升温", "hotspots", "升温最快的技术方向", "/innovation/hotspots"),
    ("where do we have no patents", "whitespace", "White spaces", "/innovation/hotspots?tab=whitespace"),
    ("预算2000万、30个人，先做哪些项目", "allocate", "¥2,000万预算、30人下建议选",
     "/innovation/allocate?budget=20000000&headcount=30"),
    ("我们离小巨人还差什么", "assess", "「小巨人」标准", "/innovation/assess"),
]


def _ask(page, question: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    box = page.locator(".ask-card input.ant-input")
    box.fill(question)
    box.press("Enter")
    expect(page.locator(".turn-question").last).to_contain_text(question)
    expect(page.locator(".turn-loading")).to_have_count(0, timeout=120_000)
    return page.locator(".ask-card .turn").last


def test_ask_innovation_questions(server, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server)
    try:
        for question, kind, summary, link in CASES:
            turn = _ask(page, question)
            card = turn.get_by_test_id("ask-innovation")
            expect(card).to_have_attribute("data-kind", kind)
            expect(card.get_by_test_id("ask-summary")).to_contain_text(summary)
            expect(card.get_by_test_id("ask-innovation-table").locator("tbody tr.ant-table-row").first).to_be_visible()
            expect(card.get_by_test_id("ask-innovation-link")).to_have_attribute("href", link)
            expect(turn.get_by_test_id("ask-not-understood")).to_have_count(0)
        turn = page.locator(".ask-card .turn").last
        expect(turn.locator(".chips")).to_contain_text("小巨人")
        turn.get_by_test_id("ask-innovation-link").click()
        page.wait_for_url("**/innovation/assess")
        assert not errors, errors
    finally:
        ctx.close()
