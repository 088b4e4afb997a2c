"""`shuzhi connection ...` and `shuzhi extract ...` through the real entry point (subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from source_env import Source, order_rows

import cli_zygote

SHUZHI = str(Path(sys.executable).parent / "shuzhi")
SECRET = "Cli-Secret-Pw-8xz"


def sh(*args: str, input: str | None = None, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SHUZHI_LANG=lang)
    return cli_zygote.run([*args], input=input, env=env, timeout=300)


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_cli_connection_and_extract_round_trip(pg_source: Source, settings) -> None:  # type: ignore[no-untyped-def]
    r = sh("connection", "add", "erp", "--kind", "postgresql", "--host", "127.0.0.1", "--database", "test",
           "--user", "postgres", "--password-stdin", input=SECRET + "\n")
    assert r.returncode == 0, r.stderr
    assert "已保存连接 erp" in r.stdout and "连接正常" in r.stdout and SECRET not in r.stdout + r.stderr
    r = sh("connection", "list", "--format", "json")
    assert '"password_set": true' in r.stdout and SECRET not in r.stdout
    r = sh("connection", "tables", "erp", "--schema", pg_source.schema, "--format", "json")
    assert '"orders"' in r.stdout and '"row_count": 120' in r.stdout
    r = sh("extract", "add", "erp", f"{pg_source.schema}.orders", "--target", "cli_orders", "--incremental", "id",
           "--every", "3600")
    assert r.returncode == 0, r.stderr
    assert "仓库表 cli_orders" in r.stdout and "读取 120 行" in r.stdout
    pg_source.insert_orders(order_rows(3, start=121))
    r = sh("extract", "refresh", "cli_orders", lang="en")
    assert r.returncode == 0 and "Refreshed (incremental): read 3 rows, the table has 123" in r.stdout, r.stderr
    r = sh("extract", "runs", "cli_orders", "--format", "json")
    assert r.stdout.count('"status": "succeeded"') == 2
    r = sh("extract", "list", "--format", "json")
    assert '"target_table": "cli_orders"' in r.stdout and '"interval_s": 3600' in r.stdout
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert con.execute("SELECT count(*) FROM cli_orders").fetchone() == (123,)
    con.close()
    # Failures are one clear line and a non-zero exit.
    r = sh("connection", "remove", "erp", lang="en")
    assert r.returncode == 1 and r.stderr.startswith("Error: The connection 'erp' still has picked tables")
    r = sh("extract", "refresh", "nope")
    assert r.returncode == 1 and "找不到抽取表「nope」" in r.stderr
    assert sh("extract", "remove", "cli_orders", "--drop-table").returncode == 0
    assert sh("connection", "remove", "erp").returncode == 0
    logs = "".join(p.read_text(encoding="utf-8") for p in settings.logs_dir.glob("*.log*"))
    assert "refresh_succeeded" in logs and SECRET not in logs
