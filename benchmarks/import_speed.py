"""Benchmark: file import speed against the raw readers it is built on.

    python benchmarks/import_speed.py [--rows 1000000] [--xlsx-rows 100000] [--reps 3]

Generates, in a temporary folder, a CSV of --rows rows (8 columns: ids, Chinese text, money, a date)
in UTF-8 and in GBK, and an .xlsx of --xlsx-rows rows (xlsxwriter, constant-memory mode). Then prints
the median time of
- `shuzhi` importing the UTF-8 CSV (detection, staging with rejects checking, atomic swap, catalog)
  vs DuckDB's own `CREATE TABLE AS SELECT * FROM read_csv(...)` of the same file (target ≤ 1.3×);
- importing the GBK CSV (streaming transcode + the same load) vs the same DuckDB baseline;
- importing the XLSX (calamine → Arrow → DuckDB) vs pandas.read_excel with openpyxl (target ≥ 5× faster).
Each baseline is measured in the same run on the same file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _median(fn, reps: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make_csv(path: Path, rows: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(
        "COPY (SELECT range AS id, 'SO' || lpad(range::VARCHAR, 8, '0') AS order_no, "
        "['华东','华南','华北','西南','西北'][range % 5 + 1] AS 地区, '客户' || (range % 997) AS 客户, "
        "['伺服电机','减速机','传感器'][range % 3 + 1] AS 产品线, (range % 50) + 1 AS 数量, "
        "round((range % 10007) * 1.37, 2) AS 销售额, DATE '2024-01-01' + (range % 700)::INTEGER AS 下单日期 "
        "FROM range(?)) TO ? (HEADER)", [rows, str(path)])
    con.close()


def to_gbk(src: Path, dest: Path) -> None:
    with open(src, encoding="utf-8") as fin, open(dest, "w", encoding="gbk", newline="") as fout:
        while chunk := fin.read(4 << 20):
            fout.write(chunk)


def make_xlsx(path: Path, rows: int) -> None:
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("明细")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["订单号", "地区", "客户", "数量", "单价", "销售额", "下单日期", "备注"])
    regions = ["华东", "华南", "华北", "西南"]
    base = dt.datetime(2024, 1, 1)
    for i in range(1, rows + 1):
        ws.write_string(i, 0, f"SO{i:08d}")
        ws.write_string(i, 1, regions[i % 4])
        ws.write_string(i, 2, f"客户{i % 997}")
        ws.write_number(i, 3, i % 50 + 1)
        ws.write_number(i, 4, (i % 1000) * 1.5)
        ws.write_number(i, 5, (i % 10007) * 1.37)
        ws.write_datetime(i, 6, base + dt.timedelta(days=i % 700), date)
        ws.write_string(i, 7, "加急" if i % 10 == 0 else "")
    wb.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shuzhi-import-bench-"))
    os.environ["SHUZHI_HOME"] = str(tmp / "home")
    os.environ.setdefault("SHUZHI_ADMIN_PASSWORD", "Bench-Passw0rd!")
    import duckdb

    from shuzhi.runtime import Runtime
    from shuzhi.service.imports import ImportOptions, run_import_inline
    from shuzhi.settings import get_settings

    csv, gbk, xlsx = tmp / "sales.csv", tmp / "sales_gbk.csv", tmp / "sales.xlsx"
    t0 = time.perf_counter()
    make_csv(csv, args.rows)
    to_gbk(csv, gbk)
    make_xlsx(xlsx, args.xlsx_rows)
    print(f"generated {args.rows:,}-row CSV ({csv.stat().st_size / 1e6:.0f} MB), GBK copy, "
          f"{args.xlsx_rows:,}-row XLSX ({xlsx.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")

    rt = Runtime(get_settings())
    rt.start(with_logging=False)
    threads = rt.settings.duckdb_threads

    def raw_duckdb() -> None:
        db = tmp / "raw.duckdb"
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        con = duckdb.connect(str(db), config={"threads": threads})
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
        con.close()

    def shuzhi(path: Path, table: str):  # type: ignore[no-untyped-def]
        return lambda: run_import_inline(rt, path, path.name, ImportOptions(table=table, force=True), user="bench")

    def pandas_openpyxl() -> None:
        import pandas as pd

        pd.read_excel(xlsx, engine="openpyxl")

    results = []
    raw = _median(raw_duckdb, args.reps)
    ours = _median(shuzhi(csv, "bench_csv"), args.reps)
    results.append(("CSV UTF-8", ours, "DuckDB read_csv", raw, ours / raw, "≤ 1.30×"))
    ours_gbk = _median(shuzhi(gbk, "bench_gbk"), args.reps)
    results.append(("CSV GBK", ours_gbk, "DuckDB read_csv (UTF-8 file)", raw, ours_gbk / raw, "(transcode + load)"))
    ours_x = _median(shuzhi(xlsx, "bench_xlsx"), args.reps)
    pd_x = _median(pandas_openpyxl, 1 if args.xlsx_rows >= 50_000 else args.reps)
    results.append(("XLSX", ours_x, "pandas.read_excel (openpyxl)", pd_x, pd_x / ours_x, "≥ 5× faster"))
    rt.close()

    print(f"{'file':<10} {'shuzhi s':>9}   {'baseline':<30} {'base s':>8}  {'ratio':>7}  target")
    for name, s, base_name, b, ratio, target in results:
        label = f"{ratio:.2f}×" if name != "XLSX" else f"{ratio:.1f}× faster"
        print(f"{name:<10} {s:>9.2f}   {base_name:<30} {b:>8.2f}  {label:>7}  {target}")
    csv_ok = results[0][4] <= 1.3
    xlsx_ok = results[2][4] >= 5
    print(f"CSV within 1.3× of raw DuckDB: {'yes' if csv_ok else 'NO'}; XLSX ≥ 5× faster than pandas+openpyxl: "
          f"{'yes' if xlsx_ok else 'NO'}")
    sys.exit(0)


if __name__ == "__main__":
    main()
