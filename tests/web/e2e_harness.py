"""The end-to-end harness every tests/web/test_e2e*.py file shares: a real `shuzhi serve` over a
small demo on a temp SHUZHI_HOME, Debian's Chromium through Playwright (never `playwright install`),
and signing in. Fixtures built on it live in tests/web/conftest.py (`server`, `browser`).

Skips locally when the built web app, /usr/bin/chromium (or SHUZHI_CHROMIUM) or the playwright
package is missing; fails when CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shuzhi_testing import IN_CI, free_port

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist" / "index.html"
CHROMIUM = os.environ.get("SHUZHI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "E2e-Admin-Pass-01"
TODAY = "2026-11-26"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"web e2e cannot run: {reason} (CI=true requires it)", pytrace=False)
    pytest.skip(reason)


def require_browser() -> None:
    if not DIST.is_file():
        missing("frontend/dist/index.html is missing (run `make web`)")
    if not Path(CHROMIUM).is_file():
        missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing("the Python package playwright is not installed")



def shuzhi_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shuzhi.cli"]


@contextmanager
def running_server(prefix: str = "shuzhi-e2e-", scale: str = "0.05", end: str = "2026-11-25",
                   extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """A demo at `scale` (data up to `end`, by default the day before TODAY) served on a free port; yields
    its base URL. `extra_env`: more SHUZHI_* settings for the server."""
    require_browser()
    home = tempfile.mkdtemp(prefix=prefix)
    env = {**os.environ, "SHUZHI_HOME": home, "SHUZHI_ADMIN_PASSWORD": PASSWORD, "SHUZHI_TODAY": TODAY,
           **(extra_env or {})}
    subprocess.run([*shuzhi_cmd(), "demo", "--scale", scale, "--end", end], env=env, check=True,
                   capture_output=True, timeout=180)
    port = free_port()
    log = open(Path(home) / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([*shuzhi_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
            if proc.poll() is not None:
                raise RuntimeError((Path(home) / "serve.log").read_text(errors="replace"))
        else:
            raise RuntimeError("shuzhi serve did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def screenshot_dir(prefix: str, docs: Path, pattern: str = "*.png") -> Iterator[Path]:
    """A temp folder for screenshots; with SHUZHI_UPDATE_SCREENSHOTS=1 the ones matching `pattern`
    are copied to `docs` (docs/images, docs/screenshots) at the end."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    yield d
    if os.environ.get("SHUZHI_UPDATE_SCREENSHOTS") == "1":
        docs.mkdir(parents=True, exist_ok=True)
        for p in d.glob(pattern):
            shutil.copy(p, docs / p.name)
    print(f"\nscreenshots: {d}")


def login(page, base: str, user: str = "admin", password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login page and wait for the app frame (not for any one home widget)."""
    from playwright.sync_api import expect

    page.goto(base + "/login")
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name=re.compile("登\\s*录")).click()
    expect(page).to_have_url(base + "/", timeout=30_000)
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)


def signed_in_page(browser, base: str, timeout_ms: int = 30_000):  # type: ignore[no-untyped-def]
    """A desktop page (1440×900, zh-CN) signed in as admin, and the list its uncaught page errors go to."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(timeout_ms)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, base)
    return ctx, page, errors


def add_filter_component(page, typed: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """In the dashboard editor: add a filter component on the field found by typing `typed` and picking `option`."""
    page.get_by_test_id("add-component").hover()
    page.get_by_test_id("add-filter").click()
    choose_option(page, page.locator(".ant-modal .ant-form-item", has_text="字段"), option, typed=typed)
    page.get_by_role("button", name=re.compile("OK|确\\s*定")).click()
    page.get_by_test_id("tile-filter").wait_for()


def choose_option(page, select, text: str, typed: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Pick an option of an Ant Design select (typing `typed` first into a searchable one) and wait until its
    list has closed.

    Under load the option can be clicked while the list is still opening: the
    click is lost and the open list then covers the dialog's buttons.
    """
    from playwright.sync_api import expect

    for _ in range(3):
        select.locator(".ant-select-selector").click()
        if typed:
            page.keyboard.type(typed)
        option = page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=text).first
        option.wait_for(state="visible")
        option.click()
        try:
            expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0, timeout=5000)
            expect(select).to_contain_text(text, timeout=5000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {text!r}")


def click_and_confirm(page, button, url_part: str, method: str):  # type: ignore[no-untyped-def]
    """Click a button guarded by an Ant Design Popconfirm, confirm, and return the request's response. Under
    load the confirm can be clicked while the popover is still opening and be lost (the popover stays open):
    then it is clicked again. A slow answer is waited for, never taken for a lost click."""
    from playwright.sync_api import expect

    button.click()
    pop = page.locator(".ant-popconfirm:visible")
    ok = pop.get_by_role("button", name=re.compile("确\\s*定|OK"))
    ok.wait_for(state="visible")
    with page.expect_response(lambda r: url_part in r.url and r.request.method == method, timeout=60_000) as resp:
        for _ in range(3):
            if pop.count() == 0:
                break
            ok.click()
            try:
                expect(pop).to_have_count(0, timeout=5000)
                break
            except AssertionError:
                continue
    return resp.value


# The 16 chart types of the web app (frontend/src/charts/types).
CHART_TYPES = {"area", "bar", "combo", "funnel", "gauge", "heatmap", "kpi", "line", "map", "pie", "pivot", "radar",
               "scatter", "table", "treemap", "waterfall"}

# non-blank pixels of an element's first canvas (ECharts paints on a 2D canvas; blank = fully transparent)
PAINTED = """(el) => {
  const c = el.querySelector('canvas');
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 16) if (d[i] > 0) n++;
  return n;
}"""


def open_innovation(page, item: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Menu 创新 → `item`, until the address is `path`. A click on the child while the sub-menu is still
    opening (its animation) can be lost under load, leaving the page where it was: clicked again then."""
    from playwright.sync_api import expect

    menu = page.get_by_role("menuitem", name=re.compile("创新"))
    child = page.get_by_role("menuitem", name=item)
    for attempt in range(4):
        if not child.is_visible():
            menu.click()
        child.click()
        try:
            expect(page).to_have_url(re.compile(re.escape(path)), timeout=5000 if attempt < 3 else 30_000)
            return
        except AssertionError:
            if attempt == 3:
                raise


def check_radio(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the radio labelled `name` in the open dialog, again while a click during the dialog's
    opening (or a re-render that reset the choice) leaves it unchosen (a CI flake: Locator.check
    "did not change its state")."""
    radio = page.get_by_role("radio", name=name)
    for _ in range(6):
        try:
            radio.check(timeout=5_000)
        except Exception:  # noqa: BLE001 - playwright's Error/TimeoutError: look again below
            pass
        page.wait_for_timeout(200)
        if radio.is_checked():
            return
    radio.check()
