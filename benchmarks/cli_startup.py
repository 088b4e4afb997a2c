"""Benchmark: the start-up of every `shuzhi` command, against a bare Python in the same run.

    python benchmarks/cli_startup.py [--reps 5] [--scale 0.02] [--rows 1000000] [--server] [--src DIR]

Builds the demo company (`shuzhi demo --scale 0.02`) into a temporary SHUZHI_HOME and runs each command
--reps times, each in a new process, as the installed `shuzhi` script does. For each command it prints
the median wall and CPU (user + system) time of
- the whole command (help and version are nothing else);
- its start-up alone: the same command in a process that stops as the command's own function is
  entered (Python, the CLI's imports, the check for a running server, argument parsing): target 300 ms;
and the ratio of the start-up to the baselines measured in the same run: `python -c pass` and
`python -c "import duckdb"`. After the table: what each command had loaded by then out of the heavy
libraries (FastAPI, statsforecast, jieba, the question lexicon, SQLAlchemy, pydantic, pyarrow, rich, ...):
importing the CLI and resolving a command must not load FastAPI, statsforecast, jieba or the lexicon.

Then (--rows > 0) `shuzhi import` of a CSV of --rows rows against DuckDB's `CREATE TABLE AS SELECT *
FROM read_csv(...)` of the same file in a new process (import duckdb + connect + read), with the
start-up share. With --server, the same commands once more while `shuzhi serve` runs on the
SHUZHI_HOME (they are sent to it: cli/forward.py): the client's wall and CPU time.
--src measures another source tree (e.g. an older checkout's src/) against the same demo.

Child processes write their bytecode to a temporary PYTHONPYCACHEPREFIX (one untimed run fills it), as
an installed package has its .pyc files. On a loaded machine the wall time also counts waiting for the
CPU; the CPU time is what the command costs. Exit code 1 when a start-up misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0
PASSWORD = "Bench-Pass-001"
SHUZHI = "import sys; from shuzhi.cli import main; sys.argv[0] = 'shuzhi'; sys.exit(main())"
# The same entry point, stopped as the command's own function is entered: typer runs every leaf command
# through TyperCommand.invoke (groups through TyperGroup.invoke, left alone). Writes what was loaded.
PROBE = """
import json, os, sys
import typer.core
WATCH = json.loads(os.environ["BENCH_WATCH"])
def stop(self, ctx):
    with open(os.environ["BENCH_MODULES_OUT"], "w") as f:
        json.dump(sorted(m for m in WATCH if m in sys.modules), f)
    os._exit(0)
