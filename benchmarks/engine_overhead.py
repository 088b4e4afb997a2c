"""Benchmark: the semantic layer on each warehouse engine — DuckDB (embedded), PostgreSQL and Spark
(SHUZHI_WAREHOUSE_URL) — against the same engine running the compiled SQL directly.

    python benchmarks/engine_overhead.py [--scale 2] [--reps 5] [--engines duckdb,postgres,spark]
        [--pg postgresql+psycopg://postgres@127.0.0.1/postgres] [--spark sc://host:15002]

For each engine: builds the demo there at --scale (scale 2 ≈ 1 million order lines), then for the five
benchmark queries of benchmarks/query_overhead.py prints the median of `service.query.query` with the
result cache off (resolve + compile from the compile cache + run + wrap; what every request pays beyond
the engine) and the median of the same SQL on the same engine object directly (the baseline, measured in
the same run, interleaved), and their ratio. PostgreSQL gets a throw-away database on --pg's server.
Spark: --spark names a running Spark Connect server; without it one is started with pyspark's own script
(needs `make spark`) and stopped at the end. Loopback only; the databases it makes are dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_overhead import QUERIES  # noqa: E402

FIVE = list(QUERIES)[:5]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def pg_database(server_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"shuzhi_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def spark_server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.origin or not shutil.which("java"):
        sys.exit("Spark needs pyspark[connect] and java (make spark), or --spark sc://host:port")
    home = Path(spec.origin).parent
    work = Path(tempfile.mkdtemp(prefix="shuzhi-bench-spark-"))
    port = free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(work / "logs"), "SPARK_PID_DIR": str(work),
           "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    cmd = ["bash", str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master", "local[2]",
           "--driver-memory", "2g", "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
           "--conf", f"spark.connect.grpc.binding.port={port}", "--conf", "spark.ui.enabled=false",
           "--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}", "--conf", "spark.sql.shuffle.partitions=2",
           "--conf", "spark.sql.session.timeZone=UTC"]
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("the Spark Connect server did not start")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def run_engine(name: str, warehouse_url: str | None, scale: float, reps: int) -> list[float]:
    """Build the demo on one engine and time the five queries; returns the ratios."""
    home = Path(tempfile.mkdtemp(prefix=f"shuzhi-bench-{name}-"))
    env = {"SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": "Bench-Pass-001", "SHUZHI_TODAY": "2026-11-26",
           "SHUZHI_LOG_LEVEL": "WARNING", "SHUZHI_QUERY_TIMEOUT_S": "600"}
    os.environ.update(env)
    os.environ.pop("SHUZHI_WAREHOUSE_URL", None)
    if warehouse_url:
        os.environ["SHUZHI_WAREHOUSE_URL"] = warehouse_url
    from shuzhi.settings import get_settings

    get_settings.cache_clear()
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "shuzhi", "demo", "--scale", f"{scale:g}", "--end", "2026-11-25"],
                   check=True, capture_output=True, env={**os.environ})
    built = time.perf_counter() - t0

    from shuzhi.runtime import Runtime
    from shuzhi.service import plan_query
    from shuzhi.service.executor import Executor
    from shuzhi.service.query import query
    from shuzhi.spec.resolve import UserContext

    rt = Runtime(get_settings())
    rt.start(with_logging=False, create_admin=False)
    user = UserContext.system()
    ex = Executor.open(rt, user, purpose="api")
    engine, _ = ex.engine()
    today = rt.settings.today_date()
    print(f"\n{name}: demo scale {scale:g} built in {built:.1f} s ({engine.dialect})")
    print(f"{'query':34} {'raw ms':>9} {'shuzhi ms':>10} {'ratio':>6}")
    ratios = []
    for q in FIVE:
        spec = QUERIES[q]
        sql = plan_query(spec, ex.index, user, today, engine.dialect).sql
        engine.execute(sql), query(rt, spec, user, use_cache=False)  # warm both (buffers, JIT, plans)
        raws, ours = [], []
        for _ in range(reps):  # interleaved, so noise hits both alike
            s0 = time.perf_counter()
            engine.execute(sql)
            raws.append(time.perf_counter() - s0)
            s0 = time.perf_counter()
            query(rt, spec, user, use_cache=False)
            ours.append(time.perf_counter() - s0)
        r, o = statistics.median(raws) * 1000, statistics.median(ours) * 1000
        ratios.append(o / r)
        print(f"{q:34} {r:9.1f} {o:10.1f} {o / r:6.2f}")
    print(f"{name}: median ratio {statistics.median(ratios):.2f}")
    rt.close()
    shutil.rmtree(home, ignore_errors=True)
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=2.0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--engines", default="duckdb,postgres,spark")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    ap.add_argument("--spark", default=None)
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    summary: dict[str, float] = {}
    for name in engines:
        if name == "duckdb":
            summary[name] = statistics.median(run_engine(name, None, args.scale, args.reps))
        elif name == "postgres":
            with pg_database(args.pg) as url:
                summary[name] = statistics.median(run_engine(name, url, args.scale, args.reps))
        elif name == "spark":
            with spark_server(args.spark) as url:
                summary[name] = statistics.median(run_engine(name, url, args.scale, args.reps))
        else:
            sys.exit(f"unknown engine {name} (duckdb, postgres, spark)")
    print("\n" + "  ".join(f"{k}: median ratio {v:.2f}" for k, v in summary.items()), f"(at {dt.date.today()})")


if __name__ == "__main__":
    main()
