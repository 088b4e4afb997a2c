"""The rest of the application on a direct-mode default model (the demo live on PostgreSQL): the
question parser's values come from the live data as each asker may see them, filter values follow
row rules, every demo dashboard renders, an alert rule is checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from direct_env import add_direct_model

from shuzhi.service.ask_lexicon import lexicon
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import client_over, login

RULE = [{"name": "own_region", "dataset": "customers", "filter": "region = {{ user.region }}"}]
NEW_INDUSTRY = "海洋工程装备"  # in PostgreSQL only (added by the test)


@pytest.fixture
def pg_default(make_client, settings, direct_demo, pg_db):  # type: ignore[no-untyped-def]
    """(client, admin headers): `huajing_pg` (row rule: customers.region = user.region) is the default
    model; the demo dashboards are installed."""
    c = client_over(make_client, settings, direct_demo, dashboards=True)
    add_direct_model(c.app.state.runtime, pg_db, "huajing_pg", default=True, row_rules=RULE)
    return c, login(c)


@pytest.fixture
def new_customer(pg_db) -> Iterator[int]:  # type: ignore[no-untyped-def]
    eng = sa.create_engine(str(pg_db["url"]))
    with eng.begin() as c:
        cid = c.execute(sa.text("SELECT max(customer_id) + 1 FROM customers")).scalar_one()
        c.execute(sa.text("INSERT INTO customers (customer_id, customer_name, industry, customer_type, region, "
                          "country, created_date) VALUES (:i, '深蓝海工', :ind, '直销', '华南', '中国', "
                          "DATE '2026-10-01')"), {"i": cid, "ind": NEW_INDUSTRY})
    try:
        yield cid
    finally:
        with eng.begin() as c:
            c.execute(sa.text("DELETE FROM customers WHERE customer_id = :i"), {"i": cid})
        eng.dispose()


def _values(lex, ds: str, f: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.key[2] for entries in lex.terms.values() for e in entries
            if e.kind == "value" and tuple(e.key[:2]) == (ds, f)}


def test_the_parser_reads_values_from_the_live_database(pg_default, new_customer) -> None:  # type: ignore[no-untyped-def]
    c, h = pg_default
    rt = c.app.state.runtime
    assert NEW_INDUSTRY in _values(lexicon(rt, "huajing_pg"), "customers", "industry")
    assert NEW_INDUSTRY not in _values(lexicon(rt, "huajing"), "customers", "industry")  # the warehouse copy
    r = c.post("/api/v1/ask", json={"question": f"{NEW_INDUSTRY}行业的客户数"}, headers=h)
    assert r.status_code == 200, r.text
    where = r.json()["spec"].get("where") or []
    assert any(w.get("field") == "customers.industry" and NEW_INDUSTRY in (w.get("values") or [w.get("value")])
               for w in where), r.json()["spec"]
    assert r.json()["result"]["rows"], r.json()["result"]  # answered live (the new customer has no orders yet)


def test_a_viewer_sees_only_their_region_in_filter_values_and_the_parser(pg_default) -> None:  # type: ignore[no-untyped-def]
    c, h = pg_default
    rt = c.app.state.runtime
    assert c.post("/api/v1/users", json={"username": "zhao", "password": "Zhao-Pass-01", "role": "viewer",
                                         "attributes": {"region": "华南"}}, headers=h).status_code == 201
    viewer = type(c)(c.app, raise_server_exceptions=False)
    login(viewer, "zhao", "Zhao-Pass-01")
    everyone = c.get("/api/v1/fields/customers.region/values").json()["values"]
    assert len(everyone) == 8 and "华南" in everyone
    assert viewer.get("/api/v1/fields/customers.region/values").json()["values"] == ["华南"]
    got = viewer.get("/api/v1/fields/customers.region/values", params={"model": "huajing_pg"}).json()
    assert got["values"] == ["华南"]
    tree = viewer.get("/api/v1/hierarchies/geography/values", params={"model": "huajing_pg"}).json()
    assert {row[0] for row in tree["rows"]} == {"华南"}
    ruled = lexicon(rt, "huajing_pg", user=UserContext("zhao", "viewer", {"region": "华南"}))
    assert _values(ruled, "customers", "region") == {"华南"}
    assert _values(lexicon(rt, "huajing_pg"), "customers", "region") == set(everyone)


def test_every_demo_dashboard_renders_on_postgresql(pg_default) -> None:  # type: ignore[no-untyped-def]
    _all_dashboards_render(*pg_default)


def test_every_demo_dashboard_and_an_alert_on_mariadb(make_client, settings, direct_demo, maria_db) -> None:  # type: ignore[no-untyped-def]
    c = client_over(make_client, settings, direct_demo, dashboards=True)
    add_direct_model(c.app.state.runtime, maria_db, "huajing_my", default=True, row_rules=RULE)
    h = login(c)
    _all_dashboards_render(c, h)
    _plant_alert_fires(c, h)


def _all_dashboards_render(c, h) -> None:  # type: ignore[no-untyped-def]
    for name in ("cockpit", "sales", "supply", "quality", "rd"):
        r = c.post(f"/api/v1/dashboards/{name}/data", json={}, headers=h)
        assert r.status_code == 200, r.text
        for cid, comp in r.json()["components"].items():
            assert comp["error"] is None, (name, cid, comp["error"])
            assert comp["result"]["rows"], (name, cid)


def test_an_alert_rule_is_checked_on_postgresql(pg_default) -> None:  # type: ignore[no-untyped-def]
    _plant_alert_fires(*pg_default)


def _plant_alert_fires(c, h) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "不良率异常", "metric": "defect_rate", "grain": "month", "by": "production_orders.plant",
            "condition": {"type": "anomaly", "lookback": 12}}
    rule = c.post("/api/v1/alerts", json=body, headers=h)
    assert rule.status_code == 201, rule.text
    out = c.post(f"/api/v1/alerts/{rule.json()['id']}/check", headers=h)
    assert out.status_code == 200, out.text
    assert out.json()["status"] == "fired" and len(out.json()["periods_checked"]) == 12
    assert [f["series"] for f in out.json()["firings"]] == ["常州工厂"], out.json()["firings"]


def test_a_dataset_sql_is_translated_for_postgresql(pg_default) -> None:  # type: ignore[no-untyped-def]
    """A model dataset's SQL (written for DuckDB) runs on PostgreSQL: STRFTIME → TO_CHAR, TRY_CAST → CAST."""
    c, h = pg_default
    model = c.get("/api/v1/models/huajing_pg", headers=h).json()["definition"]
    model["datasets"].append({"name": "months", "sql": "SELECT strftime(order_date, '%Y-%m') AS ym, "
                              "try_cast(quantity AS DOUBLE) AS q FROM sales_orders",
                              "fields": [{"name": "ym", "type": "string"}, {"name": "q", "type": "number"}]})
    model["metrics"].append({"name": "month_qty", "label": "数量", "dataset": "months", "agg": "sum", "expr": "q"})
    r = c.put("/api/v1/models/huajing_pg", json=model, headers=h)
    assert r.status_code == 200, r.text
    spec = {"metrics": ["month_qty"], "dimensions": ["months.ym"], "order_by": [{"field": "months.ym"}]}
    pg = c.post("/api/v1/query", json={**spec, "model": "huajing_pg"}, headers=h)
    assert pg.status_code == 200, pg.text
    assert len(pg.json()["rows"]) >= 24 and all(len(r[0]) == 7 for r in pg.json()["rows"])


