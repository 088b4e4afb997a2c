"""R&D efficiency on the demo warehouse (scale 0.02, seed 3, end 2026-10-31, as tests/nl_fixtures.py):
the new metrics, the funnel, the revenue split, the overrun flags and the API, each against hand-written SQL.

What this protects: the metrics' 口径 (cost per granted invention patent, months to grant, budget execution)
equal SQL through the whole query pipeline; every funnel cell equals SQL per field and year; the new-product
revenue split follows the industrialised projects' spend per line; over-budget flags are exactly the projects
whose recorded spend exceeds their budget; GET /api/v1/rd/efficiency answers what the service answers, as the
caller (row rules apply), and refuses an unknown field with 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from shuzhi.service.rd_efficiency import efficiency
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import client_over, demo_file, login, restricted_viewer


@pytest.fixture(scope="session")
def eff_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.02, seed=3, end="2026-10-31")


@pytest.fixture
def api(make_client, settings, eff_warehouse):  # type: ignore[no-untyped-def]
    c = client_over(make_client, settings, eff_warehouse)
    return c, login(c)


@pytest.fixture(scope="module")
def sql(eff_warehouse: Path):  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(eff_warehouse), read_only=True)
    yield lambda q: con.execute(q).fetchall()
    con.close()


def _query(c, h, spec):  # type: ignore[no-untyped-def]
    r = c.post("/api/v1/query", json=spec, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    return [dict(zip([col["name"] for col in body["columns"]], row, strict=True)) for row in body["rows"]]


def test_metrics_equal_sql(api, sql) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    rows = _query(c, h, {"metrics": ["rd_spend", "granted_invention_patents", "cost_per_invention_patent",
                                     "avg_grant_months"],
                         "dimensions": [{"field": "time", "grain": "year", "name": "y"}]})
    got = {r["y"][:4]: r for r in rows}
    spend = dict(sql("select year(expense_month)::varchar, sum(amount) from rd_expenses group by 1"))
    inv = dict(sql("select year(grant_date)::varchar, count(*) from patents where patent_type = '发明' "
                   "and grant_date is not null group by 1"))
    months = dict(sql("select year(grant_date)::varchar, avg(date_diff('day', application_date, grant_date) / 30.4375) "
                      "from patents where grant_date is not null group by 1"))
    assert set(got) == set(spend) | set(inv) | set(months)
    checked = 0
    for y, r in got.items():
        assert r["rd_spend"] == pytest.approx(spend.get(y))
        assert (r["granted_invention_patents"] or 0) == inv.get(y, 0)
        assert r["avg_grant_months"] == pytest.approx(months.get(y))
        if inv.get(y):
            assert r["cost_per_invention_patent"] == pytest.approx(spend[y] / inv[y])
            checked += 1
        else:
            assert r["cost_per_invention_patent"] is None
    assert checked >= 2
    # budget execution per project: all recorded spend ÷ budget
    rows = _query(c, h, {"metrics": ["project_budget", "rd_spend", "budget_execution_rate"],
                         "dimensions": ["rd_projects.project_id"]})
    want = {pid: (b, s) for pid, b, s in sql(
        "select p.project_id, p.budget, sum(e.amount) from rd_projects p left join rd_expenses e "
        "using (project_id) group by p.project_id, p.budget")}
    assert len(rows) == len(want)
    for r in rows:
        b, s = want[r["rd_projects.project_id"]]
        assert r["project_budget"] == pytest.approx(b)
        assert r["budget_execution_rate"] == pytest.approx(s / b if s is not None else None)
    # the shared dimension tech_field: spend by its project's field, patents by their own field
    rows = _query(c, h, {"metrics": ["rd_spend", "patent_applications"], "dimensions": ["tech_field"]})
    apps = dict(sql("select tech_field, count(*) from patents group by 1"))
    fspend = dict(sql("select p.tech_field, sum(e.amount) from rd_expenses e join rd_projects p using (project_id) "
                      "group by 1"))
    assert {r["tech_field"]: r["patent_applications"] for r in rows} == apps
    assert {r["tech_field"]: pytest.approx(r["rd_spend"]) for r in rows} == fspend


def _by(rows: list[tuple]) -> dict:
    return {(f, int(y)): v for f, y, v in rows}


def test_funnel_and_overruns_equal_sql(api, sql) -> None:  # type: ignore[no-untyped-def]
    c, _ = api
    out = efficiency(c.app.state.runtime, UserContext.system())
    assert out["period"] == {"start": "2023-11-01", "end": "2026-10-31"}
    assert out["fields"] == sorted(r[0] for r in sql("select distinct tech_field from patents"))
    spend = _by(sql("select p.tech_field, year(expense_month), sum(amount) from rd_expenses e "
                    "join rd_projects p using (project_id) group by all"))
    apps = _by(sql("select tech_field, year(application_date), count(*) from patents group by all"))
    grants = _by(sql("select tech_field, year(grant_date), count(*) from patents where grant_date is not null group by all"))
    comm = _by(sql("select tech_field, year(grant_date), count(*) from patents where grant_date is not null "
                   "and commercialized group by all"))
    # new-product revenue per line and year, split by the industrialised projects' spend per line and field
    line_rev = _by(sql("select pr.product_line, year(order_date), sum(amount) from sales_orders s join products pr "
                       "using (product_id) where s.status <> '已取消' and pr.is_new_product group by all"))
    w = sql("select p.product_line, p.tech_field, sum(e.amount) from rd_expenses e join rd_projects p using (project_id) "
            "where p.industrialized group by all")
    tot: dict[str, float] = defaultdict(float)
    for line, _, v in w:
        tot[line] += v
    rev: dict[tuple[str, int], float] = defaultdict(float)
    for (line, y), v in line_rev.items():
        for ln, f, s in w:
            if ln == line:
                rev[(f, y)] += v * s / tot[line]
    cells = 0
    for f in out["funnel"]:
        for y in f["years"]:
            key = (f["tech_field"], y["year"])
            assert y["rd_spend"] == pytest.approx(spend.get(key, 0), abs=0.01), key
            assert y["patent_applications"] == apps.get(key, 0), key
            assert y["patents_granted"] == grants.get(key, 0), key
            assert y["commercialized_patents"] == comm.get(key, 0), key
            assert y["new_product_revenue"] == pytest.approx(rev.get(key, 0), abs=0.05), key
            cells += 1
    assert cells == len(set(spend) | set(apps) | set(grants) | set(rev))
    assert out["totals"]["patent_applications"] == sum(apps.values())
    assert out["totals"]["new_product_revenue"] == pytest.approx(sum(line_rev.values()), abs=1)
    assert out["revenue_link"]["unattributed_revenue"] == 0
    # applications follow spend by about a quarter in this demo (patents are filed from 2 months into a project)
    lag = next(lag for lag in out["lags"] if lag["stage"] == "patent_applications")
    assert lag["reliable"] and lag["lag_quarters"] in (0, 1, 2) and lag["pairs"] >= 40
    # overruns: exactly the projects whose recorded spend exceeds their budget
    over = {pid for (pid,) in sql("select p.project_id from rd_projects p join rd_expenses e using (project_id) "
                                  "group by p.project_id, p.budget having sum(e.amount) > p.budget")}
    b = out["budget"]
    assert {p["project_id"] for p in b["projects"] if p["over_budget"]} == over and b["over_budget_count"] == len(over)
    assert all(p["status"] == "进行中" and p["pace"] > 1.1 for p in b["projects"] if p["ahead_of_plan"])
    started_before = {pid for (pid,) in sql("select project_id from rd_projects where start_date < '2023-11-01'")}
    assert {p["project_id"] for p in b["projects"] if p["partial_history"]} == started_before
    assert [p["flagged"] for p in b["projects"]] == sorted((p["flagged"] for p in b["projects"]), reverse=True)
    # time to grant by type
    want = dict(sql("select patent_type, avg(date_diff('day', application_date, grant_date) / 30.4375) from patents "
                    "where grant_date is not null group by 1"))
    assert {r["patent_type"]: pytest.approx(r["avg_months"]) for r in out["grant_time"]["by_type"]} == want
    # the industry against the company, per field, over the company's data window
    ind = dict(sql("select tech_field, count(*) from industry_patents where application_date between '2023-11-01' "
                   "and '2026-10-31' group by 1"))
    assert {r["tech_field"]: r["industry_applications"] for r in out["industry"]} == ind
    assert {r["tech_field"]: r["company_applications"] for r in out["industry"]} == apps_by_field(sql)
    assert all(r["company_share"] == pytest.approx(r["company_applications"] / r["industry_applications"])
               for r in out["industry"])


def apps_by_field(sql) -> dict:  # type: ignore[no-untyped-def]
    return dict(sql("select tech_field, count(*) from patents group by 1"))


def test_one_field(api, sql) -> None:  # type: ignore[no-untyped-def]
    c, _ = api
    out = efficiency(c.app.state.runtime, UserContext.system(), field="新材料")
    assert [f["tech_field"] for f in out["funnel"]] == ["新材料"]
    (n,) = sql("select count(*) from patents where tech_field = '新材料'")[0]
    assert out["totals"]["patent_applications"] == n
    assert {p["tech_field"] for p in out["budget"]["projects"]} == {"新材料"}
    assert {r["tech_field"] for r in out["grant_time"]["by_field"]} <= {"新材料"}
    assert [r["tech_field"] for r in out["industry"]] == ["新材料"]


def test_api(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    r = c.get("/api/v1/rd/efficiency", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == efficiency(c.app.state.runtime, UserContext.system()) | {"summary": body["summary"]}
    assert "研发投入" in body["summary"]["zh"] and "R&D spend" in body["summary"]["en"]
    r = c.get("/api/v1/rd/efficiency", params={"field": "量子计算"}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_tech_field"
    assert "精密传动" in r.json()["error"]["message"]
    assert c.get("/api/v1/rd/efficiency", params={"field": "新材料"}, headers=h).json()["field"] == "新材料"
    anon = type(c)(c.app, raise_server_exceptions=False)
    assert anon.get("/api/v1/rd/efficiency").status_code == 401


def test_row_rules_apply(api) -> None:  # type: ignore[no-untyped-def]
    """A 华东 viewer sees only 华东's new-product revenue (sales rows reach customers.region); R&D is not regional."""
    c, h = api
    everyone = c.get("/api/v1/rd/efficiency", headers=h).json()
    viewer, vh, _ = restricted_viewer(c, "east_viewer", "华东")
    mine = viewer.get("/api/v1/rd/efficiency", headers=vh).json()
    assert 0 < mine["totals"]["new_product_revenue"] < everyone["totals"]["new_product_revenue"]
    assert mine["totals"]["rd_spend"] == pytest.approx(everyone["totals"]["rd_spend"])


def test_dates_are_iso(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    body = c.get("/api/v1/rd/efficiency", headers=h).json()
    for p in body["budget"]["projects"]:
        dt.date.fromisoformat(p["start_date"])
    assert body["quarters_used"][0] == "2024-01-01" and body["quarters_used"][-1] == "2026-07-01"
