"""End-to-end: every chart type painted on the demo data (/dev/charts), and a chart built by drag and
drop on the analysis page, in headless Debian Chromium against a real `shuzhi serve`.

Reuses test_e2e.py's server/browser harness (skips locally when the build, Chromium or playwright is
missing; fails under CI=true). Screenshots go to a temp dir, and to docs/images/ when
SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_e2e import PASSWORD, ROOT, browser, server  # noqa: F401  (fixtures)

IMAGES = ROOT / "docs" / "images"
TYPES = {"bar", "line", "area", "combo", "pie", "scatter", "kpi", "table", "pivot", "map", "funnel", "gauge",
         "heatmap", "treemap", "radar", "waterfall"}

# non-blank pixels of a canvas (ECharts paints on a 2D canvas; blank = fully transparent)
PAINTED = """(el) => {
  const c = el.querySelector('canvas');
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 16) if (d[i] > 0) n++;
  return n;
}"""


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="shuzhi-chart-shots-"))
    yield d
    if os.environ.get("SHUZHI_UPDATE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        for p in d.glob("*.png"):
            shutil.copy(p, IMAGES / p.name)
    print(f"\nscreenshots: {d}")


def _page(b, base: str, width: int = 1440, height: int = 900):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    ctx = b.new_context(viewport={"width": width, "height": height}, locale="zh-CN", device_scale_factor=1)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(base + "/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page.get_by_test_id("kpi-revenue")).to_be_visible()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


def test_chart_gallery(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import expect

    ctx, page, errors = _page(browser, server)
    page.goto(server + "/dev/charts")
    cards = page.locator("[data-testid^=gallery-]")
    expect(cards.first).to_be_visible()
    n = cards.count()
    assert n >= 16
    seen: set[str] = set()
    for i in range(n):
        card = cards.nth(i)
        name = card.get_attribute("data-testid")
        card.scroll_into_view_if_needed()
        expect(card).to_have_attribute("data-ready", "1")
        assert card.locator(".ant-alert-error").count() == 0, f"{name}: {card.inner_text()}"
        kind, render = card.get_attribute("data-type"), card.get_attribute("data-render")
        seen.add(kind or "")
        if render == "echarts":
            expect(card.locator("canvas").first).to_be_visible()
            page.wait_for_timeout(150)
            assert card.evaluate(PAINTED) > 200, f"{name}: the canvas is blank"
        elif render == "kpi":
            value = card.locator(".kpi-big-value").inner_text()
            assert re.search(r"¥[\d.,]+(万|亿)", value), f"{name}: {value!r}"
            expect(card).to_contain_text("同比")
            expect(card).to_contain_text("达成率")
        elif render == "table":
            assert card.locator("tbody tr.ant-table-row").count() == 8  # one page
            expect(card.locator(".ant-pagination")).to_be_visible()
            assert re.search(r"¥[\d.,]+万", card.locator("tbody").inner_text())
        elif render == "pivot":
            expect(card.locator(".pv-subtotal").first).to_be_visible()
            expect(card.locator(".pv-total")).to_contain_text("合计")
            expect(card.locator("thead")).to_contain_text("合计")
    assert TYPES <= seen, TYPES - seen
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "charts-gallery.png"), full_page=True)
    assert not errors, errors
    ctx.close()
