"""Benchmark: many viewers opening the 经营驾驶舱 (cockpit) dashboard at once.

    python benchmarks/load.py [--viewers 10,50,100,200] [--duration 60] [--scale 1] [--workers 1]
                              [--home DIR] [--users 4] [--timeout 30]

Bounded and loopback only: builds the demo at --scale into a temporary SHUZHI_HOME (or reuses
--home), starts the real `shuzhi serve --host 127.0.0.1` on a free port, creates --users viewer
accounts and logs in one session (cookie + CSRF, as the web app does) per simulated viewer. For
each viewer count, every viewer replays one cockpit view in a loop for --duration seconds (each
request has a --timeout), then the run waits for the views in flight and moves on; the server is
stopped at the end. One view is the 7 requests the web app makes when /dashboards/cockpit opens:
GET /auth/me, /inbox?unread=true&limit=1 and /models, then together POST /dashboards/cockpit/data,
GET /dashboards/cockpit?view=true, /models/huajing and /fields/customers.region/values.

Prints per viewer count: views and views/s, view latency p50/p95/p99 (a view is OK when all 7
requests answer 200), the requests by status (503 = shed by the admission queue, "timeout" /
"conn:<error>" = no answer), the slowest /health answer during the run and one view made right after the
burst (does the server recover at once?). Baseline measured in the same run: the median latency of
a single viewer's view on the idle server (warm); ratio = view p50 under load / baseline.
Target (2 cores): 100 viewers with 0 errors and view p99 < 2 s; 200 degrade with 503s only, /health
answers throughout and the view after the burst succeeds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # loopback only: this benchmark never talks to another machine
PASSWORD = "Bench-Admin-Pass-01"
VIEWER_PASSWORD = "Bench-Viewer-Pass-01"
MAX_VIEWERS = 500
MAX_DURATION = 600.0
FIRST = [("GET", "/auth/me"), ("GET", "/inbox?unread=true&limit=1"), ("GET", "/models")]
THEN = [("POST", "/dashboards/{d}/data"), ("GET", "/dashboards/{d}?view=true"), ("GET", "/models/huajing"),
        ("GET", "/fields/customers.region/values?limit=200")]
DATA_BODY = {"filters": {}, "cross": [], "drill": {}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def shuzhi() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shuzhi.cli"]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


class Viewer:
    def __init__(self, base: str, timeout: float) -> None:
        self.client = httpx.AsyncClient(base_url=base + "/api/v1", timeout=timeout,
                                        limits=httpx.Limits(max_connections=6, max_keepalive_connections=6))
        self.csrf = ""

    async def login(self, username: str, password: str) -> None:
        r = await self.client.post("/auth/login", json={"username": username, "password": password})
        r.raise_for_status()
        self.csrf = r.json()["csrf_token"]

    async def request(self, method: str, path: str, dashboard: str) -> str:
        """The status of one request as text ("200", "503", "timeout", "conn")."""
        path = path.format(d=dashboard)
        try:
            if method == "POST":
                r = await self.client.post(path, json=DATA_BODY, headers={"X-CSRF-Token": self.csrf})
            else:
                r = await self.client.get(path)
            await r.aread()
            return str(r.status_code)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.TransportError as exc:
            return f"conn:{type(exc).__name__}"

    async def view(self, dashboard: str) -> tuple[float, list[str]]:
        t0 = time.perf_counter()
        first = await asyncio.gather(*(self.request(m, p, dashboard) for m, p in FIRST))
        then = await asyncio.gather(*(self.request(m, p, dashboard) for m, p in THEN))
        return time.perf_counter() - t0, [*first, *then]


async def probe_health(base: str, stop: asyncio.Event, out: list[float]) -> None:
    """Once a second: how long /health takes (inf when it does not answer 200 within 5 s)."""
    async with httpx.AsyncClient(base_url=base, timeout=5.0) as c:
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = await c.get("/api/v1/health")
                out.append(time.perf_counter() - t0 if r.status_code == 200 else float("inf"))
            except httpx.HTTPError:
                out.append(float("inf"))
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except TimeoutError:
                pass


async def run_level(viewers: list[Viewer], dashboard: str, duration: float, base: str) -> dict:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    failed_views = 0
    deadline = time.perf_counter() + duration
    stop = asyncio.Event()
    health: list[float] = []
    prober = asyncio.create_task(probe_health(base, stop, health))

    async def loop(v: Viewer) -> None:
        nonlocal failed_views
        while time.perf_counter() < deadline:
            dt, codes = await v.view(dashboard)
            statuses.update(codes)
            if all(c == "200" for c in codes):
                latencies.append(dt)
            else:
                failed_views += 1
                await asyncio.sleep(0.5)  # a browser shows the error; the viewer retries a little later

    t0 = time.perf_counter()
    await asyncio.gather(*(loop(v) for v in viewers))
    elapsed = time.perf_counter() - t0
    stop.set()
    await prober
    after_dt, after = await viewers[0].view(dashboard)  # right after the burst
    return {"n": len(viewers), "views": len(latencies), "failed": failed_views, "rate": len(latencies) / elapsed,
            "p50": pct(latencies, 50), "p95": pct(latencies, 95), "p99": pct(latencies, 99), "statuses": statuses,
            "health_max": max(health) if health else float("nan"),
            "after": "ok" if all(c == "200" for c in after) else ",".join(sorted(set(after))), "after_s": after_dt}


async def bench(base: str, args: argparse.Namespace, counts: list[int]) -> tuple[float, list[dict]]:
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=30) as admin:
        r = await admin.post("/auth/login", json={"username": "admin", "password": PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        for i in range(args.users):
            r = await admin.post("/users", headers=csrf, json={"username": f"bench_viewer_{i}",
                                                               "password": VIEWER_PASSWORD, "role": "viewer"})
            if r.status_code not in (201, 409):
                r.raise_for_status()
    viewers = [Viewer(base, args.timeout) for _ in range(max(counts))]
    sem = asyncio.Semaphore(4)

    async def login(i: int, v: Viewer) -> None:
        async with sem:
            await v.login(f"bench_viewer_{i % args.users}", VIEWER_PASSWORD)

    t0 = time.perf_counter()
    await asyncio.gather(*(login(i, v) for i, v in enumerate(viewers)))
    print(f"{len(viewers)} viewer sessions logged in ({time.perf_counter() - t0:.1f} s)")
    try:
        for _ in range(2):
            await viewers[0].view(args.dashboard)  # warm the caches
        baseline = statistics.median([(await viewers[0].view(args.dashboard))[0] for _ in range(5)])
        print(f"baseline: one viewer's view on the idle server, median of 5: {baseline * 1000:.0f} ms")
        rows = []
        for n in counts:
            row = await run_level(viewers[:n], args.dashboard, args.duration, base)
            print(f"  {n} viewers: {row['views']} views, {dict(row['statuses'])}", flush=True)
            rows.append(row)
            await asyncio.sleep(2)
        return baseline, rows
    finally:
        await asyncio.gather(*(v.client.aclose() for v in viewers))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--viewers", default="10,50,100,200", help="Comma-separated viewer counts (each ≤ 500).")
    ap.add_argument("--duration", type=float, default=60.0, help="Seconds per viewer count (≤ 600).")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=None, help="`shuzhi serve --workers` (default: the server's).")
    ap.add_argument("--users", type=int, default=4, help="Viewer accounts the sessions are spread over.")
    ap.add_argument("--timeout", type=float, default=30.0, help="Seconds before a request counts as 'timeout'.")
    ap.add_argument("--dashboard", default="cockpit")
    ap.add_argument("--home", type=Path, default=None, help="Reuse this SHUZHI_HOME (built if empty).")
    args = ap.parse_args()
    counts = [int(x) for x in args.viewers.split(",") if x.strip()]
    if not counts or min(counts) < 1 or max(counts) > MAX_VIEWERS or not 0 < args.duration <= MAX_DURATION:
        ap.error(f"viewer counts must be 1..{MAX_VIEWERS} and --duration 0..{MAX_DURATION:g} s")

    home = args.home or Path(tempfile.mkdtemp(prefix="shuzhi-bench-load-"))
    env = {**os.environ, "SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": PASSWORD,
           "SHUZHI_TODAY": os.environ.get("SHUZHI_TODAY", "2026-11-26")}
    subprocess.run([*shuzhi(), "demo", "--scale", str(args.scale), "--end", "2026-11-25", "--if-missing"], env=env,
                   check=True, capture_output=True)
    port = free_port()
    base = f"http://{HOST}:{port}"
    cmd = [*shuzhi(), "serve", "--host", HOST, "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    log = (home / "bench-load-server.log").open("w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        baseline, rows = asyncio.run(bench(base, args, counts))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    pool_errors = (home / "bench-load-server.log").read_text(errors="replace").count("QueuePool limit")
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)

    print(f"\ncockpit views, demo scale {args.scale}, {args.duration:g} s per row, {os.cpu_count()} CPUs, "
          f"server workers: {args.workers or 'default'}; baseline (one idle view) {baseline * 1000:.0f} ms")
    print(f"{'viewers':>7} {'views':>6} {'views/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'p50/base':>8} "
          f"{'failed':>6} {'health max ms':>13} {'after':>10}  requests by status")
    for r in rows:
        st = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        print(f"{r['n']:7d} {r['views']:6d} {r['rate']:8.1f} {r['p50'] * 1000:7.0f} {r['p95'] * 1000:7.0f} "
              f"{r['p99'] * 1000:7.0f} {r['p50'] / baseline:8.1f} {r['failed']:6d} {r['health_max'] * 1000:13.0f} "
              f"{r['after']:>10}  {st}")
    print(f"'QueuePool limit' errors in the server log: {pool_errors}")


if __name__ == "__main__":
    main()
