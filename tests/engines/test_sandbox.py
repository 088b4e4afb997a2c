"""The sandboxed warehouse (issue 12, finding 1 and the admin-SQL half of finding 6).

Two independent barriers: DuckDB itself refuses files, URLs, ATTACH and extensions (tested here
with raw cursors, no SQL check in between), and model / admin SQL is refused before it runs
(model/sql_guard.py). Admin SQL streams with row, byte and time caps.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from shuzhi.engines.import_sources import scratch_connection
from shuzhi.engines.sandbox import sandboxed_connect
from shuzhi.engines.warehouse import Warehouse, check_read_only
from shuzhi.errors import ShuzhiError
from shuzhi.model.formula import parse_formula
from shuzhi.model.sql_guard import dataset_query


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    (h / "uploads").mkdir(parents=True)
    (h / "meta.db").write_text("SHUZHI_SECRET_IN_META")
    (h / "uploads" / "ok.csv").write_text("a,b\n1,2\n")
    duckdb.connect(str(h / "warehouse.duckdb")).execute(
        "CREATE TABLE t AS SELECT range AS i FROM range(5)").close()
    return h


@pytest.fixture
def wh(home: Path):  # type: ignore[no-untyped-def]
    w = Warehouse(home / "warehouse.duckdb", memory_limit="1GB", threads=2, allowed_dirs=[home / "uploads"]).open()
    yield w
    w.close()


ESCAPES = {
    "/etc/passwd": "SELECT content FROM read_text('/etc/passwd')",
    "environ": "SELECT content FROM read_text('/proc/self/environ')",
    "glob": "SELECT * FROM glob('/*')",
    "meta.db": "SELECT content FROM read_text('{home}/meta.db')",
    "csv in cwd": "SELECT * FROM read_csv('{cwd}/secret.csv')",
    "replacement scan": "SELECT * FROM '{cwd}/secret.csv'",
    "http": "SELECT content FROM read_text('http://127.0.0.1:9/x')",
    "attach": "ATTACH '{home}/other.duckdb' AS other",
    "copy to": "COPY (SELECT 1) TO '{home}/out.csv'",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "re-enable": "SET enable_external_access = true",
    "widen": "SET allowed_directories = ['/']",
    "memory": "SET memory_limit = '100GB'",
    "autoload": "SET autoinstall_known_extensions = true",
}


@pytest.mark.parametrize("name", ESCAPES)
def test_duckdb_itself_refuses_reaching_outside(wh: Warehouse, home: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Raw cursors on the warehouse (no sqlglot check in between) still cannot read or change anything."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.csv").write_text("k\nSHUZHI_SECRET_IN_CWD\n")
    sql = ESCAPES[name].format(home=home, cwd=tmp_path)
    started = time.monotonic()
    with wh.cursor() as cur, pytest.raises(duckdb.Error) as e:
        cur.execute(sql).fetchall()
    assert "SHUZHI_SECRET" not in str(e.value)
    assert time.monotonic() - started < 5  # no network attempt, no extension download
    assert not (home / "out.csv").exists() and not (home / "other.duckdb").exists()


def test_no_extension_was_installed_or_loaded(wh: Warehouse) -> None:
    with wh.cursor() as cur, pytest.raises(duckdb.Error):
        cur.execute("SELECT content FROM read_text('https://example.com/x')").fetchall()
    with wh.cursor() as cur:
        # httpfs registers the s3_* settings when loaded
        assert cur.execute("SELECT count(*) FROM duckdb_settings() WHERE name = 's3_region'").fetchone() == (0,)


def test_allowed_directory_and_arrow_still_work(wh: Warehouse, home: Path) -> None:
    with wh.cursor() as cur:
        assert cur.read_csv(str(home / "uploads" / "ok.csv")).fetchall() == [(1, 2)]
        assert cur.execute("SELECT * FROM read_csv(?)", [str(home / "uploads" / "ok.csv")]).fetchall() == [(1, 2)]
        with pytest.raises(duckdb.Error):  # no escaping the folder with ..
            cur.execute("SELECT * FROM read_text(?)", [f"{home}/uploads/../meta.db"]).fetchall()
        assert cur.from_arrow(pa.table({"x": [1, 2]})).aggregate("sum(x)").fetchall() == [(3,)]
        data = pa.table({"y": [5]})  # noqa: F841 - what a replacement scan would find by name
        with pytest.raises(duckdb.Error):
            cur.sql("SELECT * FROM data").fetchall()
        cur.register("v", pa.table({"y": [5]}))
        assert cur.sql("SELECT y FROM v").fetchall() == [(5,)]
    with wh.job_cursor() as cur:  # jobs may write and report progress
        cur.execute("CREATE TABLE u AS SELECT 1 AS a")
        assert cur.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (True,)


def test_scratch_connection_reads_only_its_file(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine.csv", tmp_path / "other.csv"
    mine.write_text("a\n1\n")
    other.write_text("a\n2\n")
    con = scratch_connection(paths=[mine])
    try:
        assert con.read_csv(str(mine)).fetchall() == [(1,)]
        for sql, params in (("SELECT * FROM read_csv(?)", [str(other)]),
                            ("SELECT * FROM read_text('/etc/passwd')", None), ("SET enable_external_access = true", None)):
            with pytest.raises(duckdb.Error):
                con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_one_configuration_per_file(home: Path) -> None:
    """A process that opened its warehouse sandboxed cannot open it again unsandboxed."""
    con = sandboxed_connect(home / "warehouse.duckdb")
    try:
        with pytest.raises(duckdb.Error):
            duckdb.connect(str(home / "warehouse.duckdb")).execute("SELECT content FROM read_text('/etc/passwd')")
    finally:
        con.close()


# -- model SQL: refused before it runs ------------------------------------------------------

REFUSED_DATASET_SQL = [
    "SELECT content FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM read_csv_auto('x.csv')",
    "SELECT * FROM read_parquet(['a.parquet'])",
    "SELECT * FROM parquet_scan('a.parquet')",
    "SELECT * FROM sniff_csv('x.csv')",
    "SELECT * FROM query('SELECT 1')",
    "SELECT * FROM query_table('t')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'x.csv'",
    'SELECT * FROM "data.parquet"',
    "SELECT * FROM t JOIN LATERAL read_text(t.path) r ON true",
    "SELECT (SELECT content FROM read_text('/etc/passwd')) AS c",
    "WITH x AS (SELECT * FROM read_json('x.json')) SELECT * FROM x",
    "SELECT * FROM t UNION ALL SELECT * FROM read_ndjson_objects('x')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM iceberg_scan('s3://b/x')",
    "SELECT getenv('HOME')",
    "SELECT read_text('/etc/passwd')",
]


@pytest.mark.parametrize("sql", REFUSED_DATASET_SQL)
def test_dataset_sql_reaching_outside_is_refused(sql: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        dataset_query(sql)
    assert e.value.code == "dataset_sql_external" and e.value.status == 400
    assert e.value.zh and e.value.en


@pytest.mark.parametrize("sql", [
    "SELECT region, sum(amount) AS amount FROM sales s JOIN customers c USING (customer_id) GROUP BY 1",
    "SELECT range AS day FROM range(10)",
    "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-12-31', INTERVAL 1 DAY) g(d)",
    "SELECT unnest(['a', 'b']) AS k",
    "SELECT * FROM unnest([1, 2])",
    "WITH a AS (SELECT 1 AS x) SELECT x FROM a",
    "SELECT key, value FROM json_each('{\"a\": 1}')",
    "SELECT * FROM main.sales",
])
def test_ordinary_dataset_sql_passes(sql: str) -> None:
    assert dataset_query(sql) is not None


@pytest.mark.parametrize(("sql", "code"), [
    ("DELETE FROM t", "dataset_sql_not_select"),
    ("COPY t TO 'x.csv'", "dataset_sql_not_select"),
    ("ATTACH 'x.db'", "dataset_sql_not_select"),
    ("SELECT 1; SELECT 2", "dataset_sql_not_select"),
    ("SELEC 1 FROM", "dataset_sql_syntax"),
])
def test_dataset_sql_other_refusals(sql: str, code: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        dataset_query(sql)
    assert e.value.code == code


@pytest.mark.parametrize("text", ["read_text('/etc/passwd')", "GLOB('/*')", "query('select 1')",
                                  "SUM((SELECT 1 FROM read_csv('x')))"])
def test_formulas_cannot_call_table_functions(text: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        parse_formula(text, allow_aggregates=True)
    assert e.value.code in ("formula_not_allowed", "formula_syntax")


# -- admin SQL: read-only, sandboxed, bounded -------------------------------------------------

@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_text('/etc/passwd')", "SELECT * FROM glob('/*')", "SELECT * FROM 'secret.csv'",
    "SELECT * FROM \"secret.csv\"", "SELECT * FROM query('DROP TABLE t')", "DESCRIBE 'secret.csv'",
    "SELECT * FROM read_text('http://127.0.0.1:9/x')", "SELECT * FROM json_execute_serialized_sql('x')",
])
def test_admin_sql_reaching_outside_is_refused(sql: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        check_read_only(sql)
    assert e.value.code in ("sql_external_access", "sql_not_read_only")


def test_admin_sql_may_inspect_the_catalog(wh: Warehouse) -> None:
    assert wh.read_query("SELECT table_name FROM duckdb_tables()").table.column(0).to_pylist() == ["t"]
    assert wh.read_query("SUMMARIZE t").table.num_rows == 1


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_huge_result_is_streamed_up_to_the_cap(wh: Warehouse) -> None:
    before = _rss_mb()
    started = time.monotonic()
    res = wh.read_query("SELECT * FROM range(10000000000)", max_rows=1000, timeout_s=30)
    elapsed = time.monotonic() - started
    assert res.truncated and res.table.num_rows == 1000 and res.table.column(0)[999].as_py() == 999
    assert elapsed < 10, elapsed
    assert _rss_mb() - before < 300
    wide = wh.read_query("SELECT repeat('x', 10000) AS s FROM range(100000)", max_rows=100_000, max_bytes=1_000_000)
    assert wide.truncated and 0 < wide.table.num_rows < 1000 and wide.table.nbytes < 1_500_000
    small = wh.read_query("SELECT * FROM t", max_rows=5)
    assert not small.truncated and small.table.num_rows == 5


def test_slow_admin_query_is_cancelled(wh: Warehouse) -> None:
    started = time.monotonic()
    with pytest.raises(ShuzhiError) as e:
        wh.read_query("SELECT count(*) FROM range(1000000000) a, range(1000) b", timeout_s=0.5)
    assert e.value.code == "query_timeout" and e.value.status == 504
    assert time.monotonic() - started < 10
    assert wh.read_query("SELECT count(*) FROM t").table.column(0)[0].as_py() == 5  # the cursor was freed

