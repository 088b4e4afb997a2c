"""SparkWarehouse (engines/spark_warehouse.py) on a local Spark Connect server (tests/spark_server.py): the
ExternalWarehouse contract — check, loads that replace a table whole, listing without Shuzhi's own tables,
a data version shared by every process on the warehouse, writes, drops, timeouts and bilingual errors."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator

import pyarrow as pa
import pytest

from shuzhi.engines.external import ExternalWarehouse
from shuzhi.engines.spark_warehouse import SparkWarehouse, parse_url
from shuzhi.errors import ShuzhiError
from shuzhi_testing import free_port, unique_name
from spark_server import SPARK_GROUP

pytestmark = [SPARK_GROUP, pytest.mark.slow]


@pytest.fixture(scope="module")
def database(spark_url: str) -> Iterator[str]:
    """A database of this module's own, so its tables never meet the golden suite's."""
    name = unique_name("shuzhi_wh")
    admin = SparkWarehouse(spark_url)
    admin.execute_write(f"CREATE DATABASE {name}")
    yield name
    admin.execute_write(f"DROP DATABASE IF EXISTS {name} CASCADE")
    admin.close()


@pytest.fixture()
def wh(spark_url: str, database: str) -> Iterator[SparkWarehouse]:
    w = SparkWarehouse(f"{spark_url}/;database={database}", timeout_s=60)
    yield w
    w.close()


def test_the_url_names_host_port_and_database() -> None:
    assert parse_url("sc://spark.example:15002/;token=abc;database=bi") == (
        "spark.example", 15002, "sc://spark.example:15002/;token=abc", "bi")
    assert parse_url("sc://h")[1] == 15002
    with pytest.raises(ShuzhiError) as err:
        parse_url("http://h:15002")
    assert err.value.code == "warehouse_url_invalid"


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark is not installed")
def test_an_unreachable_server_is_a_bilingual_error_at_check() -> None:
    w = SparkWarehouse(f"sc://127.0.0.1:{free_port()}")
    with pytest.raises(ShuzhiError) as err:
        w.check()
    assert err.value.code == "engine_unavailable" and err.value.status == 503
    assert "Spark Connect" in err.value.en and "Spark Connect" in err.value.zh


def test_load_replaces_the_table_whole(wh: SparkWarehouse) -> None:
    wanted = [n for n in (*vars(ExternalWarehouse), *ExternalWarehouse.__annotations__) if not n.startswith("_")]
    assert [n for n in wanted if not hasattr(wh, n)] == []  # the protocol's shape
    wh.check()
    first = pa.table({"id": [1, 2, 3], "day": [dt.date(2026, 1, d) for d in (1, 2, 3)], "name": ["甲", "乙", None],
                      "amount": [1.5, 2.5, None]})
    assert wh.load("orders", first) == 3
    assert wh.has_table("orders") and not wh.has_table("nope")
    assert wh.columns("orders") == [("id", "bigint"), ("day", "date"), ("name", "string"), ("amount", "double")]
    got = wh.engine().execute("SELECT id, day, name, amount FROM orders ORDER BY id")
    assert got.to_pylist()[1] == {"id": 2, "day": dt.date(2026, 1, 2), "name": "乙", "amount": 2.5}
    reader = pa.RecordBatchReader.from_batches(pa.schema([("k", pa.string())]),
                                               [pa.record_batch({"k": ["x"]}), pa.record_batch({"k": ["y"]})])
    assert wh.load("orders", reader) == 2
    assert wh.columns("orders") == [("k", "string")]
    assert sorted(wh.engine().execute("SELECT k FROM orders").column("k").to_pylist()) == ["x", "y"]
    assert wh.tables() == ["orders"]  # no stage, old or bookkeeping tables


def test_a_failed_load_leaves_the_table_as_it_was(wh: SparkWarehouse) -> None:
    wh.load("kept", pa.table({"a": [1]}))
    bad = pa.table([[1], [2]], names=["a", "a"])  # the server refuses to write it (a column twice)
    with pytest.raises(ShuzhiError) as err:
        wh.load("kept", bad)
    assert err.value.code == "query_failed"
    assert wh.engine().execute("SELECT a FROM kept").to_pylist() == [{"a": 1}]
    assert "kept" in wh.tables() and not [t for t in wh.tables() if t.startswith("_shuzhi")]


def test_the_data_version_is_shared_through_the_warehouse(wh: SparkWarehouse, spark_url: str,
                                                          database: str) -> None:
    other = SparkWarehouse(f"{spark_url}/;database={database}")  # another Shuzhi process on the same Spark
    try:
        before = other.data_version()
        wh.load("versioned", pa.table({"a": [1]}))
        other._version = None  # past its one-second memory
        after_load = other.data_version()
        assert after_load != before
        wh.drop_table("versioned")
        other._version = None
        assert other.data_version() not in (before, after_load)
        assert not wh.has_table("versioned")
        wh.load("shared", pa.table({"a": [1]}))
        assert other.engine().execute("SELECT a FROM shared").to_pylist() == [{"a": 1}]
        wh.load("shared", pa.table({"a": [2, 3]}))  # replaced by the other process
        other._version = None
        other.data_version()  # what the executor asks before a query: it refreshes what moved
        assert sorted(other.engine().execute("SELECT a FROM shared").column(0).to_pylist()) == [2, 3]
    finally:
        other.close()


def test_writes_streams_and_errors(wh: SparkWarehouse) -> None:
    wh.load("base", pa.table({"n": list(range(10))}))
    wh.execute_write("CREATE TABLE derived USING parquet AS SELECT n * 2 AS m FROM base")
    assert wh.columns("derived") == [("m", "bigint")]
    batches = list(wh.engine().stream("SELECT m FROM derived ORDER BY m", batch_size=4))
    assert all(b.num_rows <= 4 for b in batches)
    assert [v for b in batches for v in b.column(0).to_pylist()] == list(range(0, 20, 2))
    assert wh.engine().execute("SELECT m FROM derived ORDER BY m", max_rows=3).column(0).to_pylist() == [0, 2, 4]
    with pytest.raises(ShuzhiError) as err:
        wh.engine().execute("SELECT * FROM no_such_table")
    assert err.value.code == "query_failed" and "no_such_table" in err.value.en and "JVM" not in err.value.en
    with pytest.raises(ShuzhiError) as err:
        wh.load("订单", pa.table({"a": [1]}))
    assert err.value.code == "bad_table_name"
    wh.drop_table("derived")
    assert not wh.has_table("derived")


def test_a_long_query_is_interrupted_at_the_timeout(wh: SparkWarehouse) -> None:
    with pytest.raises(ShuzhiError) as err:
        wh.engine().execute("SELECT count(*) FROM range(1000000000000) a", timeout_s=1.5)
    assert err.value.code == "query_timeout" and err.value.status == 504
    with pytest.raises(ShuzhiError) as err:
        list(wh.engine().stream("SELECT count(*) FROM range(1000000000000) a", timeout_s=1.5))
    assert err.value.code == "query_timeout"
    assert wh.engine().execute("SELECT 1 AS one").to_pylist() == [{"one": 1}]  # the session still works
