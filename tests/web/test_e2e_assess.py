"""End-to-end: the 专精特新 self-assessment page (/innovation/assess) in headless Debian Chromium against a real
`shuzhi serve`: reached through the 创新 menu, criteria grouped by level and category with the API's numbers,
a verdict per level, answers saved from the form change the verdicts, another year, the phone layout at
390 px without sideways scrolling, the print layout, and the PDF drawn by the server.

Screenshots go to a temp dir (printed at the end); with SHUZHI_UPDATE_SCREENSHOTS=1 they are copied to
docs/images/assess-*.png.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import unicodedata
from pathlib import Path

from e2e_harness import (
    PASSWORD,
    ROOT,
    TODAY,
    choose_option,
    login,
    open_innovation,
    require_browser,
    screenshot_dir,
    shuzhi_cmd,
    signed_in_page,
)


def _pdf_text(data: bytes) -> tuple[int, str]:
    """Pages and text of a PDF; NFKC folds the Kangxi radicals Chromium's PDF maps some CJK glyphs to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))


def test_assess_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with screenshot_dir("shuzhi-assess-shots-", ROOT / "docs" / "images", "assess-*.png") as shots:
        _flow(server, browser, shots)


def _flow(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx, page, errors = signed_in_page(browser, server, 30_000)
    open_innovation(page, "小巨人自评", "/innovation/assess")
    expect(page).to_have_url(re.compile(r"/innovation/assess"))
    root = page.get_by_test_id("assess-page")
    expect(root).to_have_attribute("data-render-ready", "1")
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("专精特新自评 · 2026")
    expect(page.get_by_test_id("verdict-专精特新")).to_be_visible()
    expect(page.get_by_test_id("verdict-小巨人")).to_contain_text(re.compile("待补充信息|尚未满足|满足认定条件"))
    for cat in ("专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品"):
        expect(page.get_by_test_id(f"category-小巨人-{cat}")).to_be_visible()

    # the page shows the API's numbers: R&D expense last year in 万, its share in %
    body = page.request.get(server + "/api/v1/assess").json()
    rows = {c["id"]: c for c in body["criteria"]}
    rd = rows["p_rd_amount"]["value"]
    expect(page.get_by_test_id("criterion-p_rd_amount").get_by_test_id("value")).to_have_text(f"¥{rd / 1e4:,.2f}万")
    share = rows["p_rd_share"]["value"]
    expect(page.get_by_test_id("criterion-p_rd_share").get_by_test_id("value")).to_contain_text(f"{share * 100:.2f}%")
    gaps = [c for c in body["criteria"] if c["gap_text"]]
    assert gaps, "the demo is short somewhere (e.g. class I IP or R&D of a small company)"
    expect(page.get_by_test_id(f"criterion-{gaps[0]['id']}").get_by_test_id("gap")).to_contain_text(gaps[0]["gap_text"])
    expect(page.get_by_test_id("criterion-n_niche")).to_contain_text("待补充")
    page.screenshot(path=str(shots / "assess-desktop.png"), full_page=True)

    # answer two items from the form: the niche criteria and the R&D institution become met
    page.get_by_test_id("answer-years_in_niche").fill("4")
    page.get_by_test_id("answer-rd_institution").get_by_text("是", exact=True).click()
    with page.expect_response(lambda r: "/api/v1/assess/answers" in r.url and r.request.method == "PUT") as resp:
        page.get_by_test_id("assess-save").click()
    assert resp.value.status == 200, resp.value.text()
    expect(page.get_by_test_id("criterion-n_niche")).to_contain_text("达标")
    expect(page.get_by_test_id("criterion-n_rd_institution")).to_contain_text("达标")
    expect(page.get_by_test_id("criterion-p_niche").get_by_test_id("value")).to_have_text("4 年")

    # another assessment year
    choose_option(page, page.get_by_test_id("assess-year"), "2025")
    expect(page).to_have_url(re.compile(r"year=2025"))
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("2025")
    expect(page.get_by_test_id("print-filters")).to_contain_text("2024、2023")

    # a year out of range: the server's bilingual message and a way back
    page.goto(server + "/innovation/assess?year=1990")
    expect(page.get_by_test_id("assess-error")).to_contain_text("2000")
    page.get_by_test_id("assess-error").get_by_role("button").click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("2026")

    # print layout: no controls
    page.goto(server + "/innovation/assess?year=2026")
    expect(root).to_have_attribute("data-render-ready", "1")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("assess-save")).to_be_hidden()
    page.screenshot(path=str(shots / "assess-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # the PDF drawn by the server from the print mode of this page
    r = page.request.get(server + "/api/v1/assess/report?year=2026", timeout=120_000)
    assert r.status == 200 and r.headers["content-type"] == "application/pdf" and r.body()[:5] == b"%PDF-"
    (shots / "assess-report.pdf").write_bytes(r.body())
    pages, text = _pdf_text(r.body())
    assert pages >= 2 and text.count("专精特新自评 · 2026") >= pages  # the page header on every page
    assert "主营业务收入占营业收入总额比重不低于70%" in text and "工信部企业〔2022〕63号" in text

    # in English
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("verdict-小巨人")).to_contain_text("Little Giant")
    expect(page.get_by_test_id("criterion-n_main_share")).to_contain_text("Main business at least 70% of revenue")
    page.get_by_test_id("lang-switch").click()
    assert not errors, errors
    ctx.close()

    # a phone: everything readable at 390 px, nothing scrolls sideways
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    p = phone.new_page()
    login(p, server)
    p.goto(server + "/innovation/assess")
    expect(p.get_by_test_id("assess-page")).to_have_attribute("data-render-ready", "1")
    expect(p.get_by_test_id("criterion-n_niche")).to_contain_text("达标")  # the answer saved above
    width = p.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    p.screenshot(path=str(shots / "assess-phone.png"), full_page=True)
    p.get_by_test_id("assess-form").scroll_into_view_if_needed()
    p.screenshot(path=str(shots / "assess-phone-form.png"))
    phone.close()


def test_cli_report_without_a_server(tmp_path: Path) -> None:
    """`shuzhi assess report -o FILE` serves the web app in its own process for the drawing."""
    require_browser()
    env = {**os.environ, "SHUZHI_HOME": str(tmp_path / "home"), "SHUZHI_ADMIN_PASSWORD": PASSWORD, "SHUZHI_TODAY": TODAY}
    subprocess.run([*shuzhi_cmd(), "demo", "--scale", "0.02", "--seed", "3", "--end", "2026-10-31"], env=env,
                   check=True, capture_output=True, timeout=180)
    out = tmp_path / "自评.pdf"
    r = subprocess.run([*shuzhi_cmd(), "assess", "report", "-o", str(out), "--year", "2025"], env=env,
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    pages, text = _pdf_text(out.read_bytes())
    assert pages >= 2 and "专精特新自评 · 2025" in text and "2024、2023" in text
    bad = subprocess.run([*shuzhi_cmd(), "assess", "report", "-o", str(tmp_path / "no" / "x.pdf")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "no" in bad.stderr
