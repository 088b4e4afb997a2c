"""Imports into a real DuckDB warehouse: every format, modes, rejects, atomicity, catalog, events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from shuzhi.catalog import tables as store
from shuzhi.errors import ShuzhiError
from shuzhi.service.imports import ImportOptions, import_file, preview, run_import_inline


def _rows(rt, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with rt.warehouse().cursor() as cur:
        return cur.execute(sql).fetchall()


def _imp(rt, path: Path, **kw):  # type: ignore[no-untyped-def]
    return run_import_inline(rt, path, path.name, ImportOptions(**kw), user="admin")


def test_every_format_imports(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    gbk = _imp(rt, data / "sales_gbk.csv", table="sales")
    assert gbk["rows"] == 100 and gbk["format"] == "csv"
    amount = next(c for c in gbk["columns"] if c["label"] == "销售额")
    assert amount["type"] == "DOUBLE"
    with rt.warehouse().cursor() as cur:
        total = cur.sql("SELECT * FROM sales").aggregate(f'sum("{amount["name"]}")').fetchall()[0][0]
    assert total == pytest.approx(1234.5 * 5050)
    assert _imp(rt, data / "products_utf16.tsv", table="products_u16")["rows"] == 20
    wide = _imp(rt, data / "wide_bom.csv", table="wide")
    assert wide["rows"] == 30 and len(wide["columns"]) == 250 and wide["columns"][0]["name"] == "id"
    for name in ("orders.parquet", "orders.json", "orders.ndjson"):
        r = _imp(rt, data / name, table=name.replace(".", "_"))
        assert r["rows"] == 5 and [c["label"] for c in r["columns"]] == ["id", "客户", "金额", "日期"]
    x = _imp(rt, data / "report.xlsx", table="report")
    assert x["rows"] == 4 and x["totals_rows"] == [9]
    assert _rows(rt, "SELECT count(*) FROM report")[0][0] == 4
    with rt.catalog.session() as db:
        rec = store.get_imported(db, "sales")
        assert rec is not None and rec.imported_by == "admin" and rec.source_file == "sales_gbk.csv"
        assert [c["label"] for c in rec.columns][:3] == ["订单号", "客户", "地区"]


def test_preview_reports_layout_and_types(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    p = preview(rt, data / "sales_gbk.csv", "sales_gbk.csv", ImportOptions())
    assert (p["encoding"], p["delimiter"], p["header_row"], p["table"]) == ("gb18030", ",", 1, "sales_gbk")
    assert [c["type"] for c in p["columns"]] == ["VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DATE"]
    assert p["rows"][0][0] == "SO00001" and len(p["rows"]) == 20
    x = preview(rt, data / "report.xlsx", "report.xlsx", ImportOptions(sheet="说明"))
    assert x["sheet"] == "说明" and [s["name"] for s in x["sheets"]] == ["销售", "说明"]
    assert not rt.settings.warehouse_path.exists()  # previews never open the warehouse


def test_replace_append_upsert(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    events: list[dict] = []
    rt.events.subscribe("data_refreshed", events.append)
    _imp(rt, data / "stock_v1.csv", table="stock")
    assert _rows(rt, "SELECT sku, qty FROM stock ORDER BY sku") == [("A1", 10), ("A2", 20), ("A3", 30)]
    r = _imp(rt, data / "stock_v2.csv", table="stock", mode="append")
    assert r["table_rows"] == 5 and _rows(rt, "SELECT count(*) FROM stock WHERE sku = 'A2'")[0][0] == 2
    _imp(rt, data / "stock_v1.csv", table="stock")  # replace again
    r = _imp(rt, data / "stock_v2.csv", table="stock", mode="upsert", key=["sku"])
    assert (r["updated"], r["inserted"], r["table_rows"]) == (1, 1, 4)
    assert _rows(rt, "SELECT sku, qty FROM stock ORDER BY sku") == [("A1", 10), ("A2", 25), ("A3", 30), ("A4", 40)]
    assert events[-1] == {"tables": ["stock"], "reason": "import"} and len(events) == 4
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "stock_v2.csv", table="stock", mode="upsert", key=["nope"])
    assert e.value.code == "upsert_key_missing"
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "stock_v2.csv", table="stock", mode="upsert")
    assert e.value.code == "upsert_key_missing"
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "orders.parquet", table="stock", mode="append")
    assert e.value.code == "import_schema_mismatch"
    assert _rows(rt, "SELECT count(*) FROM stock")[0][0] == 4


def test_bad_rows_are_reported_with_line_numbers_or_kept(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    opts = {"table": "ship", "columns": [{}, {}, {"type": "BIGINT"}, {}]}
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "shipments_bad.csv", **opts)
    assert e.value.code == "import_bad_rows" and e.value.status == 422
    assert [r["line"] for r in e.value.details["rejects"]] == [6, 9, 12]
    assert "6" in e.value.zh and "6" in e.value.en
    assert "ship" not in rt.warehouse().tables()
    r = _imp(rt, data / "shipments_bad.csv", skip_bad_rows=True, **opts)
    assert (r["rows"], r["rejected"], r["rejects_table"]) == (12, 3, "ship__rejects")
    assert [x[0] for x in _rows(rt, "SELECT DISTINCT line FROM ship__rejects ORDER BY line")] == [6, 9, 12]
    # A type chosen in the preview that some Excel cells cannot take: rows named by Excel row.
    cols = [{}, {}, {}, {}, {"type": "DATE"}]
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "report.xlsx", table="rep", columns=cols)
    assert [r["line"] for r in e.value.details["rejects"]] == [5, 6, 7, 8]


def test_a_failure_after_staging_leaves_the_old_table(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    _imp(rt, data / "stock_v1.csv", table="stock")

    def boom(cur) -> None:  # type: ignore[no-untyped-def]
        assert cur.execute("SELECT count(*) FROM stock").fetchone()[0] == 2  # swapped inside the transaction
        raise RuntimeError("injected after staging")

    with pytest.raises(RuntimeError):
        import_file(rt, data / "stock_v2.csv", "stock_v2.csv", ImportOptions(table="stock"), user="x",
                    before_commit=boom)
    assert _rows(rt, "SELECT sku, qty FROM stock ORDER BY sku") == [("A1", 10), ("A2", 20), ("A3", 30)]
    assert [t for t in rt.warehouse().tables() if t.startswith("_shuzhi")] == []


def test_demo_and_foreign_tables_are_protected(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "stock_v1.csv", table="customers")
    assert e.value.code == "demo_table_protected" and e.value.status == 409
    with rt.warehouse().cursor() as cur:
        cur.execute("CREATE TABLE mine AS SELECT 1 AS x")
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "stock_v1.csv", table="mine")
    assert e.value.code == "table_not_imported"
    assert _imp(rt, data / "stock_v1.csv", table="mine", force=True)["rows"] == 3
    for bad in ("select", "a b", "x__rejects"):
        with pytest.raises(ShuzhiError):
            _imp(rt, data / "stock_v1.csv", table=bad)


def test_bad_inputs(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    for name, code in (("empty.csv", "empty_file"), ("junk.csv", None)):
        with pytest.raises(ShuzhiError) as e:
            _imp(rt, data / name, table="t")
        assert e.value.status < 500 and (code is None or e.value.code == code)
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "report.xlsx", table="t", sheet="没有")
    assert e.value.code == "unknown_sheet"
    with pytest.raises(ShuzhiError) as e:
        _imp(rt, data / "stock_v1.csv", table="t", columns=[{"type": "BLOB; DROP TABLE x"}, {}, {}])
    assert e.value.code == "bad_column_type"


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from shuzhi.runtime import Runtime
from shuzhi.service.imports import ImportOptions, import_file
from shuzhi.settings import get_settings
rt = Runtime(get_settings()); rt.allow_reading(Path(sys.argv[1])); rt.start(with_logging=False)
def hold(cur):  # everything is staged and swapped, nothing committed: the most dangerous moment
    print("staged", cur.execute("SELECT count(*) FROM stock").fetchone()[0], flush=True)
    time.sleep(60)
import_file(rt, Path(sys.argv[1]), "big.csv", ImportOptions(table="stock"), user="x", before_commit=hold)
"""


