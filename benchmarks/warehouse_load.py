"""Load time of N rows into a PostgreSQL warehouse: SqlWarehouse.load() (COPY of CSV text made by pyarrow,
then an atomic swap) against `psql \\copy` of the same CSV file into a plain table.

    PYTHONPATH=src python benchmarks/warehouse_load.py postgresql+psycopg://postgres@127.0.0.1/shuzhi_bench [rows]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy.engine import make_url

from shuzhi.engines.sql_warehouse import SqlWarehouse


def table(n: int) -> pa.Table:
    i = pa.array(range(n), pa.int64())
    return pa.table({"id": i, "region": pc.binary_join_element_wise("r", pc.cast(pc.divide(i, 1000), pa.string()), ""),
                     "amount": pc.multiply(pc.cast(i, pa.float64()), 0.5),
                     "day": pc.cast(pc.add(pc.cast(pc.divide(i, 10_000), pa.int32()), 19_000).cast(pa.int32()), pa.date32())})


def main(url: str, n: int) -> None:
    data = table(n)
    wh = SqlWarehouse(url)
    wh.check()
    t0 = time.perf_counter()
    rows = wh.load("bench_load", data)
    load_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        csv = Path(d) / "rows.csv"
        pacsv.write_csv(data, csv)
        u = make_url(url)
        args = ["psql", "-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
                "-d", u.database or "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*args, "-c", "DROP TABLE IF EXISTS bench_psql; CREATE TABLE bench_psql "
                        "(id BIGINT, region TEXT, amount DOUBLE PRECISION, day DATE)"], check=True)
        t0 = time.perf_counter()
        subprocess.run([*args, "-c", f"\\copy bench_psql FROM '{csv}' CSV HEADER"], check=True)
        psql_s = time.perf_counter() - t0
        subprocess.run([*args, "-c", "DROP TABLE IF EXISTS bench_psql"], check=True)
    wh.drop_table("bench_load")
    wh.close()
    print(f"{rows:,} rows: SqlWarehouse.load {load_s:.2f} s ({rows / load_s:,.0f} rows/s); "
          f"psql \\copy of the CSV {psql_s:.2f} s; ratio {load_s / psql_s:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
