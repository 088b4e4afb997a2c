"""Benchmark: build the demo company at several scales and report speed and linearity.

    python benchmarks/demo_build.py --scales 1,5 --seed 42

Each scale is built in a fresh child process into a temporary DuckDB file (so peak memory is
measured per build). Prints seconds, total rows, rows/second, sales_orders rows and peak RSS
per scale, then the scaling ratio of the largest to the smallest build (linear = the ratio of
the scales, e.g. "t5/t1 = 4.6 (linear = 5.0)").
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path


def child(scale: float, seed: int, end: date, path: str) -> None:
    import duckdb

    from shuzhi.demo import build_demo

    con = duckdb.connect(path)
    report = build_demo(con, scale=scale, seed=seed, end=end, today=end)
    con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(
        json.dumps(
            {
                "seconds": report.seconds,
                "total_rows": report.total_rows,
                "sales_orders": report.rows["sales_orders"],
                "peak_mb": peak_mb,
                "file_mb": Path(path).stat().st_size / 2**20,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,5", help="comma-separated scales (default 1,5)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 25))
    ap.add_argument("--child", nargs=2, metavar=("SCALE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(float(args.child[0]), args.seed, args.end, args.child[1])
        return

    scales = [float(s) for s in args.scales.split(",")]
    results: dict[float, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            path = str(Path(tmp) / f"demo_{scale:g}.duckdb")
            cmd = [
                sys.executable,
                __file__,
                "--seed",
                str(args.seed),
                "--end",
                args.end.isoformat(),
                "--child",
                str(scale),
                path,
            ]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            results[scale] = r
            print(
                f"scale {scale:g}: {r['seconds']:.2f} s, {r['total_rows']:,} rows, "
                f"{r['total_rows'] / r['seconds']:,.0f} rows/s, sales_orders {r['sales_orders']:,}, "
                f"peak RSS {r['peak_mb']:,.0f} MB, file {r['file_mb']:,.0f} MB",
                flush=True,
            )
    if len(scales) >= 2:
        lo, hi = min(scales), max(scales)
        ratio = results[hi]["seconds"] / results[lo]["seconds"]
        print(f"scaling ratio t{hi:g}/t{lo:g} = {ratio:.2f} (linear = {hi / lo:.1f})")


if __name__ == "__main__":
    main()