@pytest.mark.slow
def test_a_killed_import_leaves_the_old_table(rt, data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _imp(rt, data / "stock_v1.csv", table="stock")
    rt.close()
    big = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute("COPY (SELECT 'S' || range AS sku, md5(range::VARCHAR) AS name, range AS qty "
                "FROM range(500000)) TO ? (HEADER)", [str(big)])
    con.close()
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(big)], stdout=subprocess.PIPE, env=os.environ)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"staged 500000"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with duckdb.connect(str(rt.settings.warehouse_path), read_only=True) as check:
        assert check.execute("SELECT sku, qty FROM stock ORDER BY sku").fetchall() == [
            ("A1", 10), ("A2", 20), ("A3", 30)]
        assert check.execute("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_name LIKE '_shuzhi%'").fetchone()[0] == 0


def test_a_cancelled_import_leaves_the_old_table(rt, data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from shuzhi.catalog import jobs as records
    from shuzhi.runtime.jobs import JobCancelled, JobContext

    _imp(rt, data / "stock_v1.csv", table="stock")
    big = tmp_path / "big.csv"
    with duckdb.connect() as con:
        con.execute("COPY (SELECT 'S' || range AS sku, 'x' AS name, range AS qty FROM range(300000)) TO ? (HEADER)",
                    [str(big)])
    with rt.catalog.session() as db:
        job_id = records.create_job(db, "import", "cancel test").id
    ev = threading.Event()
    seen: list[float] = []

    def on_progress(fraction: float, message: str | None) -> None:
        seen.append(fraction)
        if fraction >= 0.3:  # the warehouse load has begun: cancel it
            ev.set()

    with pytest.raises(JobCancelled):
        import_file(rt, big, "big.csv", ImportOptions(table="stock"), user="x",
                    ctx=JobContext(job_id, rt.catalog, ev, on_progress))
    assert seen and seen[0] == 0.0
    assert _rows(rt, "SELECT sku, qty FROM stock ORDER BY sku") == [("A1", 10), ("A2", 20), ("A3", 30)]
