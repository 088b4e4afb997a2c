"""Pictures pushed to a fake WeCom robot, drawn by headless Chromium from the real web app: a dashboard
subscription as PNG (one image message whose md5 matches and whose pixels show the charts) and an alert
firing with the chart of its series around the point; and the 「订阅」 dialog on the dashboard page
(desktop and phone), screenshotted for docs/images/subscribe-dialog.png.

The web app is served inside the test process (api.inprocess.serve_in_process) over the test's own
runtime: no demo build, no second server."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from e2e_harness import ARGS, CHROMIUM, ROOT, require_browser, screenshot_dir

from fakes.robots import FakeDingTalk, FakeWeCom
from shuzhi.auth.secrets import SecretBox
from shuzhi.delivery import channel_store
from shuzhi_testing import TEST_PASSWORD, client_over, demo_file, login

PUBLIC = "http://bi.example.test"

# Share of clearly coloured pixels (charts, KPI accents) and the number of distinct colours, by a canvas.
_PIXELS = """async (src) => {
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let coloured = 0; const seen = new Set();
  for (let i = 0; i < d.length; i += 4) {
    const mx = Math.max(d[i], d[i + 1], d[i + 2]), mn = Math.min(d[i], d[i + 1], d[i + 2]);
    if (mx - mn > 60) coloured++;
    if (i % 16 === 0) seen.add((d[i] >> 3) << 10 | (d[i + 1] >> 3) << 5 | (d[i + 2] >> 3));
  }
  return {w: c.width, h: c.height, coloured: coloured / (d.length / 4), colours: seen.size};
}"""


def pixel_stats(*pngs: bytes) -> list[dict]:  # type: ignore[type-arg]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = b.new_page()
            return [
                page.evaluate(_PIXELS, "data:image/png;base64," + base64.b64encode(png).decode())
                for png in pngs
            ]
        finally:
            b.close()


@pytest.fixture
def api(make_client, settings, tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    require_browser()
    monkeypatch.setenv("SHUZHI_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("SHUZHI_CHANNEL_BACKOFF_S", "0")
    wh = demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-10-31")
    c = client_over(make_client, settings, wh, dashboards=True)
    return c, login(c)


def _channel(c, name: str, kind: str, cfg: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    rt = c.app.state.runtime
    with rt.catalog.session() as db:
        channel_store.create(db, SecretBox.from_settings(rt.settings), name, kind, cfg, actor="test")


def _images(robot: FakeWeCom) -> list[bytes]:
    out = []
    for body in robot.received:
        if body["msgtype"] == "image":
            png = base64.b64decode(body["image"]["base64"])
            assert hashlib.md5(png).hexdigest() == body["image"]["md5"]  # noqa: S324 - WeCom's checksum
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
            out.append(png)
    return out


def test_dashboard_png_and_alert_chart_arrive_at_wecom_as_pictures(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    with FakeWeCom() as boss, FakeWeCom() as quality:
        _channel(c, "boss", "wecom", {"url": boss.url})
        _channel(c, "quality", "wecom", {"url": quality.url})
        r = c.post(
            "/api/v1/subscriptions",
            json={
                "dashboard": "cockpit",
                "format": "png",
                "channels": ["boss"],
                "schedule": {"cron": "每天 8:00"},
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        run = c.post(f"/api/v1/subscriptions/{r.json()['id']}/run", headers=h).json()
        assert run["status"] == "delivered", run
        # one chart only: its tile alone
        r = c.post(
            "/api/v1/subscriptions",
            json={"dashboard": "cockpit", "component": "trend", "format": "png", "channels": ["boss"]},
            headers=h,
        )
        assert (
            c.post(f"/api/v1/subscriptions/{r.json()['id']}/run", headers=h).json()["status"] == "delivered"
        )
        # the whole dashboard is one image message (its picture carries title, filters, 数据截至); a chart alone
        # comes with a markdown naming it
        assert [b["msgtype"] for b in boss.received] == ["image", "markdown", "image"]
        dash_png, tile_png = _images(boss)
        (tile_md,) = [b["markdown"]["content"] for b in boss.received if b["msgtype"] == "markdown"]
        assert "月度销售额与毛利率" in tile_md and f"{PUBLIC}/dashboards/cockpit" in tile_md  # the component's title

        rule = c.post(
            "/api/v1/alerts",
            json={
                "name": "不良率异常",
                "metric": "defect_rate",
                "grain": "month",
                "by": "production_orders.plant",
                "channels": ["quality"],
                "condition": {"type": "anomaly", "lookback": 12},
            },
            headers=h,
        ).json()
        out = c.post(f"/api/v1/alerts/{rule['id']}/check", headers=h).json()
        assert [f["series"] for f in out["firings"]] == ["常州工厂"]
        (chart_png,) = _images(quality)
        (amd,) = [b["markdown"]["content"] for b in quality.received if b["msgtype"] == "markdown"]
        assert out["firings"][0]["description_zh"] in amd and f"{PUBLIC}/why?" in amd

    dash, chart, tile = pixel_stats(dash_png, chart_png, tile_png)
    assert 300 < tile["w"] < 1000 and tile["h"] < 600 and tile["coloured"] > 0.02, (
        tile
    )  # the trend tile alone
    assert dash["w"] == 1280 and dash["h"] > 800, dash  # the whole page
    assert dash["coloured"] > 0.01 and dash["colours"] > 60, dash  # charts drawn, not a blank page
    assert chart["w"] > 600 and chart["coloured"] > 0.003 and chart["colours"] > 20, chart  # the series line


def test_subscribe_dialog_on_desktop_and_phone(api) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    from shuzhi.api.inprocess import serve_in_process

    c, _ = api
    rt = c.app.state.runtime
    with (
        FakeDingTalk() as ding,
        serve_in_process(rt) as base,
        screenshot_dir("shuzhi-subscribe-", ROOT / "docs" / "images") as shots,
        sync_playwright() as p,
    ):
        _channel(c, "boss-ding", "dingtalk", {"url": ding.url})
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width, height, name in (
                (1280, 1240, "subscribe-dialog.png"),
                (390, 844, "subscribe-dialog-phone.png"),
            ):
                ctx = b.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                ctx.set_default_timeout(30_000)
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))  # noqa: B023
                page.goto(base + "/login")
                page.get_by_label("用户名").fill("admin")
                page.get_by_label("密码").fill(TEST_PASSWORD)
                page.get_by_role("button", name=re.compile("登\\s*录")).click()
                expect(page).to_have_url(base + "/")
                page.goto(base + '/dashboards/cockpit?f={"region":["华东"]}')
                page.get_by_test_id("subscribe").click()
                dialog = page.get_by_test_id("subscribe-dialog")
                expect(dialog).to_be_visible()
                expect(page.get_by_test_id("sub-filters")).to_contain_text("大区：华东")
                expect(page.get_by_test_id("sub-filters")).to_contain_text("今年")  # a period in words
                if width > 800:
                    page.get_by_test_id("sub-repeat").get_by_text("每周").click()
                    page.get_by_test_id("sub-format").get_by_text("链接卡片").click()
                    page.get_by_test_id("sub-channels").click()
                    page.locator(".ant-select-item-option", has_text="boss-ding").click()
                    page.keyboard.press("Escape")
                    page.get_by_test_id("sub-create").click()
                    item = page.locator("[data-testid^='sub-send-']").first
                    expect(item).to_be_visible()
                    item.click()
                    expect(page.locator("[data-testid^='sub-status-']").first).to_have_text("已送达")
                    assert "经营驾驶舱" in ding.received[0]["markdown"]["text"]
                    expect(page.get_by_test_id("sub-list")).to_contain_text("每周一 08:00")
                    expect(page.locator(".ant-message-notice")).to_have_count(
                        0, timeout=10_000
                    )  # toasts gone
                else:
                    expect(page.get_by_test_id("sub-list")).to_contain_text(
                        "每周一 08:00"
                    )  # the one made above
                    box = dialog.bounding_box()
                    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
                page.wait_for_timeout(300)
                page.screenshot(path=str(Path(shots) / name))
                assert not errors, errors
                ctx.close()
        finally:
            b.close()
