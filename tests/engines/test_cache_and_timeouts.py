"""Result cache (LRU by bytes, keyed by everything that decides a result), single-flight, timeouts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from shuzhi.engines.cache import ResultCache, cache_key
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError


def test_cache_key_is_order_independent_for_mappings() -> None:
    assert cache_key({"a": 1, "b": [1, 2]}, "x") == cache_key({"b": [1, 2], "a": 1}, "x")
    assert cache_key({"a": 1}, "x") != cache_key({"a": 1}, "y")


def test_lru_evicts_by_bytes() -> None:
    cache = ResultCache(max_bytes=100, size_of=lambda v: len(v))
    cache.put("a", "x" * 60)
    cache.put("b", "y" * 30)
    assert cache.get("a") and cache.get("b")
    cache.put("c", "z" * 30)  # over budget: the least recently used ("a") goes
    assert cache.get("a") is None and cache.get("b") and cache.get("c")
    cache.put("huge", "w" * 1000)  # larger than the whole cache: never stored
    assert cache.get("huge") is None


def test_single_flight_runs_identical_concurrent_work_once() -> None:
    cache = ResultCache(size_of=lambda v: 8)
    calls = []
    gate = threading.Event()

    def compute() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    results: list[tuple[int, bool]] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", compute)))
               for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and [r[0] for r in results] == [42] * 8
    assert cache.get_or_compute("k", compute) == (42, True)


def test_single_flight_shares_errors_and_does_not_cache_them() -> None:
    cache = ResultCache(size_of=lambda v: 8)

    def boom() -> int:
        raise ShuzhiError("x", "错", "bad")

    with pytest.raises(ShuzhiError):
        cache.get_or_compute("k", boom)
    assert cache.get_or_compute("k", lambda: 7) == (7, False)


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)").close()
    wh = Warehouse(path, read_only=True, threads=2).open()
    yield DuckDBEngine(wh, timeout_s=30)
    wh.close()


def test_row_cap_reads_only_what_is_needed(engine: DuckDBEngine) -> None:
    assert engine.execute("SELECT i FROM t ORDER BY i", max_rows=10).column(0).to_pylist() == list(range(10))
    assert engine.execute("SELECT i FROM t").num_rows == 1000


def test_timeout_cancels_a_long_query(engine: DuckDBEngine) -> None:
    slow = "SELECT count(*) FROM range(100000000000) a"
    started = time.perf_counter()
    with pytest.raises(ShuzhiError) as e:
        engine.execute(slow, timeout_s=0.5)
    assert e.value.code == "query_timeout" and e.value.status == 504
    assert time.perf_counter() - started < 20
    assert engine.execute("SELECT count(*) FROM t").column(0)[0].as_py() == 1000  # still usable


def test_data_version_changes_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "v.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE a AS SELECT 1").close()
    e = DuckDBEngine(Warehouse(path))
    v1 = e.data_version
    time.sleep(0.01)
    duckdb.connect(str(path)).execute("CREATE TABLE b AS SELECT 1").close()
    assert e.data_version != v1


def test_cancel_interrupts_a_running_query(engine: DuckDBEngine) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.perf_counter()
    with pytest.raises(ShuzhiError) as e:
        engine.execute("SELECT count(*) FROM range(100000000000) a", cancel=cancel, timeout_s=60)
    assert e.value.code == "query_cancelled" and time.perf_counter() - started < 20
