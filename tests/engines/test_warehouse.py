"""The embedded warehouse: read-only checks, cursors, and DuckDB errors turned into messages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from shuzhi.engines.warehouse import Warehouse, check_read_only
from shuzhi.errors import ShuzhiError

READ_ONLY = [
    "SELECT 1",
    "select region, count(*) from customers group by 1",
    "WITH a AS (SELECT 1 AS x) SELECT * FROM a",
    "SELECT 1 UNION ALL SELECT 2",
    "(SELECT 1)",
    "DESCRIBE customers",
    "DESCRIBE SELECT 1",
    "SUMMARIZE customers",
    "SHOW TABLES",
    "EXPLAIN SELECT 1",
    "SELECT * FROM range(3)",
    "SELECT 1;",
]
REFUSED = {
    "DELETE FROM customers": "sql_not_read_only",
    "DROP TABLE customers": "sql_not_read_only",
    "CREATE TABLE t AS SELECT 1": "sql_not_read_only",
    "INSERT INTO t VALUES (1)": "sql_not_read_only",
    "UPDATE t SET a = 1": "sql_not_read_only",
    "COPY (SELECT 1) TO '/tmp/x.csv'": "sql_not_read_only",
    "ATTACH '/tmp/other.db'": "sql_not_read_only",
    "PRAGMA version": "sql_not_read_only",
    "SET threads = 1": "sql_not_read_only",
    "INSTALL httpfs": "sql_not_read_only",
    "EXPLAIN ANALYZE DELETE FROM t": "sql_not_read_only",
    "SELECT 1; DROP TABLE customers": "sql_multiple_statements",
    "SELECT * FROM read_csv('/etc/passwd')": "sql_external_access",
    "SELECT * FROM '/etc/passwd'": "sql_external_access",
    'SELECT * FROM "data.parquet"': "sql_external_access",
    "SUMMARIZE SELECT * FROM read_parquet('x.parquet')": "sql_external_access",
    "": "sql_empty",
    "SELEC 1 FROM": "sql_syntax",
}


@pytest.mark.parametrize("sql", READ_ONLY)
def test_read_only_statements_pass(sql: str) -> None:
    assert check_read_only(sql)


@pytest.mark.parametrize(("sql", "code"), REFUSED.items())
def test_writes_and_external_reads_are_refused(sql: str, code: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        check_read_only(sql)
    assert e.value.code == code


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers AS SELECT i AS customer_id, '华东' AS region FROM range(5) t(i)")
    con.close()
    w = Warehouse(path, threads=2).open()
    yield w
    w.close()


def test_run_read_only_returns_arrow_with_params(wh: Warehouse) -> None:
    t = wh.run_read_only("SELECT region, count(*) AS n FROM customers WHERE customer_id < ? GROUP BY 1", [3])
    assert t.to_pylist() == [{"region": "华东", "n": 3}]
    assert wh.tables() == ["customers"]


def test_unknown_table_is_a_clear_error(wh: Warehouse) -> None:
    with pytest.raises(ShuzhiError) as e:
        wh.run_read_only("SELECT * FROM nope")
    assert e.value.code == "sql_unknown_name" and e.value.status == 400


def test_cursors_run_concurrently(wh: Warehouse) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def q() -> None:
        try:
            for _ in range(20):
                results.append(wh.run_read_only("SELECT count(*) AS n FROM customers").column(0)[0].as_py())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=q) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [5] * 80


def test_read_only_open_refuses_writes_itself(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT 1 AS a").close()
    w = Warehouse(path, read_only=True).open()
    with w.cursor() as cur, pytest.raises(duckdb.Error):
        cur.execute("CREATE TABLE u (a INT)")
    with w.cursor() as cur, pytest.raises(duckdb.Error):
        cur.execute("SELECT * FROM read_csv('/etc/hostname')")
    w.close()


def test_missing_file_in_read_only_mode(tmp_path: Path) -> None:
    with pytest.raises(ShuzhiError) as e:
        Warehouse(tmp_path / "none.duckdb", read_only=True).open()
    assert e.value.code == "warehouse_missing"


def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(ShuzhiError) as e:
        Warehouse(path).open()
    assert e.value.code == "warehouse_corrupt"
    assert path.read_bytes() == b"garbage" * 1000


def test_file_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            con.execute("CREATE TABLE IF NOT EXISTS t (a INT)")
            print("ready", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(ShuzhiError) as e:
            Warehouse(path).open()
        assert e.value.code == "warehouse_locked" and e.value.status == 409
        assert str(holder.pid) in e.value.en
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
