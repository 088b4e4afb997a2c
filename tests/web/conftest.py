"""Fixtures of the web end-to-end tests (the harness itself is tests/web/e2e_harness.py).

`server` is per test module, so each file's changes (imports, dashboards, metrics) stay its own;
`browser` is one Chromium per test module (each test opens its own context): Playwright's sync API keeps
an event loop current while it is open, so a session-wide browser would break `asyncio.run()` in any
other test the same xdist worker runs later.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_harness import ARGS, CHROMIUM, require_browser, running_server

# Waits, not timings: on a shared 2-core machine running the other xdist worker beside the browser, a
# page can take several seconds to settle, so assertions wait up to 20 s (Playwright's default: 5 s).
try:
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
except ImportError:  # the tests skip without Playwright (require_browser says why)
    pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
