"""Data freshness (service/freshness.py): answers know their data's last date, as the caller's row rules
let them see it; a period with no data says so and offers the latest period that has data; dashboard
defaults anchor at the data; KPI cards compare like with like.

The demo's data ends on 2025-12-31 while today is 2026-11-26 (SHUZHI_TODAY): an old export."""

from __future__ import annotations

import duckdb
import pytest

from shuzhi_testing import client_over, demo_file, login, restricted_viewer

BASE = "/api/v1/dashboards"


@pytest.fixture(scope="module")
def old_demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.02, seed=42, end="2025-12-31")


@pytest.fixture
def api(make_client, settings, old_demo):  # type: ignore[no-untyped-def]
    c = client_over(make_client, settings, old_demo, dashboards=True)
    return c, login(c)


def _query(c, h, spec):  # type: ignore[no-untyped-def]
    r = c.post("/api/v1/query", json=spec, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_empty_period_says_so_and_offers_the_latest_with_data(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    body = _query(c, h, {"metrics": ["revenue", "order_count", {"name": "y", "compute": {"yoy": "order_count"}}],
                         "time_range": {"field": "time", "relative": "this_year"}})
    f = body["freshness"]
    assert f["last_date"] == "2025-12-31" and f["empty"] is True
    assert f["period"] == {"start": "2026-01-01", "end": "2026-11-26", "relative": "this_year"}
    assert f["latest"] == {"start": "2025-01-01", "end": "2025-12-31", "relative": None}
    assert f["metrics"] == {"revenue": "2025-12-31", "order_count": "2025-12-31"}
    full = _query(c, h, {"metrics": ["revenue"], "time_range": {"field": "time", **f["latest"]}})
    assert full["freshness"]["empty"] is False and full["rows"][0][0] > 0
    # no period: the answer still says how far its data goes
    assert _query(c, h, {"metrics": ["revenue"]})["freshness"]["last_date"] == "2025-12-31"


def test_ask_answers_carry_freshness(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    r = c.post("/api/v1/ask", json={"question": "今年销售额"}, headers=h)
    assert r.status_code == 200, r.text
    f = r.json()["result"]["freshness"]
    assert f["last_date"] == "2025-12-31" and f["empty"] is True and f["latest"]["start"] == "2025-01-01"


def test_last_dates_follow_the_row_rules(api, settings) -> None:  # type: ignore[no-untyped-def]
    c, _ = api
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        region, last = con.execute(
            "SELECT c.region, max(o.order_date) FROM sales_orders o JOIN customers c USING (customer_id) "
            "WHERE o.status <> '已取消' GROUP BY 1 ORDER BY 2, 1 LIMIT 1").fetchone()
    viewer, vh, _ = restricted_viewer(c, "west", region)
    f = _query(viewer, vh, {"metrics": ["revenue"]})["freshness"]
    assert f["last_date"] == last.isoformat()
    # a viewer who may see no rows learns nothing about the data's dates
    nobody, nh, _ = restricted_viewer(c, "nobody", "火星")
    assert _query(nobody, nh, {"metrics": ["revenue"]}).get("freshness") is None


def test_dashboard_default_period_anchors_at_the_data(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    r = c.post(f"{BASE}/sales/data", json={}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    p = body["periods"]["period"]
    assert p["anchored"] is True and p["relative"] == "this_year" and p["empty"] is False
    assert (p["start"], p["end"], p["last_date"]) == ("2025-01-01", "2025-12-31", "2025-12-31")
    assert body["last_date"] == "2025-12-31"
    rev = body["components"]["revenue"]
    assert rev["result"]["rows"][0][0] > 0 and rev["freshness"]["empty"] is False
    names = [col["name"] for col in rev["result"]["columns"]]
    assert names == ["revenue", "revenue_yoy", "revenue_pop"]
    yoy, pop = rev["result"]["rows"][0][1:]
    assert yoy is not None and pop is not None and yoy != pop
    assert rev["windows"]["yoy"] == {"start": "2025-01-01", "end": "2025-12-31", "base_start": "2024-01-01",
                                     "base_end": "2024-12-31", "scope": "period"}
    assert rev["windows"]["pop"] == {"start": "2025-12-01", "end": "2025-12-31", "base_start": "2025-11-01",
                                     "base_end": "2025-11-30", "scope": "month"}
    # every demo dashboard opens on a period with data
    for name in ("cockpit", "supply", "quality", "rd"):
        data = c.post(f"{BASE}/{name}/data", json={}, headers=h).json()
        for cid, comp in data["components"].items():
            assert comp["error"] is None, (name, cid)
            assert not (comp["freshness"] or {}).get("empty"), (name, cid)


def test_a_chosen_empty_period_is_kept_and_offers_the_latest(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    body = c.post(f"{BASE}/sales/data", json={"filters": {"period": {"relative": "this_year"}}}, headers=h).json()
    p = body["periods"]["period"]
    assert p["anchored"] is False and p["empty"] is True
    assert p["latest"] == {"start": "2025-01-01", "end": "2025-12-31", "relative": None}
    kpi = body["components"]["revenue"]
    assert kpi["freshness"]["empty"] is True and kpi["windows"] is None
    assert kpi["freshness"]["latest"] == {"start": "2025-01-01", "end": "2025-12-31", "relative": None}
    # each metric has its own last date: opportunities close until shortly before the orders end
    rate = body["components"]["win_rate"]["freshness"]
    assert rate["empty"] is True and rate["latest"]["end"] == rate["last_date"] <= "2025-12-31"
