"""`shuzhi rd efficiency` through the real entry point, on a small demo (scale 0.02, seed 3, end 2026-10-31).

What this protects: the JSON is the service's answer (numbers equal SQL on the warehouse), the table prints the
summary, the funnel and the flagged projects, and bad input exits non-zero with one clear line.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest


@pytest.mark.slow  # a demo build and three CLI processes
def test_rd_efficiency_json_table_and_errors(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "3", "--end", "2026-10-31")
    assert r.code == 0, r
    r = cli("rd", "efficiency", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert {"funnel", "lags", "budget", "grant_time", "totals", "summary", "revenue_link"} <= set(out)
    con = duckdb.connect(str(_isolated_env / "warehouse.duckdb"), read_only=True)
    try:
        ((spend,),) = con.execute("select sum(amount) from rd_expenses").fetchall()
        ((inv,),) = con.execute("select count(*) from patents where patent_type = '发明' and grant_date is not null").fetchall()
        over = {p for (p,) in con.execute(
            "select p.project_id from rd_projects p join rd_expenses e using (project_id) "
            "group by p.project_id, p.budget having sum(e.amount) > p.budget").fetchall()}
    finally:
        con.close()
    assert out["totals"]["rd_spend"] == pytest.approx(spend, abs=0.05)
    assert out["totals"]["cost_per_invention_patent"] == pytest.approx(spend / inv, rel=1e-6)
    assert {p["project_id"] for p in out["budget"]["projects"] if p["over_budget"]} == over
    assert [lag["stage"] for lag in out["lags"]] == ["patent_applications", "patents_granted", "new_product_revenue"]

    r = cli("rd", "efficiency", "--field", "新材料")
    assert r.code == 0, r
    assert "研发漏斗" in r.out and "新材料" in r.out and "超预算" in r.out and "授权用时" in r.out
    r = cli("rd", "efficiency", "--field", "量子计算")
    assert r.code == 1 and "量子计算" in r.err and "精密传动" in r.err
    r = cli("rd", "efficiency", "--format", "xml")
    assert r.code == 1 and "--format" in r.err
