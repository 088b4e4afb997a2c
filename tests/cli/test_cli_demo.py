"""`shuzhi demo` from the shell: builds, refuses bad input without touching anything, one at a time."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest


def _tables(cli) -> dict[str, int]:  # type: ignore[no-untyped-def]
    r = cli("sql", "SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY 1", "--format", "json")
    assert r.code == 0, r
    return {row[0]: row[1] for row in json.loads(r.out)["rows"]}


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_demo_builds_and_if_missing_skips(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.05", "--seed", "3", "--end", "2026-10-31")
    assert r.code == 0, r
    assert "华精科技" in r.out and "15 张表" in r.out
    tables = _tables(cli)
    assert {"sales_orders", "customers", "patents"} <= set(tables)
    r = cli("demo", "--if-missing")
    assert r.code == 0 and "已存在" in r.out
    rows = json.loads(cli("sql", "SELECT max(order_date) FROM sales_orders", "--format", "json").out)["rows"]
    assert rows == [["2026-10-31"]]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scale", "-1"], "scale"),
        (["--scale", "0"], "scale"),
        (["--end", "2027-01-01"], "晚于今天"),
        (["--end", "2026-02-30"], "YYYY-MM-DD"),
        (["--seed", "-5"], "seed"),
    ],
)
@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_bad_arguments_leave_existing_data_alone(cli, _isolated_env: Path, args, needle) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo", "--scale", "0.02", "--end", "2026-10-31").code == 0
    warehouse = _isolated_env / "warehouse.duckdb"
    before = warehouse.read_bytes()
    r = cli("demo", *args)
    assert r.code != 0, r
    assert needle in r.err and "Traceback" not in r.err
    assert warehouse.read_bytes() == before


def test_two_builds_at_once_are_refused(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    _isolated_env.mkdir(parents=True, exist_ok=True)
    fd = os.open(_isolated_env / "demo.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another build holds the lock
        r = cli("demo", "--scale", "0.02")
        assert r.code == 1 and "另一个 shuzhi demo 正在构建" in r.err, r
    finally:
        os.close(fd)
    assert not (_isolated_env / "warehouse.duckdb").exists()


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_demo_while_the_warehouse_is_held_by_another_process(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    assert cli("demo", "--scale", "0.02", "--end", "2026-10-31").code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); "
         "sys.stdin.read()", str(_isolated_env / "warehouse.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        r = cli("demo", "--scale", "0.02", "--end", "2026-10-31", env={"SHUZHI_LANG": "en"})
        assert r.code == 1 and "in use by another Shuzhi process" in r.err, r
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
