"""The upgrade of imported column names on a SHUZHI_HOME written by the code before issue 14
(tests/data/legacy_home): hashed columns get their header text, and everything keeps answering."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuzhi.catalog import tables as store
from shuzhi.catalog.semantic import get_model
from shuzhi.engines.column_renames import table_columns
from shuzhi.service import datasets as ds_service
from shuzhi.service.imports import ImportOptions, run_import_inline
from shuzhi.service.name_migration import upgrade_column_names
from shuzhi.service.query import query
from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import TEST_PASSWORD

LEGACY = Path(__file__).resolve().parents[1] / "data" / "legacy_home"
BIG_ORDERS = ["c_a4f3e8", "c_0f8499", "c_343743", "order_id", "qty", "double_amount", "c_9cffb5"]


@pytest.fixture
def old_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHUZHI_ADMIN_PASSWORD", TEST_PASSWORD)
    get_settings.cache_clear()
    home = get_settings().home
    home.mkdir(parents=True, exist_ok=True)
    with tarfile.open(LEGACY / "home-before-issue14.tar.gz") as tar:
        tar.extractall(home, filter="data")
    return home


@pytest.fixture
def rt(old_home: Path) -> Iterator:  # type: ignore[type-arg]
    from shuzhi.runtime import Runtime

    runtime = Runtime(get_settings())
    runtime.allow_reading(LEGACY)
    runtime.start(with_logging=False)
    wire(runtime)  # the upgrade runs on start
    yield runtime
    runtime.close()


def test_old_imports_are_upgraded_and_keep_answering(rt) -> None:  # type: ignore[no-untyped-def]
    wh = rt.warehouse()
    assert table_columns(wh, "orders") == ["订单号", "客户编号", "订单金额", "Order ID", "qty"]
    assert table_columns(wh, "customers_x") == ["客户编号", "客户名称"]
    with rt.catalog.session() as db:
        assert [c["name"] for c in store.get_imported(db, "orders").columns] == table_columns(wh, "orders")
        model, version = get_model(db)
        assert version == 4  # one new version (the old home had 3), written by the upgrade
        orders = next(d for d in model.datasets if d.name == "orders")
        assert {f.name: f.column for f in orders.fields}["c_343743"] == "订单金额"  # field names stay
    system = UserContext.system()
    # What the old model, its SQL dataset and the dashboard ask keeps working, by the old field names ...
    assert query(rt, {"metrics": ["c1_amount", "sql_amount"]}, system).rows == [[350, 390]]
    by_customer = query(rt, {"metrics": ["orders__c_343743"], "dimensions": ["orders.c_0f8499"],
                             "order_by": [{"field": "orders.c_0f8499"}]}, system)
    assert by_customer.rows == [["C1", 350], ["C2", 40]]
    # ... and the header text is now the column's name, in SQL and in the model.
    assert query(rt, {"metrics": ["orders__c_343743"], "dimensions": ["orders.客户编号"]}, system).rows
    with wh.cursor() as cur:
        assert cur.execute('SELECT "订单号" FROM orders ORDER BY 1').fetchall()[0] == ("SO1",)
    with rt.catalog.session() as db:  # the self-service dataset gives the same columns and rows as before
        pv = ds_service.preview(rt, db, ds_service.store.get_dataset(db, "big_orders").definition)
        assert [c["name"] for c in pv["columns"]] == BIG_ORDERS
        assert sorted(r[0] for r in pv["rows"]) == ["SO1", "SO2"] and pv["rows"][0][-1] == "华东机械"
    assert upgrade_column_names(rt).tables == {}  # idempotent: nothing left to do


def test_a_new_file_appends_to_an_upgraded_table(rt) -> None:  # type: ignore[no-untyped-def]
    out = run_import_inline(rt, LEGACY / "orders.csv", "orders.csv", ImportOptions(table="orders", mode="append"),
                            user="admin")
    assert out["table_rows"] == 6
    # A new import whose column a user renamed in the preview to what the old rule made stays as named.
    cols = [{"name": "order_no"}, {}, {}, {"name": "order_id"}, {}]
    run_import_inline(rt, LEGACY / "orders.csv", "orders.csv", ImportOptions(table="fresh", columns=cols), user="admin")
    assert upgrade_column_names(rt).tables == {}
    assert table_columns(rt.warehouse(), "fresh") == ["order_no", "客户编号", "订单金额", "order_id", "qty"]


def test_dry_run_changes_nothing(old_home: Path) -> None:
    from shuzhi.runtime import Runtime

    runtime = Runtime(get_settings())
    runtime.start(with_logging=False)  # not wired: no upgrade on start
    try:
        report = upgrade_column_names(runtime, dry_run=True)
        assert report.tables["orders"][0] == ("c_a4f3e8", "订单号") and ("order_id", "Order ID") in report.tables["orders"]
        assert table_columns(runtime.warehouse(), "orders")[0] == "c_a4f3e8"
        done = upgrade_column_names(runtime)
        assert done.models == ["m"] and done.datasets == ["big_orders"] and done.needs_attention == []
    finally:
        runtime.close()
