"""Benchmark: memory and time of a 1M-row query export, streamed, against holding the answer.

    python benchmarks/export_stream.py [--scale 2.2] [--rows 1000000] [--xlsx-rows 100000]

Builds the demo at --scale (about 500,000 order lines per 1.0) in a temporary SHUZHI_HOME, then answers
one QuerySpec of order lines (order, line, date, region, channel, revenue; `limit` --rows) through the
query pipeline as the system user, each measurement in a fresh process (peak RSS is per process):
- `drain`: the query alone, its batches read and dropped: DuckDB's own memory for the query (a GROUP BY
  of a million groups), which every way of exporting pays;
- `csv`:  service.query_export streaming CSV to a file (Arrow batches of 65,536 rows);
- `hold`: the baseline, the same spec through service.query (the whole Arrow table in memory, as
  POST /query does) encoded by results.encoders.to_csv — what an export that holds the result costs;
- `xlsx`: the streamed XLSX writer for --xlsx-rows rows (openpyxl write-only; slower per row).
Prints rows, seconds, peak RSS (MB) above the process's start (after imports and opening the
runtime), and the ratio of the streamed export's peak to the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SPEC = {"metrics": ["revenue"],
        "dimensions": ["sales_orders.order_id", "sales_orders.line_no", "sales_orders.order_date",
                       "customers.region", "sales_orders.channel"]}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """Samples the resident set every 10 ms (ru_maxrss cannot be reset after the imports)."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakRss:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, _rss_mb())


def measure(kind: str, rows: int, out_dir: Path) -> dict[str, float]:
    from shuzhi.runtime import Runtime
    from shuzhi.service.query import query
    from shuzhi.service.query_export import export_query_to_file
    from shuzhi.settings import get_settings
    from shuzhi.spec.resolve import UserContext

    rt = Runtime(get_settings())
    rt.start()
    spec = {**SPEC, "limit": rows}
    user = UserContext.system()
    base = _rss_mb()
    t0 = time.perf_counter()
    with PeakRss() as peak:
        if kind == "drain":  # the query alone: its batches read and dropped (DuckDB's own work and memory)
            from shuzhi.service.executor import Executor

            _, batches = Executor.open(rt, user, purpose="export").stream(spec)
            n = sum(b.num_rows for b in batches)
        elif kind == "hold":
            from shuzhi.results.encoders import to_csv

            result = query(rt, spec, user, purpose="export", use_cache=False)
            text = to_csv(result.table)
            (out_dir / "hold.csv").write_text(text, encoding="utf-8-sig")
            n = result.table.num_rows
        else:
            _, n = export_query_to_file(rt, spec, user, kind, out_dir / f"stream.{kind}")
    seconds = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in out_dir.iterdir())
    rt.close()
    return {"rows": n, "seconds": round(seconds, 2), "peak_mb": round(peak.peak - base, 1),
            "base_mb": round(base, 1), "file_mb": round(size / 2**20, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=2.2)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--measure", choices=["csv", "xlsx", "hold", "drain"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure, a.rows, Path(a.out))))
        return

    home = tempfile.mkdtemp(prefix="shuzhi-bench-export-")
    env = {**os.environ, "SHUZHI_HOME": home, "SHUZHI_TODAY": "2026-11-26", "SHUZHI_ADMIN_PASSWORD": "Bench-Export-2026"}
    exe = Path(sys.executable).with_name("shuzhi")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from shuzhi.cli import main; main()"]
    t0 = time.perf_counter()
    subprocess.run([*cmd, "demo", "--scale", str(a.scale), "--end", "2026-10-31"], env=env, check=True,
                   capture_output=True)
    print(f"demo --scale {a.scale}: {time.perf_counter() - t0:.1f} s")
    results = {}
    for kind, rows in (("drain", a.rows), ("csv", a.rows), ("hold", a.rows), ("xlsx", a.xlsx_rows)):
        out = Path(tempfile.mkdtemp(prefix=f"shuzhi-bench-{kind}-"))
        p = subprocess.run([sys.executable, __file__, "--measure", kind, "--rows", str(rows), "--out", str(out)],
                           env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        results[kind] = json.loads(p.stdout.strip().splitlines()[-1])
        r = results[kind]
        print(f"{kind:5} {r['rows']:>9,} rows  {r['seconds']:7.2f} s  peak RSS +{r['peak_mb']:7.1f} MB "
              f"(process at start {r['base_mb']:.0f} MB)  file {r['file_mb']:.1f} MB")
    ratio = results["csv"]["peak_mb"] / max(results["hold"]["peak_mb"], 0.1)
    print(f"streamed CSV above the query alone: {results['csv']['peak_mb'] - results['drain']['peak_mb']:+.1f} MB")
    print(f"streamed CSV peak / held-result peak: {ratio:.2f}  "
          f"(time ratio {results['csv']['seconds'] / max(results['hold']['seconds'], 0.01):.2f})")


if __name__ == "__main__":
    main()
