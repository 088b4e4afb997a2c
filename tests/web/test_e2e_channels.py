"""End-to-end: the 推送渠道 / Channels page in headless Chromium against a real `shuzhi serve` (no demo needed).

An administrator adds a WeCom robot through the form (the fake robot on 127.0.0.1 then receives the test
message), a DingTalk robot whose 加签 secret is wrong is tested until it is flagged failing, and its send
history shows DingTalk's own error text. On a phone (390×844) the channels are cards. Screenshots:
docs/images/channels.png and channels-phone.png with SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import (
    PASSWORD,
    ROOT,
    choose_option,
    require_browser,
    screenshot_dir,
    shuzhi_cmd,
    signed_in_page,
)

from fakes.robots import FakeDingTalk, FakeWeCom
from shuzhi_testing import free_port

SHOTS = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`shuzhi serve` over an empty SHUZHI_HOME (channels need no data), no backoff between tries."""
    require_browser()
    home = tempfile.mkdtemp(prefix="shuzhi-e2e-channels-")
    env = {
        **os.environ,
        "SHUZHI_HOME": home,
        "SHUZHI_ADMIN_PASSWORD": PASSWORD,
        "SHUZHI_TODAY": "2026-11-26",
        "SHUZHI_CHANNEL_BACKOFF_S": "0",
        "SHUZHI_PUBLIC_URL": "https://bi.huajing.example",
    }
    port = free_port()
    log = open(Path(home) / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [*shuzhi_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
            if proc.poll() is not None:
                raise RuntimeError((Path(home) / "serve.log").read_text(errors="replace"))
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _csrf(ctx) -> str:  # type: ignore[no-untyped-def]
    return next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")


def test_channels_page_add_test_flag_and_phone(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    with (
        FakeWeCom() as wc,
        FakeDingTalk(secret="SECright") as ding,
        screenshot_dir("shuzhi-channel-shots-", SHOTS, "channels*.png") as shots,
    ):
        ctx, page, errors = signed_in_page(browser, server)
        page.get_by_role("menuitem", name="推送渠道").click()
        expect(page.get_by_test_id("channels-page")).to_be_visible()
        expect(page.get_by_text("还没有推送渠道")).to_be_visible()

        # the form: a WeCom robot (its URL is write-only)
        page.get_by_test_id("channel-add").click()
        page.get_by_test_id("channel-name").fill("quality-wecom")
        form = page.get_by_test_id("channel-form")
        choose_option(page, form.get_by_test_id("channel-kind"), "企业微信群机器人")
        expect(page.get_by_test_id("channel-secret")).to_have_count(0)  # WeCom robots have no signing secret
        page.get_by_test_id("channel-url").fill("ftp://nope")
        page.get_by_test_id("channel-save").click()
        expect(form.get_by_text("http(s)://…")).to_be_visible()
        page.get_by_test_id("channel-url").fill(wc.url)
        page.get_by_test_id("channel-save").click()
        expect(page.get_by_test_id("channel-row-quality-wecom")).to_be_visible()
        expect(page.get_by_test_id("channels-page")).not_to_contain_text(wc.key)

        page.get_by_test_id("channel-test-quality-wecom").click()
        expect(page.get_by_text("测试消息已送达")).to_be_visible()
        assert [b["msgtype"] for b in wc.received] == ["markdown"]

        # a DingTalk robot with a wrong 加签 secret (added through the API), tested until it is flagged
        r = page.request.post(
            server + "/api/v1/channels",
            headers={"X-CSRF-Token": _csrf(ctx)},
            data={
                "name": "boss-ding",
                "kind": "dingtalk",
                "label": "老板群",
                "url": ding.url,
                "secret": "SECwrong",
            },
        )
        assert r.status == 201, r.text()
        page.get_by_role("button", name="刷新").click()
        for _ in range(3):
            page.get_by_test_id("channel-test-boss-ding").click()
            expect(page.get_by_text("发送失败").first).to_be_visible()
            page.wait_for_timeout(300)
        expect(page.get_by_test_id("channel-failing-boss-ding")).to_be_visible()
        expect(page.get_by_test_id("channel-row-boss-ding").locator("xpath=ancestor::tr")).to_contain_text(
            "310000"
        )
        page.get_by_test_id("channel-row-boss-ding").locator("xpath=ancestor::tr").get_by_role(
            "button", name="发送记录"
        ).click()
        expect(page.get_by_test_id("channel-sends-boss-ding")).to_contain_text("sign not match")
        page.mouse.move(0, 0)
        page.locator(".ant-message").evaluate("e => e.remove()")  # the test toasts, out of the screenshot
        page.screenshot(path=str(shots / "channels.png"), full_page=True)

        phone = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            is_mobile=True,
            has_touch=True,
            storage_state=ctx.storage_state(),
        )
        p2 = phone.new_page()
        p2.goto(server + "/channels")
        expect(p2.get_by_test_id("channel-card-boss-ding")).to_contain_text("连续失败 3 次")
        expect(p2.get_by_test_id("channel-card-quality-wecom")).to_be_visible()
        box = p2.get_by_test_id("channel-card-boss-ding").bounding_box()
        assert box and box["width"] <= 390
        p2.screenshot(path=str(shots / "channels-phone.png"), full_page=True)
        phone.close()

        page.get_by_test_id("channel-delete-quality-wecom").click()
        page.get_by_role("button", name="确 定").or_(page.get_by_role("button", name="OK")).click()
        expect(page.get_by_test_id("channel-row-quality-wecom")).to_have_count(0)
        assert not errors, errors
        ctx.close()


def test_audit_page_shows_the_channel_changes_and_verifies(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """管理 → 审计日志: the channel work above is there with who and from where; filtered by a family of
    actions; the chain verifies; a viewer has no such menu item. Screenshot: docs/images/audit.png."""
    from playwright.sync_api import expect

    with screenshot_dir("shuzhi-audit-shots-", SHOTS, "audit*.png") as shots:
        ctx, page, errors = signed_in_page(browser, server)
        r = page.request.post(server + "/api/v1/channels", headers={"X-CSRF-Token": _csrf(ctx)},
                              data={"name": "audit-hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook"})
        assert r.status == 201, r.text()
        page.get_by_role("menuitem", name="审计日志").click()
        expect(page.get_by_test_id("audit-page")).to_be_visible()
        table = page.get_by_test_id("audit-table")
        expect(table).to_contain_text("auth.login")
        choose_option(page, page.get_by_test_id("audit-action"), "channel.*")
        page.get_by_test_id("audit-search").click()
        expect(table).to_contain_text("audit-hook")
        expect(table).not_to_contain_text("auth.login")
        expect(table).to_contain_text("127.0.0.1")
        page.get_by_test_id("audit-verify").click()
        expect(page.get_by_test_id("audit-verdict")).to_contain_text("审计链完整")
        page.mouse.move(0, 0)
        page.screenshot(path=str(shots / "audit.png"), full_page=True)
        assert not errors, errors
        ctx.close()
