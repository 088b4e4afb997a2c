"""Benchmark: a 10-component dashboard (经营驾驶舱: 2 filters, 4 KPIs, 4 charts) rendered to PDF and PNG by
headless Chromium, against the time the same dashboard takes to open in a browser.

    python benchmarks/render_dashboard.py [--scale 1] [--reps 3] [--home DIR] [--dashboard cockpit]

Builds the demo at --scale into a temporary SHUZHI_HOME (or reuses --home), starts the real `shuzhi serve`
and signs in with /usr/bin/chromium (SHUZHI_CHROMIUM). Then, --reps times each (after one warm-up of each):
- open: navigate to the dashboard (already signed in, the browser warm) until the page says
  data-render-ready="1" — every component has its data and every chart has drawn; the baseline;
- pdf / png: POST /api/v1/exports/dashboards/{name} until the file is downloaded — a fresh headless
  Chromium, a render session, the print page, the same readiness signal, then the picture.
Prints the medians and the ratio render / open (what a render costs over a person opening the page:
mostly starting a browser). Performance lives here, never in timed test assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PASSWORD = "Bench-Admin-Pass-01"
CHROMIUM = os.environ.get("SHUZHI_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
READY = '[data-testid="dashboard-view"][data-render-ready="1"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shuzhi() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from shuzhi.cli import main; main()"]


def open_once(page, base: str, name: str) -> float:  # type: ignore[no-untyped-def]
    page.goto(base + "/dashboards")  # leave the dashboard, so the next open starts from nothing
    t0 = time.perf_counter()
    page.goto(f"{base}/dashboards/{name}")
    page.locator(READY).wait_for(timeout=120_000)
    return (time.perf_counter() - t0) * 1000


def render_once(page, base: str, name: str, fmt: str, csrf: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    r = page.request.post(
        f"{base}/api/v1/exports/dashboards/{name}", headers={"X-CSRF-Token": csrf}, data={"format": fmt}
    )
    assert r.status == 202, r.text()
    job = r.json()
    while job["status"] in ("queued", "running"):
        time.sleep(0.1)
        job = page.request.get(f"{base}/api/v1/exports/renders/{job['job_id']}").json()
    assert job["status"] == "succeeded", job
    body = page.request.get(base + job["file_url"]).body()
    return (time.perf_counter() - t0) * 1000, len(body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--home", type=Path, default=None, help="Reuse this SHUZHI_HOME (built if empty).")
    ap.add_argument("--dashboard", default="cockpit")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    home = args.home or Path(tempfile.mkdtemp(prefix="shuzhi-bench-render-"))
    env = {
        **os.environ,
        "SHUZHI_HOME": str(home),
        "SHUZHI_ADMIN_PASSWORD": PASSWORD,
        "SHUZHI_TODAY": os.environ.get("SHUZHI_TODAY", "2026-11-26"),
    }
    t0 = time.perf_counter()
    subprocess.run(
        [*shuzhi(), "demo", "--scale", str(args.scale), "--end", "2026-11-25", "--if-missing"],
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"demo scale {args.scale} ready in {time.perf_counter() - t0:.1f} s ({home})")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*shuzhi(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runs: dict[str, list[float]] = {"open": [], "pdf": [], "png": []}
    sizes: dict[str, int] = {}
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            page = ctx.new_page()
            page.goto(base + "/login")
            page.get_by_label("用户名").fill("admin")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登 录").click()
            page.wait_for_url(base + "/")
            csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
            open_once(page, base, args.dashboard)  # warm-up: caches, the app's code
            for fmt in ("pdf", "png"):
                render_once(page, base, args.dashboard, fmt, csrf)
            for _ in range(args.reps):
                runs["open"].append(open_once(page, base, args.dashboard))
                for fmt in ("pdf", "png"):
                    ms, sizes[fmt] = render_once(page, base, args.dashboard, fmt, csrf)
                    runs[fmt].append(ms)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"\ndashboard {args.dashboard} (10 components), 1280 px, median of {args.reps}")
    print(f"{'':6} {'ms':>8} {'ratio vs open':>14} {'bytes':>10}")
    print(f"{'open':6} {med['open']:8.0f} {1:14.2f} {'':>10}")
    for fmt in ("pdf", "png"):
        print(f"{fmt:6} {med[fmt]:8.0f} {med[fmt] / med['open']:14.2f} {sizes[fmt]:10,d}")


if __name__ == "__main__":
    main()
