"""Benchmark: the query throughput of two Shuzhi instances against one (issue 18).

    python benchmarks/two_instances.py [--rows 200000] [--specs 40] [--clients 16] [--duration 20]
                                       [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                                       [--redis redis://127.0.0.1:6379/0]

Bounded and loopback only: needs PostgreSQL and Redis on this machine. It creates two fresh
databases (metadata; data: --rows orders over three regions and a year), starts two real `shuzhi
serve` processes on them with one Redis (a key prefix of its own), saves a direct-mode model on
the data database, and signs in once (the session is valid on both: it lives in the metadata).
Workload: --clients concurrent clients POST /api/v1/query for --duration seconds, each request one
of --specs distinct specs (revenue and order count by region × month, filtered to one month), all
computed once beforehand so the run measures serving (cache hits in the process or in Redis, as
a busy dashboard does), not PostgreSQL. Phase 1 sends every request to instance 1; phase 2 sends
them round-robin to both (what nginx does). Prints requests/s, p50/p95 latency and errors per
phase, and the ratio two / one. Everything it made is dropped at the end.

On a machine with few cores the client, both servers and PostgreSQL share them: the ratio is
then bounded by the cores, not by Shuzhi (2 cores: ~1.3-1.6 expected; see docs/deployment.md).
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
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

HOST = "127.0.0.1"  # loopback only
PASSWORD = "Bench-Admin-Pass-01"
MAX_DURATION = 120.0
MAX_CLIENTS = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def shuzhi() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shuzhi.cli"]


def load(url: str, rows: int) -> None:
    eng = sa.create_engine(url)
    with eng.begin() as c:
        c.execute(sa.text("CREATE TABLE customers (region VARCHAR(16) PRIMARY KEY, manager VARCHAR(32))"))
        c.execute(sa.text("INSERT INTO customers VALUES ('华东', '经理0'), ('华南', '经理1'), ('华北', '经理2')"))
        c.execute(sa.text(
            "CREATE TABLE orders AS SELECT i AS id, (ARRAY['华东','华南','华北'])[1 + i % 3] AS region, "
            "(100 + i % 997)::float8 AS amount, 1 + i % 5 AS qty, DATE '2026-01-01' + (i % 365) AS order_date "
            "FROM generate_series(1, :n) AS i"), {"n": rows})
    eng.dispose()


def model() -> dict:
    return {"name": "bench", "connection": "bench_pg", "datasets": [
        {"name": "orders", "table": "orders", "primary_key": ["id"],
         "fields": [{"name": "id", "type": "integer"}, {"name": "region", "type": "string"},
                    {"name": "amount", "type": "number"}, {"name": "qty", "type": "integer"},
                    {"name": "order_date", "type": "date"}],
         "joins": [{"to": "customers", "on": {"region": "region"}}]},
        {"name": "customers", "table": "customers", "primary_key": ["region"],
         "fields": [{"name": "region", "type": "string"}, {"name": "manager", "type": "string"}]}],
        "metrics": [{"name": "revenue", "label": "销售额", "dataset": "orders", "agg": "sum", "expr": "amount", "time": "order_date"},
                    {"name": "order_count", "label": "订单数", "dataset": "orders", "agg": "count", "time": "order_date"}]}


def specs(n: int) -> list[dict]:
    out = []
    for i in range(n):
        month, managers = 1 + i % 12, ["经理0", "经理1", "经理2"][: 1 + (i // 12) % 3]
        out.append({"model": "bench", "metrics": ["revenue", "order_count"],
                    "dimensions": ["customers.manager", {"name": "day", "field": "orders.order_date", "grain": "day"}],
                    "where": [{"field": "orders.order_date", "op": "between",
                               "values": [f"2026-{month:02d}-01", f"2026-{month:02d}-28"]},
                              {"field": "customers.manager", "op": "in", "values": managers}]})
    return out


def start(env: dict[str, str]) -> tuple[subprocess.Popen, str, Path]:
    home = Path(tempfile.mkdtemp(prefix="shuzhi-bench2-"))
    port = free_port()
    log = open(home / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([*shuzhi(), "serve", "--host", HOST, "--port", str(port)],
                            env={**os.environ, "SHUZHI_HOME": str(home), **env}, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://{HOST}:{port}", home


def wait_up(base: str, proc: subprocess.Popen, home: Path) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit((home / "serve.log").read_text(errors="replace")[-3000:])
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"{base} did not start")


async def phase(bases: list[str], cookies: httpx.Cookies, headers: dict, work: list[dict], clients: int,
                duration: float) -> dict:
    lat: list[float] = []
    errors = 0
    counter = 0
    end = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(cookies=cookies, headers=headers, timeout=30, limits=limits) as client:
        async def one_client(k: int) -> None:
            nonlocal errors, counter
            while time.monotonic() < end:
                counter += 1
                base = bases[counter % len(bases)]
                spec = work[(counter * 7 + k) % len(work)]
                t = time.perf_counter()
                try:
                    r = await client.post(base + "/api/v1/query", json=spec)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    lat.append(time.perf_counter() - t)
                else:
                    errors += 1

        t0 = time.monotonic()
        await asyncio.gather(*(one_client(k) for k in range(clients)))
        took = time.monotonic() - t0
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
    return {"rps": len(lat) / took, "n": len(lat), "errors": errors, "p50": q[49] * 1000, "p95": q[94] * 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--specs", type=int, default=40)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    a = ap.parse_args()
    duration, clients = min(a.duration, MAX_DURATION), max(1, min(a.clients, MAX_CLIENTS))
    for url in (a.pg, a.redis):
        host = sa.engine.make_url(url).host if url.startswith("postgresql") else url.split("//")[1].split(":")[0]
        if host not in ("127.0.0.1", "localhost"):
            sys.exit("loopback only: --pg and --redis must be on 127.0.0.1")
    tag = uuid.uuid4().hex[:8]
    meta_db, data_db, prefix = f"shuzhi_bench2_meta_{tag}", f"shuzhi_bench2_data_{tag}", f"shuzhi_bench2_{tag}"
    admin = sa.create_engine(a.pg, isolation_level="AUTOCOMMIT")
    procs: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        with admin.connect() as c:
            for db in (meta_db, data_db):
                c.execute(sa.text(f'CREATE DATABASE "{db}"'))
        url = sa.engine.make_url(a.pg)
        data_url = url.set(database=data_db).render_as_string(hide_password=False)
        t = time.perf_counter()
        load(data_url, a.rows)
        print(f"data: {a.rows} orders loaded in {time.perf_counter() - t:.1f} s")
        env = {"SHUZHI_METADATA_URL": url.set(database=meta_db).render_as_string(hide_password=False),
               "SHUZHI_REDIS_URL": a.redis, "SHUZHI_REDIS_PREFIX": prefix, "SHUZHI_SECRET_KEY": f"bench-{tag}",
               "SHUZHI_ADMIN_PASSWORD": PASSWORD, "SHUZHI_DIRECT_CACHE_S": "3600",
               "SHUZHI_MAX_CONCURRENT_REQUESTS": str(max(16, clients))}
        procs = [start(env) for _ in range(2)]
        for p, base, home in procs:
            wait_up(base, p, home)
        bases = [b for _, b, _ in procs]
        c = httpx.Client(base_url=bases[0], timeout=60)
        r = c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        r.raise_for_status()
        headers = {"X-CSRF-Token": r.json()["csrf_token"]}
        c.post("/api/v1/connections", headers=headers, json={
            "name": "bench_pg", "kind": "postgresql", "host": url.host, "port": url.port or 5432,
            "database": data_db, "username": url.username, "password": url.password}).raise_for_status()
        r = c.put("/api/v1/models/bench", json=model(), headers=headers)
        if r.status_code != 200:
            sys.exit(r.text)
        work = specs(a.specs)
        for spec in work:  # computed once (then served from the cache of either instance)
            r = c.post("/api/v1/query", json=spec, headers=headers)
            if r.status_code != 200:
                sys.exit(r.text)
        shared = sum(bool(httpx.post(bases[1] + "/api/v1/query", json=spec, headers=headers, cookies=c.cookies,
                                     timeout=60).json().get("cached")) for spec in work)
        print(f"instance 2 answered {shared}/{len(work)} specs from the cache instance 1 filled (Redis)")
        print(f"{len(work)} distinct specs warmed; {clients} clients, {duration:g} s per phase")
        results = {}
        for name, targets in (("one instance", bases[:1]), ("two instances", bases)):
            res = asyncio.run(phase(targets, c.cookies, headers, work, clients, duration))
            results[name] = res
            print(f"{name:14s} {res['rps']:8.1f} req/s  p50 {res['p50']:6.1f} ms  p95 {res['p95']:6.1f} ms  "
                  f"ok {res['n']}  errors {res['errors']}")
        c.close()
        one = results["one instance"]["rps"]
        print(f"ratio two / one: {results['two instances']['rps'] / one:.2f}" if one else "ratio: n/a")
    finally:
        for p, _, home in procs:
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
            shutil.rmtree(home, ignore_errors=True)
        with admin.connect() as c:
            for db in (meta_db, data_db):
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()
        try:
            import redis

            r = redis.Redis.from_url(a.redis)
            keys = list(r.scan_iter(f"{prefix}:*"))
            if keys:
                r.delete(*keys)
            r.close()
        except Exception:  # noqa: BLE001 - cleanup only
            pass


if __name__ == "__main__":
    main()
