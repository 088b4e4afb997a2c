"""Benchmark: load the 经营驾驶舱 (cockpit) dashboard in headless Chromium, cold and warm.

    python benchmarks/dashboard_load.py [--scale 20] [--reps 3] [--home DIR] [--dashboard cockpit]

Builds the demo at --scale into a temporary SHUZHI_HOME (or reuses --home when it already has the
demo), starts the real `shuzhi serve`, logs in with /usr/bin/chromium (SHUZHI_CHROMIUM) and, for a
cold load (first after the server starts: empty result cache) and --reps warm loads, prints:
- the time from navigation until every component has painted (each chart's canvas or table rows,
  every KPI's number), measured in the page with performance.now();
- the number of API requests the load made, against the number of components (target: fewer
  requests than components — the batch endpoint answers all of them in one);
- the baseline measured in the same run: the duration of the one POST /dashboards/{key}/data
  request, and the ratio paint time / data request (what the browser adds on top of the data).
Targets: cold ≤ 2 s, warm ≤ 0.5 s.
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
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# Resolves when every component tile shows its data; returns ms since navigation start.
PAINTED = """() => new Promise((resolve) => {
  const check = () => {
    const view = document.querySelector('[data-testid=dashboard-view]');
    if (view && view.getAttribute('data-loading') === '0') {
      const tiles = [...document.querySelectorAll('.dash-tile-chart, .dash-tile-kpi')];
      const ok = tiles.length > 0 && tiles.every((t) => t.querySelector('canvas, tbody tr, .ant-empty, .ant-alert')
        && (!t.classList.contains('dash-tile-kpi') || /\\d/.test(t.querySelector('.kpi-tile-value')?.textContent || '')));
      if (ok) return resolve(performance.now());
    }
    requestAnimationFrame(check);
  };
  check();
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shuzhi() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shuzhi.cli"]


def load_once(page, base: str, name: str) -> dict:  # type: ignore[no-untyped-def]
    """Navigate (client-side) from the dashboard list to the dashboard; time until every component painted."""
    requests: list[str] = []
    timings: dict[str, float] = {}

    def on_req(r):  # type: ignore[no-untyped-def]
        if "/api/v1/" in r.url:
            requests.append(r.url)

    def on_done(r):  # type: ignore[no-untyped-def]
        if r.url.endswith(f"/dashboards/{name}/data"):
            timings["data"] = r.timing["responseEnd"] - r.timing["requestStart"]

    page.goto(base + "/dashboards")  # start from the list, as a user does, once its requests are done
    page.wait_for_selector(f"[data-testid=dashboard-card-{name}]")
    page.wait_for_load_state("networkidle")
    page.on("request", on_req)
    page.on("requestfinished", on_done)
    start = page.evaluate("() => performance.now()")
    page.evaluate(f"() => {{ window.history.pushState({{}}, '', '/dashboards/{name}'); "
                  "window.dispatchEvent(new PopStateEvent('popstate')); }")
    painted = page.evaluate(PAINTED)
    page.wait_for_timeout(300)
    page.remove_listener("request", on_req)
    page.remove_listener("requestfinished", on_done)
    return {"ms": painted - start, "requests": len(requests), "data_ms": timings.get("data", float("nan")),
            "components": page.locator(".dash-tile-chart, .dash-tile-kpi").count(),
            "urls": sorted({u.split("/api/v1/")[1].split("?")[0] for u in requests})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--home", type=Path, default=None, help="Reuse this SHUZHI_HOME (built if empty).")
    ap.add_argument("--dashboard", default="cockpit")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    home = args.home or Path(tempfile.mkdtemp(prefix="shuzhi-bench-dash-"))
    env = {**os.environ, "SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": PASSWORD,
           "SHUZHI_TODAY": os.environ.get("SHUZHI_TODAY", "2026-11-26")}
    t0 = time.perf_counter()
    subprocess.run([*shuzhi(), "demo", "--scale", str(args.scale), "--end", "2026-11-25", "--if-missing"], env=env,
                   check=True, capture_output=True)
    print(f"demo scale {args.scale} ready in {time.perf_counter() - t0:.1f} s ({home})")
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
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/login")
            page.get_by_label("用户名").fill("admin")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登 录").click()
            page.wait_for_url(base + "/")
            page.wait_for_load_state("networkidle")
            runs = [load_once(page, base, args.dashboard) for _ in range(1 + args.reps)]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    cold, warm = runs[0], runs[1:]
    warm_ms = statistics.median(r["ms"] for r in warm)
    warm_data = statistics.median(r["data_ms"] for r in warm)
    print(f"\ndashboard {args.dashboard}: {cold['components']} chart and KPI components")
    print(f"{'':8} {'painted (ms)':>13} {'data req (ms)':>14} {'ratio':>7} {'API requests':>13}  target")
    print(f"{'cold':8} {cold['ms']:13.0f} {cold['data_ms']:14.0f} {cold['ms'] / cold['data_ms']:7.2f} "
          f"{cold['requests']:13d}  ≤ 2000 ms")
    print(f"{'warm':8} {warm_ms:13.0f} {warm_data:14.0f} {warm_ms / warm_data:7.2f} "
          f"{statistics.median(r['requests'] for r in warm):13.0f}  ≤ 500 ms")
    print(f"requests of the cold load: {', '.join(cold['urls'])}")
    print(f"requests ≤ components: {cold['requests'] <= cold['components']}")


if __name__ == "__main__":
    main()
