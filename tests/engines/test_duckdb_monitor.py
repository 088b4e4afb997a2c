"""Issue 20: timeouts and cancellation without a watcher thread per query. One monitor thread per
process interrupts DuckDB cursors (engines/duckdb_engine.py MONITOR); nothing stays watched after a
query ends, however it ends."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from shuzhi.engines.duckdb_engine import MONITOR, DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError

SLOW = "SELECT count(*) FROM range(100000000000) a"


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)").close()
    wh = Warehouse(path, read_only=True, threads=2).open()
    yield DuckDBEngine(wh, timeout_s=30)
    wh.close()


def _monitors() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "duckdb-monitor"]


def test_queries_start_no_thread_each(engine: DuckDBEngine) -> None:
    engine.execute("SELECT 1")  # the monitor exists from here on
    before = threading.active_count()
    seen = []
    for _ in range(30):
        engine.execute("SELECT count(*) FROM t", cancel=threading.Event())
        seen.append(threading.active_count())
    assert max(seen) <= before and len(_monitors()) == 1
    assert MONITOR.watching() == 0


def test_concurrent_queries_share_the_monitor(engine: DuckDBEngine) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(10):
                assert engine.execute("SELECT sum(i) FROM t").column(0)[0].as_py() == 499500
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(_monitors()) == 1 and MONITOR.watching() == 0


def test_timeout_and_cancel_stop_one_query_and_not_the_others(engine: DuckDBEngine) -> None:
    cancel = threading.Event()
    out: dict[str, str] = {}

    def slow(name: str, **kw: object) -> None:
        try:
            engine.execute(SLOW, **kw)  # type: ignore[arg-type]
            out[name] = "finished"
        except ShuzhiError as err:
            out[name] = err.code

    a = threading.Thread(target=slow, args=("timeout",), kwargs={"timeout_s": 0.3})
    b = threading.Thread(target=slow, args=("cancel",), kwargs={"cancel": cancel, "timeout_s": 60})
    a.start()
    b.start()
    a.join()
    assert out["timeout"] == "query_timeout" and "cancel" not in out  # the other query still runs
    cancel.set()
    b.join()
    assert out["cancel"] == "query_cancelled"
    assert MONITOR.watching() == 0
    assert engine.execute("SELECT count(*) FROM t").column(0)[0].as_py() == 1000  # still usable


def test_stream_timeout_cancel_and_end(engine: DuckDBEngine) -> None:
    with pytest.raises(ShuzhiError) as e:
        list(engine.stream(SLOW, timeout_s=0.3))
    assert e.value.code == "query_timeout"
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ShuzhiError) as e:
        list(engine.stream(SLOW, cancel=cancel, timeout_s=60))
    assert e.value.code == "query_cancelled"
    # a stream read to its end, and one closed early, leave nothing watched
    assert sum(b.num_rows for b in engine.stream("SELECT i FROM t", batch_size=100)) == 1000
    gen = engine.stream("SELECT i FROM t", batch_size=100)
    next(gen)
    gen.close()
    assert MONITOR.watching() == 0


def test_a_query_that_fails_is_unwatched(engine: DuckDBEngine) -> None:
    with pytest.raises(ShuzhiError):
        engine.execute("SELECT * FROM no_such_table", cancel=threading.Event())
    assert MONITOR.watching() == 0
