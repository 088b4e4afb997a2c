"""build_demo: determinism, atomic replacement, argument validation, progress and scale."""

# ruff: noqa: S608  (table names in the SQL come from DEMO_TABLES)

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from demo_helpers import END, SCALE, SEED, TODAY

import shuzhi.demo.crm
from shuzhi.demo import DEMO_TABLES, GROUND_TRUTH_TABLE, DemoReport, build_demo, demo_anomalies
from shuzhi.errors import ShuzhiError

ALL_TABLES = (*DEMO_TABLES, GROUND_TRUTH_TABLE)


def snapshot(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = ALL_TABLES) -> dict[str, pa.Table]:
    """Every table as Arrow, in stored order."""
    return {t: con.sql(f"SELECT * FROM {t}").to_arrow_table() for t in tables}


def digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def build(path: Path, **kw: object) -> DemoReport:
    args: dict[str, object] = {"scale": SCALE, "seed": SEED, "end": END, "today": TODAY} | kw
    con = duckdb.connect(str(path))
    try:
        if "threads" in kw:
            con.execute(f"SET threads = {args.pop('threads')}")
        return build_demo(con, **args)  # type: ignore[arg-type]
    finally:
        con.close()


# -- determinism -----------------------------------------------------------------------------------


def test_same_arguments_give_identical_tables(demo_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    build(again, threads=1)  # a different thread count must not matter either
    with duckdb.connect(str(demo_path), read_only=True) as a, duckdb.connect(str(again), read_only=True) as b:
        first, second = snapshot(a), snapshot(b)
    for t in ALL_TABLES:
        assert first[t].schema == second[t].schema, t
        assert digest(first[t]) == digest(second[t]), t


def test_different_seed_gives_different_data(demo_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    build(other, seed=SEED + 1, scale=0.02)
    with duckdb.connect(str(demo_path), read_only=True) as a, duckdb.connect(str(other), read_only=True) as b:
        for t in (
            "customers",
            "products",
            "suppliers",
            "rd_projects",
            "patents",
            "industry_patents",
        ):  # not scaled below 1: compare directly
            assert digest(snapshot(a, (t,))[t]) != digest(snapshot(b, (t,))[t]), t
        assert demo_anomalies(a) != demo_anomalies(b)


# -- atomicity ---------------------------------------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("injected failure")


def test_failure_midway_leaves_previous_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.duckdb"
    build(path, scale=0.02, seed=1)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE my_notes AS SELECT 1 AS id, '老板的备注' AS note")
        before = snapshot(con, (*ALL_TABLES, "my_notes"))
        # crm runs after customers, products, suppliers, sales and production were re-created.
        monkeypatch.setattr(shuzhi.demo.crm, "generate", _boom)
        with pytest.raises(RuntimeError, match="injected failure"):
            build_demo(con, scale=0.03, seed=2, end=date(2025, 6, 30), today=TODAY)
        after = snapshot(con, (*ALL_TABLES, "my_notes"))
        for t, table in before.items():
            assert table.equals(after[t]), t
        # The connection is usable and not left inside a transaction.
        con.execute("CREATE TABLE after_failure AS SELECT 1 AS x")
        assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)


def test_interrupt_on_empty_database_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "fresh.duckdb"

    def interrupt(step: str, done: int, total: int) -> None:
        if step == "sales_orders" and done > 10:
            raise KeyboardInterrupt

    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE keep_me (x INTEGER)")
        with pytest.raises(KeyboardInterrupt):
            build_demo(con, scale=0.02, seed=3, end=END, today=TODAY, progress=interrupt)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert tables == {"keep_me"}


def test_rebuild_replaces_demo_and_keeps_other_tables(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    build(path, scale=0.02, seed=1)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE my_notes AS SELECT 42 AS id")
        con.execute("SET preserve_insertion_order = false")
        report = build_demo(con, scale=0.02, seed=5, end=date(2025, 12, 31), today=TODAY)
        assert con.execute("SELECT * FROM my_notes").fetchall() == [(42,)]
        assert con.execute("SELECT max(order_date) FROM sales_orders").fetchone()[0] <= date(2025, 12, 31)
        assert con.execute("SELECT count(*) FROM sales_orders").fetchone()[0] == report.rows["sales_orders"]
        assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (False,)
        # A month-end `end` has a snapshot for its own month.
        assert con.execute("SELECT max(snapshot_date) FROM inventory_snapshots").fetchone()[0] == date(
            2025, 12, 31
        )


def test_anomalies_need_a_demo(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        with pytest.raises(ShuzhiError) as err:
            demo_anomalies(con)
    assert err.value.code == "demo_not_built" and err.value.status == 404


def test_open_transaction_is_refused(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        con.execute("BEGIN TRANSACTION")
        with pytest.raises(ShuzhiError) as err:
            build_demo(con, scale=0.01, seed=1, end=END, today=TODAY)
        assert err.value.code == "transaction_open"


# -- validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"scale": -1}, "bad_scale"),
        ({"scale": 0}, "bad_scale"),
        ({"scale": 100.5}, "bad_scale"),
        ({"scale": float("nan")}, "bad_scale"),
        ({"scale": "1"}, "bad_scale"),
        ({"scale": True}, "bad_scale"),
        ({"seed": -1}, "bad_seed"),
        ({"seed": 1.5}, "bad_seed"),
        ({"seed": False}, "bad_seed"),
        ({"end": date(2026, 11, 2)}, "end_in_future"),
        ({"end": "2027-01-01"}, "end_in_future"),
        ({"end": date(1999, 12, 31)}, "bad_end"),
        ({"end": "2026-02-30"}, "bad_end"),
        ({"end": 20260101}, "bad_end"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], code: str) -> None:
    args: dict[str, object] = {"scale": 1.0, "seed": 1, "end": END, "today": TODAY} | kwargs
    # con=None proves validation happens before the database is touched.
    with pytest.raises(ShuzhiError) as err:
        build_demo(None, **args)  # type: ignore[arg-type]
    assert err.value.code == code
    assert err.value.zh and err.value.en and err.value.status == 400


def test_accepted_argument_forms(tmp_path: Path) -> None:
    report = build(tmp_path / "a.duckdb", scale=0.001, seed=0, end="2000-01-01", today=date(2000, 1, 1))
    assert report.end == date(2000, 1, 1) and report.scale == 0.001 and report.seed == 0
    report = build(tmp_path / "b.duckdb", scale=0.001, seed=np.int64(3), end=datetime(2026, 11, 1, 8, 30))
    assert report.end == TODAY and report.seed == 3 and type(report.seed) is int


def test_default_end_is_yesterday(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "d.duckdb")) as con:
        report = build_demo(con, scale=0.001, seed=1, today=date(2026, 3, 1))
    assert report.end == date(2026, 2, 28)


# -- report and progress ---------------------------------------------------------------------------


def test_report_and_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    with duckdb.connect(str(tmp_path / "p.duckdb")) as con:
        report = build_demo(
            con, scale=0.01, seed=1, end=END, today=TODAY, progress=lambda *a: calls.append(a)
        )
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DEMO_TABLES}
    assert report.rows == counts and list(report.rows) == list(DEMO_TABLES)
    assert report.total_rows == sum(counts.values()) and report.seconds > 0
    total = calls[0][2]
    assert [c[1] for c in calls] == list(range(1, total + 1)) and all(c[2] == total for c in calls)
    assert calls[-1][0] == "commit" and {c[0] for c in calls} >= set(DEMO_TABLES)


@pytest.mark.slow
def test_scale_one(tmp_path: Path) -> None:
    report = build(tmp_path / "s1.duckdb", scale=1.0, seed=42)
    rows = report.rows
    assert 480_000 <= rows["sales_orders"] <= 520_000
    assert 20_000 <= rows["production_orders"] <= 50_000
    assert rows["production_orders"] <= rows["quality_inspections"] <= 2 * rows["production_orders"]
    assert 1_000 <= rows["opportunities"] <= 10_000 and 100 <= rows["patents"] <= 999
    assert rows["customers"] == 2000 and 60 <= rows["products"] <= 100 and rows["suppliers"] == 60
    assert report.seconds < 60
