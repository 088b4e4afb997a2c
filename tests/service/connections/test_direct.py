"""Direct mode: the same QuerySpec gives the same rows on the extracted copy (DuckDB) and live on
PostgreSQL and MariaDB (the model's `connection` sends the compiled SQL there)."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from source_env import Source
from test_refresh import add_conn, pick

from shuzhi.catalog.semantic import save_model
from shuzhi.errors import ShuzhiError
from shuzhi.model.schema import SemanticModel
from shuzhi.runtime import Runtime
from shuzhi.service.query import query as run_spec
from shuzhi.service.refresh import refresh
from shuzhi.spec.resolve import UserContext

SPEC = {
    "metrics": ["revenue", "order_count", "avg_qty"],
    "dimensions": ["customers.manager", {"name": "month", "field": "orders.order_date", "grain": "month"}],
    "where": [{"field": "orders.region", "op": "in", "values": ["华东", "华南", "华北"]}],
    "order_by": [{"field": "customers.manager"}, {"field": "month"}],
}


def model(name: str, orders: str, customers: str, connection: str | None) -> SemanticModel:
    return SemanticModel.model_validate({
        "name": name, "connection": connection,
        "datasets": [
            {"name": "orders", "table": orders, "primary_key": ["id"],
             "fields": [{"name": "id", "type": "integer"}, {"name": "region", "type": "string"},
                        {"name": "amount", "type": "number"}, {"name": "qty", "type": "integer"},
                        {"name": "order_date", "type": "date"}],
             "joins": [{"to": "customers", "on": {"region": "region"}}]},
            {"name": "customers", "table": customers, "primary_key": ["region"],
             "fields": [{"name": "region", "type": "string"}, {"name": "manager", "type": "string"}]},
        ],
        "metrics": [
            {"name": "revenue", "label": "销售额", "dataset": "orders", "agg": "sum", "expr": "amount",
             "time": "order_date"},
            {"name": "order_count", "label": "订单数", "dataset": "orders", "agg": "count", "time": "order_date"},
            {"name": "avg_qty", "label": "平均数量", "dataset": "orders", "agg": "avg", "expr": "qty",
             "time": "order_date"},
        ],
    })


def _norm(rows: list[list]) -> list[tuple]:
    out = []
    for r in rows:
        out.append(tuple(round(float(v), 6) if isinstance(v, float | decimal.Decimal) else
                         (v.date() if isinstance(v, dt.datetime) else v) for v in r))
    return out


def run(rt: Runtime, model_name: str) -> list[tuple]:
    res = run_spec(rt, {**SPEC, "model": model_name}, UserContext.system(), use_cache=False)
    return _norm([list(r.values()) for r in res.table.to_pylist()])


def test_direct_query_equals_the_extract(rt: Runtime, pg_source: Source, maria_source: Source) -> None:
    pg = add_conn(rt, pg_source, "pg_erp")
    maria = add_conn(rt, maria_source, "maria_erp")
    # Extract both PostgreSQL tables into the warehouse.
    refresh(rt, pick(rt, pg, pg_source, target="x_orders"))
    with rt.catalog.session() as db:
        from shuzhi.catalog import connections as store
        from shuzhi.service.refresh import Pick, pick_tables

        conn = store.get_connection(db, pg)
        (st,) = pick_tables(rt, db, conn, [Pick(table="customers", schema=pg_source.schema, target="x_customers")],
                            actor="test")
        cust_id = st.id
        # Direct picks are recorded too (nothing is copied).
        (d,) = pick_tables(rt, db, store.get_connection(db, maria),
                           [Pick(table=maria_source.orders, mode="direct")], actor="test")
        assert d.target_table is None
    refresh(rt, cust_id)
    with rt.catalog.session() as db:
        save_model(db, model("local", "x_orders", "x_customers", None), actor="test")
        save_model(db, model("on_pg", f"{pg_source.schema}.orders", f"{pg_source.schema}.customers", "pg_erp"),
                   actor="test")
        save_model(db, model("on_maria", maria_source.orders, maria_source.customers, "maria_erp"), actor="test")
    local = run(rt, "local")
    assert len(local) == 6 and local[0][0] == "经理0"  # 3 managers × 2 months
    on_pg = run_spec(rt, {**SPEC, "model": "on_pg"}, UserContext.system(), use_cache=False)
    assert '"orders"' in on_pg.sql and "DATE_TRUNC" in on_pg.sql.upper()  # PostgreSQL SQL, run on PostgreSQL
    assert run(rt, "on_pg") == local
    on_maria = run_spec(rt, {**SPEC, "model": "on_maria"}, UserContext.system(), use_cache=False)
    assert "`" in on_maria.sql  # MySQL dialect
    assert run(rt, "on_maria") == local
    # Live: a change in the source shows up at once in direct mode, in the extract only after a refresh.
    maria_source.update_orders([4], amount=1_000_000)
    assert run(rt, "on_maria") != local and run(rt, "local") == local


def test_a_model_on_an_unknown_connection_is_a_clear_error(rt: Runtime) -> None:
    with rt.catalog.session() as db:
        save_model(db, model("ghost", "orders", "customers", "nowhere"), actor="test")
    with pytest.raises(ShuzhiError) as ei:
        run_spec(rt, {**SPEC, "model": "ghost"}, UserContext.system())
    assert ei.value.code == "model_connection_missing" and ei.value.status == 404
