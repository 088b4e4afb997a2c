"""The batch data endpoint: every demo component answers; filters, cross-filters and drill-down."""

from __future__ import annotations

import duckdb
import pytest

from shuzhi_testing import restricted_viewer

BASE = "/api/v1/dashboards"
DEMO = ["cockpit", "sales", "supply", "quality", "rd"]


def _data(c, h, name, **body):  # type: ignore[no-untyped-def]
    r = c.post(f"{BASE}/{name}/data", json=body, headers=h)
    assert r.status_code == 200, r.text
    return r.json()["components"]


def _rows(comp):  # type: ignore[no-untyped-def]
    return {tuple(r[:-1]) if len(r) > 2 else r[0]: r[-1] for r in comp["result"]["rows"]}


@pytest.mark.parametrize("name", DEMO)
def test_every_demo_component_returns_data(dash_api, name: str) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    d = c.get(f"{BASE}/{name}").json()["definition"]
    assert 6 <= len(d["components"]) <= 12
    assert any(x["kind"] == "filter" for x in d["components"])
    comps = _data(c, h, name)
    data_ids = {x["id"] for x in d["components"] if x["kind"] in ("chart", "kpi")}
    assert set(comps) == data_ids
    for cid, comp in comps.items():
        assert comp["error"] is None, (cid, comp["error"])
        assert comp["result"]["rows"], f"{name}.{cid} has no rows"
        if comp["kind"] == "kpi":
            assert comp["result"]["rows"][0][0] is not None, cid
            if comp["spark"] is not None:
                assert len(comp["spark"]["rows"]) >= 6, cid