def test_what_the_target_lacks_is_refused_with_a_clear_error() -> None:
    """Arrays have no MySQL spelling: the query is refused before it is sent (400, both languages)."""
    import datetime as dt

    from shuzhi.errors import ShuzhiError
    from shuzhi.model.index import ModelIndex
    from shuzhi.model.schema import SemanticModel
    from shuzhi.service.pipeline import plan_query
    from shuzhi.spec.query_spec import parse_spec

    idx = ModelIndex.build(SemanticModel.model_validate({
        "name": "m", "datasets": [{"name": "t", "sql": "SELECT x, list_value(x, 1) AS xs FROM src",
                                   "fields": [{"name": "x", "type": "number"}]}],
        "metrics": [{"name": "total", "label": "合计", "dataset": "t", "agg": "sum", "expr": "x"}]}))
    spec = parse_spec({"metrics": ["total"]})
    assert "ARRAY[" in plan_query(spec, idx, UserContext.system(), dt.date(2026, 11, 26), "postgres").sql
    with pytest.raises(ShuzhiError) as err:
        plan_query(spec, idx, UserContext.system(), dt.date(2026, 11, 26), "mysql")
    assert err.value.code == "sql_unsupported_dialect" and err.value.status == 400
    assert "MySQL" in err.value.zh and "MySQL" in err.value.en


def test_the_question_set_scorer_reads_its_truth_from_the_live_database(pg_default) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.ask_score import score_set

    c, _ = pg_default
    sql = ("SELECT sum(amount) FROM sales_orders WHERE status <> '已取消' "
           "AND order_date >= DATE '2025-01-01' AND order_date < DATE '2026-01-01'")
    right, wrong = score_set(c.app.state.runtime, [
        {"q": "去年销售额", "shape": "number", "sql": sql},
        {"q": "去年销售额", "shape": "number", "sql": sql.replace("<> '已取消'", "= '已取消'")}]).cases
    assert (right.ok, right.shown) == (True, True), right.why
    assert not wrong.ok and "≠" in wrong.why