typer.core.TyperCommand.invoke = stop
from shuzhi.cli import main
sys.argv[0] = "shuzhi"
sys.exit(main())
"""
# Loaded by none of the start-ups (the first four are checked) / worth knowing about.
FORBIDDEN = ["fastapi", "statsforecast", "jieba", "shuzhi.ai.nl.lexicon"]
WATCH = [*FORBIDDEN, "shuzhi.service.ask_lexicon", "starlette", "uvicorn", "sqlalchemy", "pydantic",
         "pyarrow", "duckdb", "numpy", "pandas", "sqlglot", "rich", "structlog", "yaml", "websockets",
         "shuzhi.runtime", "shuzhi.settings"]


def commands(tmp: Path) -> list[tuple[str, list[str]]]:
    spec = tmp / "spec.json"
    spec.write_text(json.dumps({"metrics": ["revenue"], "dimensions": ["customers.region"]}), encoding="utf-8")
    small = tmp / "small.csv"
    small.write_text("id,name,amount\n" + "".join(f"{i},客户{i % 97},{i * 1.5}\n" for i in range(1000)),
                     encoding="utf-8")
    return [
        ("--help", ["--help"]),
        ("--version", ["--version"]),
        ("import --help", ["import", "--help"]),
        ("query SPEC", ["query", str(spec)]),
        ("query SPEC --format json", ["query", str(spec), "--format", "json"]),
        ("sql SELECT", ["sql", "SELECT count(*) FROM sales_orders"]),
        ("import 1000-row CSV", ["import", str(small), "--table", "bench_small", "--format", "json"]),
        ("ask", ["ask", "各大区的销售额"]),
        ("dashboard list", ["dashboard", "list"]),
        ("model list", ["model", "list"]),
        ("dataset list", ["dataset", "list"]),
        ("user list", ["user", "list"]),
        ("alert list", ["alert", "list"]),
    ]


def run(env: dict[str, str], code: str, args: list[str], *, check: bool = True) -> tuple[float, float]:
    """One new process: (wall ms, CPU ms of user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=tempfile.gettempdir(),
                          capture_output=True, text=True)
    wall = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and done.returncode != 0:
        sys.exit(f"shuzhi {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000


def median_of(env: dict[str, str], code: str, args: list[str], reps: int) -> tuple[float, float]:
    runs = [run(env, code, args) for _ in range(reps)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`shuzhi serve` on a free port, once it has published SHUZHI_HOME/run/server.json and listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen([sys.executable, "-c", SHUZHI, "serve", "--port", str(port)], env=env,
                            cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"shuzhi serve did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5, help="new processes per command and variant")
    ap.add_argument("--scale", type=float, default=0.02, help="demo scale")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the large CSV import (0: skip)")
    ap.add_argument("--server", action="store_true", help="also time the commands sent to a running server")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to measure")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shuzhi-cli-bench-"))
    home = tmp / "home"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": PASSWORD, "SHUZHI_LOG_LEVEL": "WARNING",
                "SHUZHI_LANG": "zh", "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
                "PYTHONPATH": os.pathsep.join([str(args.src.resolve()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
                "BENCH_WATCH": json.dumps(WATCH), "BENCH_MODULES_OUT": str(tmp / "modules.json")})
    t0 = time.perf_counter()
    run(env, SHUZHI, ["demo", "--scale", f"{args.scale:g}"])
    print(f"demo scale {args.scale:g} in {home}: built in {time.perf_counter() - t0:.1f} s; source {args.src}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; medians of {args.reps} new processes")

    run(env, "import duckdb", [])  # fill the bytecode cache
    base_pass = median_of(env, "pass", [], args.reps)
    base_duck = median_of(env, "import duckdb", [], args.reps)
    print(f"baselines: python -c pass {base_pass[0]:.0f} ms (CPU {base_pass[1]:.0f}); "
          f"python -c 'import duckdb' {base_duck[0]:.0f} ms (CPU {base_duck[1]:.0f})\n")
    print(f"{'command':26} {'whole ms':>9} {'CPU':>6} {'start-up':>9} {'CPU':>6} {'/pass':>6} {'/duckdb':>8} "
          f"{'target':>7}")
    loaded: dict[str, list[str]] = {}
    missed = []
    cmds = commands(tmp)
    for label, argv in cmds:
        run(env, SHUZHI, argv)  # untimed: bytecode of everything the command imports
        whole = median_of(env, SHUZHI, argv, args.reps)
        if "--help" in argv or "--version" in argv:
            start = whole
        else:
            start = median_of(env, PROBE, argv, args.reps)
            loaded[label] = json.loads((tmp / "modules.json").read_text(encoding="utf-8"))
        ok = start[0] <= TARGET_MS
        if not ok:
            missed.append(label)
        print(f"{label:26} {whole[0]:9.0f} {whole[1]:6.0f} {start[0]:9.0f} {start[1]:6.0f} "
              f"{start[0] / base_pass[0]:6.1f} {start[0] / base_duck[0]:8.2f} {'OK' if ok else 'OVER':>7}")

    print("\nloaded by the time the command's function is entered (of the libraries watched):")
    bad = []
    for label, mods in loaded.items():
        print(f"  {label:26} {', '.join(mods) or '-'}")
        bad += [f"{label}: {m}" for m in mods if m in FORBIDDEN]
    print(f"FastAPI, statsforecast, jieba, the lexicon at start-up: {'none' if not bad else '; '.join(bad)}")

    if args.rows > 0:
        import duckdb

        big = tmp / "big.csv"
        con = duckdb.connect()
        con.execute(
            "COPY (SELECT range AS id, 'SO' || lpad(range::VARCHAR, 8, '0') AS order_no, "
            "['华东','华南','华北','西南','西北'][range % 5 + 1] AS 地区, '客户' || (range % 997) AS 客户, "
            "(range % 50) + 1 AS 数量, round((range % 10007) * 1.37, 2) AS 销售额, "
            "DATE '2024-01-01' + (range % 700)::INTEGER AS 下单日期 FROM range(?)) TO ? (HEADER)",
            [args.rows, str(big)])
        con.close()
        argv = ["import", str(big), "--table", "bench_big", "--format", "json"]
        reps = min(args.reps, 3)
        whole = median_of(env, SHUZHI, argv, reps)
        start = median_of(env, PROBE, argv, reps)
        raw_code = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                    "c.execute('CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[2]]); c.close()")
        raw = median_of(env, raw_code, [str(tmp / "raw.duckdb"), str(big)], reps)
        print(f"\nimport of a {args.rows:,}-row CSV: shuzhi import {whole[0]:.0f} ms (CPU {whole[1]:.0f}; start-up "
              f"{start[0]:.0f}) vs DuckDB read_csv in a new process {raw[0]:.0f} ms (CPU {raw[1]:.0f}): "
              f"ratio {whole[0] / raw[0]:.2f}× (after start-up {(whole[0] - start[0]) / raw[0]:.2f}×)")

    if args.server:
        proc = start_server(env)
        try:
            print(f"\nwith `shuzhi serve` running (commands sent to it): {'command':26} {'wall ms':>8} {'CPU':>6}")
            for label, argv in cmds:
                if "--help" in argv or "--version" in argv or argv[0] == "import":
                    continue
                run(env, SHUZHI, argv)
                wall, cpu = median_of(env, SHUZHI, argv, args.reps)
                print(f"{'':51}{label:26} {wall:8.0f} {cpu:6.0f}")
        finally:
            proc.terminate()  # the server this benchmark started, by its own handle
            proc.wait(timeout=60)

    print(f"\nstart-up target {TARGET_MS:.0f} ms: {'all OK' if not missed else 'OVER: ' + ', '.join(missed)}")
    sys.exit(1 if missed or bad else 0)


if __name__ == "__main__":
    main()
