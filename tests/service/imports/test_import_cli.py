"""`shuzhi import` through the real entry point: preview, import, bad rows, clear errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cli_zygote

SHUZHI = str(Path(sys.executable).parent / "shuzhi")


def _run(*args: str, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHUZHI_LANG": lang, "SHUZHI_ADMIN_PASSWORD": "Test-Passw0rd!"}
    return cli_zygote.run(["import", *args], env=env, timeout=120)


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_cli_preview_import_and_errors(data: Path) -> None:
    p = _run(str(data / "report.xlsx"), "--preview", "--format", "json")
    assert p.returncode == 0, p.stderr
    pv = json.loads(p.stdout)
    assert pv["sheet"] == "销售" and pv["totals_rows"] == [9] and pv["header_row"] == 3
    r = _run(str(data / "sales_gbk.csv"), "--table", "sales", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 100
    r = _run(str(data / "stock_v1.csv"), "--table", "stock")
    assert r.returncode == 0 and "3" in r.stdout
    r = _run(str(data / "stock_v2.csv"), "--table", "stock", "--mode", "upsert", "--key", "sku", lang="en")
    assert r.returncode == 0 and "1 rows updated, 1 inserted" in r.stdout
    bad = _run(str(data / "shipments_bad.csv"), "--table", "ship", "--type", "qty=BIGINT")
    assert bad.returncode == 1 and "6" in bad.stderr and "Traceback" not in bad.stderr
    ok = _run(str(data / "shipments_bad.csv"), "--table", "ship", "--type", "qty=BIGINT", "--skip-bad-rows")
    assert ok.returncode == 0 and "ship__rejects" in ok.stderr and "第 6 行" in ok.stderr
    for args, needle in (((str(data / "report.xlsx"), "--sheet", "nope"), "nope"),
                         ((str(data / "missing.csv"),), "missing.csv"),
                         ((str(data / "stock_v1.csv"), "--table", "customers"), "--force"),
                         ((str(data / "stock_v1.csv"), "--mode", "upsert"), "--key")):
        e = _run(*args, lang="en")
        assert e.returncode == 1 and needle in e.stderr and "Traceback" not in e.stderr, e.stderr


def test_cli_imports_a_legacy_xls(data: Path) -> None:
    """A real Excel 97-2003 (.xls) workbook — statsmodels' macrodata (US quarterly macro series, public data,
    shipped with statsmodels under BSD-3) — read by calamine: every sheet listed, date cells typed as DATE."""
    p = _run(str(data / "macrodata.xls"), "--sheet", "Quarterly", "--preview", "--format", "json")
    assert p.returncode == 0, p.stderr
    pv = json.loads(p.stdout)
    assert [s["name"] for s in pv["sheets"]] == ["README", "Monthly", "Quarterly"]
    assert pv["columns"][0]["type"] == "DATE" and pv["rows"][0][:2] == ["1947-01-01", 1218.6]
    r = _run(str(data / "macrodata.xls"), "--sheet", "Quarterly", "--table", "macro", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 251  # 1947Q1…2009Q3 (the sheet has 252 rows with its header)