def test_quality_dashboard_shows_the_incident(dash_api, settings) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        month, plant, batch = con.execute("SELECT month, plant, batch_no FROM demo_ground_truth "
                                          "WHERE anomaly = 'quality_incident'").fetchone()
    comps = _data(c, h, "quality")
    trend = [r for r in comps["trend"]["result"]["rows"] if r[1] == plant]
    peak = max(trend, key=lambda r: r[2])
    assert peak[0] == month.isoformat()
    others = sorted(r[2] for r in trend if r[0] != peak[0])
    assert peak[2] > 2 * others[len(others) // 2]  # stands out: more than twice the median month
    assert comps["batches"]["result"]["rows"][0][0] == batch  # the batch table points at the batch


def test_filters_apply_within_their_scope(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    all_ = _data(c, h, "cockpit")
    east = _data(c, h, "cockpit", filters={"region": ["华东"]})
    assert list(_rows(east["by_region"])) == ["华东"]
    assert _rows(east["by_region"])["华东"] == pytest.approx(_rows(all_["by_region"])["华东"])
    assert east["revenue"]["result"]["rows"][0][0] < all_["revenue"]["result"]["rows"][0][0]
    # the period filter's default (this year) can be replaced, or cleared with null
    last = _data(c, h, "cockpit", filters={"period": {"relative": "last_year"}})
    assert last["trend"]["result"]["rows"][0][0].startswith("2025-01")
    everything = _data(c, h, "cockpit", filters={"period": None})
    assert len(everything["trend"]["result"]["rows"]) > 30
    # sales: the channel filter cannot reach opportunities: those components say so and still answer
    s = _data(c, h, "sales", filters={"channel": ["电商"]})
    assert s["pipeline_stage"]["ignored_filters"] == ["channel"] and s["pipeline_stage"]["result"]["rows"]
    assert s["channels"]["ignored_filters"] == [] and [r[0] for r in s["channels"]["result"]["rows"]] == ["电商"]
    # a tree filter picks a path in the geography hierarchy
    t = _data(c, h, "sales", filters={"geo": [["华东", "江苏省"]]})
    assert list(_rows(t["by_region"])) == ["华东"]
    assert t["by_region"]["result"]["rows"][0][1] < _rows(all_["by_region"])["华东"]
    # quality: a numeric range on a metric is a HAVING on the batch table only
    q = _data(c, h, "quality", filters={"qty": [50, None]})
    rows = q["batches"]["result"]["rows"]
    assert rows and all(r[3] >= 50 for r in rows)


def test_bad_filter_values_are_4xx(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    r = c.post(f"{BASE}/cockpit/data", json={"filters": {"nope": ["x"]}}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_filter"
    r = c.post(f"{BASE}/cockpit/data", json={"filters": {"period": "yesterday"}}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "filter_value_invalid"
    r = c.post(f"{BASE}/cockpit/data", json={"cross": [{"source": "by_region", "field": "customers.nope",
                                                         "value": "x"}]}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_field"
    # a value with quotes is only ever a bound value
    east = _data(c, h, "cockpit", filters={"region": ["华东' OR '1'='1"]})
    assert east["by_region"]["result"]["rows"] == []


def test_cross_filter(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    base = _data(c, h, "cockpit")
    x = _data(c, h, "cockpit", cross=[{"source": "by_region", "field": "customers.region", "value": "华南"}])
    assert len(x["by_region"]["result"]["rows"]) == 8  # the clicked chart keeps all its bars
    assert x["revenue"]["result"]["rows"][0][0] == pytest.approx(_rows(base["by_region"])["华南"])
    assert len(x["mix"]["result"]["rows"]) == 5
    assert sum(r[1] for r in x["mix"]["result"]["rows"]) == pytest.approx(_rows(base["by_region"])["华南"])
    # quality: a plant clicked in the trend filters the rest; cleared, everything is back
    q = _data(c, h, "quality", cross=[{"source": "trend", "field": "production_orders.plant", "value": "常州工厂"}])
    assert q["defects"]["error"] is None and q["by_line"]["result"]["rows"]
    assert {r[0] for r in q["by_line"]["result"]["rows"]} == {"常州工厂"}


def test_drill_down_along_geography(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    top = _data(c, h, "cockpit")["by_region"]
    assert top["drill"]["level"] == 0 and top["drill"]["can_drill"]
    d1 = _data(c, h, "cockpit", drill={"by_region": ["华东"]})["by_region"]
    assert d1["drill"]["level"] == 1 and d1["drill"]["path"] == ["华东"]
    assert d1["spec"]["dimensions"] == ["customers.province"] and d1["chart"]["x"] == "customers.province"
    provinces = {r[0] for r in d1["result"]["rows"]}
    assert "江苏省" in provinces and "广东省" not in provinces
    assert sum(r[1] for r in d1["result"]["rows"]) == pytest.approx(_rows(top)["华东"])
    d2 = _data(c, h, "cockpit", drill={"by_region": ["华东", "江苏省"]})["by_region"]
    assert d2["drill"]["level"] == 2 and not d2["drill"]["can_drill"]
    assert d2["spec"]["dimensions"] == ["customers.city"] and "苏州市" in {r[0] for r in d2["result"]["rows"]}
    # the China map drills from provinces to cities as a ranked bar chart
    m = _data(c, h, "cockpit", drill={"map": ["江苏省"]})["map"]
    assert m["chart"]["type"] == "bar" and m["spec"]["dimensions"] == ["customers.city"]


def test_field_values_and_row_rules(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    r = c.get("/api/v1/fields/customers.region/values").json()
    assert len(r["values"]) == 8 and "华东" in r["values"] and not r["truncated"]
    assert c.get("/api/v1/fields/customers.province/values", params={"search": "江"}).json()["values"] == [
        "江苏省", "江西省", "浙江省", "黑龙江省"]
    assert c.get("/api/v1/fields/customers.province/values", params={"limit": 3}).json()["truncated"]
    assert c.get("/api/v1/fields/customers.nope/values").status_code == 400
    tree = c.get("/api/v1/hierarchies/geography/values").json()
    assert tree["levels"] == ["customers.region", "customers.province", "customers.city"]
    assert tree["labels"] == ["大区", "省份", "城市"] and ["华东", "江苏省", "苏州市"] in tree["rows"]
    assert c.get("/api/v1/hierarchies/nope/values").status_code == 404
    viewer, vh, _ = restricted_viewer(c, "zhao", "华南")
    assert viewer.get("/api/v1/fields/customers.region/values").json()["values"] == ["华南"]
    comps = _data(viewer, vh, "cockpit")
    assert list(_rows(comps["by_region"])) == ["华南"]


def test_kpis_with_the_same_filters_share_one_query(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    body = c.post(f"{BASE}/cockpit/data", json={}, headers=h).json()
    # 4 KPI values in one query, their 环比 of the latest month in one, 4 sparklines in one, and the 4
    # charts: 7 queries for 8 components
    assert body["queries"] == 7
    alone = c.post(f"{BASE}/cockpit/data", json={"components": ["margin"]}, headers=h).json()
    one, merged = alone["components"]["margin"]["result"], body["components"]["margin"]["result"]
    assert one["columns"] == merged["columns"]
    # Same numbers; the last digits of a float sum depend on DuckDB's parallel aggregation order.
    assert [pytest.approx(r, rel=1e-9) for r in one["rows"]] == merged["rows"]
    assert [c["name"] for c in body["components"]["margin"]["spark"]["columns"]] == ["period", "gross_margin"]
