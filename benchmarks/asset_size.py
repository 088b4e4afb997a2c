"""Benchmark: what the web app's pages cost to download — the login page and the first dashboard page — served
compressed against the same files uncompressed, and the login page's load time with a cold and a warm cache.

    python benchmarks/asset_size.py [--scale 0.05] [--home DIR] [--dashboard cockpit] [--mbps 5] [--rtt-ms 80]

Builds the demo at --scale into a temporary SHUZHI_HOME (or reuses --home), starts the real `shuzhi serve` (it
serves frontend/dist: build it first, `make web`) and drives /usr/bin/chromium (SHUZHI_CHROMIUM) through the
DevTools protocol, which reports each response's decoded size and its bytes on the wire:
- login page: /login in a fresh browser context (empty cache), until the sign-in button shows;
- dashboard page: signed in, /dashboards/<name> in a fresh context, until data-render-ready="1" (every component
  drew); its static files (JS, CSS, HTML) and its API answers are counted apart.
Each is measured twice in the same run: as a browser sends it (Accept-Encoding: gzip, deflate, br, zstd) and with
no content coding accepted (Accept-Encoding: identity: the server sends the files themselves) — the
baseline. Prints bytes raw and on the wire and the ratio wire / raw-baseline, a per-file table of the login page,
and the login page's load time, cold (empty cache) and warm (a reload: hashed files come from the cache with no
request; index.html revalidates to a 304), over an emulated link of --mbps and --rtt-ms (0: no emulation).
Performance lives here, never in timed test assertions.
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
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "Bench-Admin-Pass-01"
CHROMIUM = os.environ.get("SHUZHI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-quic"]
LOGIN_READY = "button[type=submit]"
DASH_READY = '[data-testid="dashboard-view"][data-render-ready="1"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shuzhi() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from shuzhi.cli import main; main()"]


@dataclass
class Loaded:
    """The responses of one page load, from the DevTools protocol: url → [raw bytes, wire bytes, encoding, status]."""

    files: dict[str, list] = field(default_factory=dict)
    by_id: dict[str, str] = field(default_factory=dict)

    def static(self) -> dict[str, list]:
        return {u: v for u, v in self.files.items() if "/api/" not in u}

    def api(self) -> dict[str, list]:
        return {u: v for u, v in self.files.items() if "/api/" in u}


def watch(page, *, compressed: bool, mbps: float, rtt_ms: float) -> Loaded:  # type: ignore[no-untyped-def]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    if not compressed:  # the baseline: no content coding accepted, the server sends the files themselves
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})
    if mbps > 0:
        bps = mbps * 1_000_000 / 8
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": rtt_ms,
                                                      "downloadThroughput": bps, "uploadThroughput": bps})
    seen = Loaded()

    def on_response(e: dict) -> None:
        r = e["response"]
        url = r["url"].split("?")[0]
        seen.by_id[e["requestId"]] = url
        enc = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("content-encoding", "-")
        seen.files[url] = [0, 0, enc, r["status"]]

    def on_data(e: dict) -> None:
        url = seen.by_id.get(e["requestId"])
        if url in seen.files:
            seen.files[url][0] += e["dataLength"]

    def on_done(e: dict) -> None:
        url = seen.by_id.get(e["requestId"])
        if url in seen.files:
            seen.files[url][1] = int(e["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_done)
    return seen


def login_load(browser, base: str, *, compressed: bool, mbps: float, rtt_ms: float):  # type: ignore[no-untyped-def]
    """Cold then warm load of /login in a fresh context: (cold Loaded, cold ms, warm Loaded, warm ms)."""
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    seen = watch(page, compressed=compressed, mbps=mbps, rtt_ms=rtt_ms)
    t0 = time.perf_counter()
    page.goto(base + "/login")
    page.locator(LOGIN_READY).wait_for(timeout=120_000)
    cold_ms = (time.perf_counter() - t0) * 1000
    page.wait_for_load_state("networkidle")
    cold = Loaded(dict(seen.files))
    seen.files.clear()
    t0 = time.perf_counter()
    page.reload()
    page.locator(LOGIN_READY).wait_for(timeout=120_000)
    warm_ms = (time.perf_counter() - t0) * 1000
    page.wait_for_load_state("networkidle")
    warm = Loaded(dict(seen.files))
    ctx.close()
    return cold, cold_ms, warm, warm_ms


def dashboard_load(browser, base: str, name: str, state: dict, *, compressed: bool) -> Loaded:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(locale="zh-CN", storage_state=state, viewport={"width": 1440, "height": 900})
    page = ctx.new_page()
    seen = watch(page, compressed=compressed, mbps=0, rtt_ms=0)
    page.goto(f"{base}/dashboards/{name}")
    page.locator(DASH_READY).wait_for(timeout=180_000)
    page.wait_for_load_state("networkidle")
    ctx.close()
    return seen


def signed_in_state(browser, base: str) -> dict:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(base + "/")
    state = ctx.storage_state()
    ctx.close()
    return state


def totals(files: dict[str, list]) -> tuple[int, int, int]:
    return sum(v[0] for v in files.values()), sum(v[1] for v in files.values()), len(files)


def row(label: str, base_files: dict[str, list], files: dict[str, list]) -> None:
    raw, wire0, n = totals(base_files)
    _, wire, _ = totals(files)
    print(f"{label:30} {n:6d} {raw:12,d} {wire0:14,d} {wire:12,d} {wire / max(wire0, 1):8.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--home", type=Path, default=None, help="Reuse this SHUZHI_HOME (built if empty).")
    ap.add_argument("--dashboard", default="cockpit")
    ap.add_argument("--mbps", type=float, default=5.0, help="emulated link for the load times (0: none)")
    ap.add_argument("--rtt-ms", type=float, default=80.0)
    ap.add_argument("--reps", type=int, default=3, help="login page loads per mode (median)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    home = args.home or Path(tempfile.mkdtemp(prefix="shuzhi-bench-assets-"))
    env = {**os.environ, "SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": PASSWORD,
           "SHUZHI_TODAY": os.environ.get("SHUZHI_TODAY", "2026-11-26")}
    subprocess.run([*shuzhi(), "demo", "--scale", str(args.scale), "--end", "2026-11-25", "--if-missing"],
                   env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*shuzhi(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            link = dict(mbps=args.mbps, rtt_ms=args.rtt_ms)
            runs = {mode: [login_load(browser, base, compressed=mode == "served", **link) for _ in range(args.reps)]
                    for mode in ("uncompressed", "served")}
            state = signed_in_state(browser, base)
            dash = {mode: dashboard_load(browser, base, args.dashboard, state, compressed=mode == "served")
                    for mode in ("uncompressed", "served")}
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    lb, ls = runs["uncompressed"][0][0], runs["served"][0][0]
    print(f"\n{'bytes':30} {'files':>6} {'raw':>12} {'uncompressed':>14} {'served':>12} {'ratio':>8}")
    print(f"{'':30} {'':6} {'(decoded)':>12} {'(wire, base)':>14} {'(wire)':>12} {'':>8}")
    row("login page (all)", lb.files, ls.files)
    js_css = (".js", ".css")
    row("login page JS+CSS", {u: v for u, v in lb.files.items() if u.endswith(js_css)},
        {u: v for u, v in ls.files.items() if u.endswith(js_css)})
    row(f"dashboard {args.dashboard}: static", dash["uncompressed"].static(), dash["served"].static())
    row(f"dashboard {args.dashboard}: API", dash["uncompressed"].api(), dash["served"].api())
    for mode, files in (("uncompressed", lb.files), ("served", ls.files)):
        print(f"\nlogin page, per file ({mode})")
        for url, (raw, wire, enc, status) in sorted(files.items(), key=lambda kv: -kv[1][0]):
            print(f"  {url.removeprefix(base):52} {status} {enc:6} raw {raw:10,d}  wire {wire:10,d}")
    link_txt = f"{args.mbps:g} Mbit/s, {args.rtt_ms:g} ms RTT" if args.mbps > 0 else "no emulation"
    print(f"\nlogin page load ({link_txt}), median of {args.reps}, ms; warm wire bytes")
    for mode in ("uncompressed", "served"):
        cold = statistics.median(r[1] for r in runs[mode])
        warm = statistics.median(r[3] for r in runs[mode])
        warm_wire = totals(runs[mode][0][2].files)[1]
        print(f"  {mode:13} cold {cold:8.0f}   warm {warm:8.0f}   warm/cold {warm / cold:6.3f}   warm wire {warm_wire:,d} B")


if __name__ == "__main__":
    main()
