"""Extracts from real PostgreSQL and MariaDB: full, incremental (key and updated_at), failures that
keep the last good data, schema changes, and a schedule fired by the scheduler."""

from __future__ import annotations

import datetime as dt

import pytest
from source_env import T0, Source, order_rows

from shuzhi.catalog import connections as store
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime
from shuzhi.service import connections as conns
from shuzhi.service.refresh import Pick, pick_tables, refresh
from shuzhi.sources.databases import ConnectionParts


def add_conn(rt: Runtime, src: Source, name: str = "erp") -> int:
    b = src.conn_body(name)
    with rt.catalog.session() as db:
        rec = conns.create(rt, db, name, ConnectionParts(b["kind"], b["host"], b["port"], b["database"],
                                                         b["username"]), None)
        return rec.id


def pick(rt: Runtime, conn_id: int, src: Source, **kw) -> int:  # type: ignore[no-untyped-def]
    with rt.catalog.session() as db:
        conn = store.get_connection(db, conn_id)
        (st,) = pick_tables(rt, db, conn, [Pick(table=src.orders, schema=src.schema, **kw)], actor="test")
        return st.id


def wh(rt: Runtime, sql: str) -> list[tuple]:
    with rt.warehouse().cursor() as cur:
        return cur.execute(sql).fetchall()


@pytest.fixture(params=["pg", "maria"])
def source(request: pytest.FixtureRequest) -> Source:
    return request.getfixturevalue("pg_source" if request.param == "pg" else "maria_source")


def test_full_extract_copies_every_row_and_records_the_run(rt: Runtime, source: Source) -> None:
    cid = add_conn(rt, source)
    sid = pick(rt, cid, source, target="orders_x")
    out = refresh(rt, sid)
    assert out["status"] == "succeeded" and out["rows_read"] == 120 and out["rows_total"] == 120
    assert out["bytes"] > 0 and out["kind"] == "full"
    cnt, total = wh(rt, "SELECT count(*), sum(amount)::DOUBLE FROM orders_x")[0]
    assert cnt == 120 and total == pytest.approx(sum(r["amount"] for r in order_rows(120)))
    types = dict(wh(rt, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name='orders_x'"))
    assert types == {"id": "BIGINT", "region": "VARCHAR", "product": "VARCHAR", "amount": "DECIMAL(12,2)",
                     "qty": "BIGINT", "order_date": "DATE", "updated_at": "TIMESTAMP"}
    assert wh(rt, "SELECT region FROM orders_x WHERE id = 5") == [("华南",)]


def test_incremental_by_updated_at_upserts_inserts_and_updates(rt: Runtime, source: Source) -> None:
    cid = add_conn(rt, source)
    sid = pick(rt, cid, source, target="orders_inc", refresh="incremental", incremental_column="updated_at",
               incremental_kind="updated_at")
    first = refresh(rt, sid)
    assert first["kind"] == "full" and first["rows_read"] == 120
    late = T0 + dt.timedelta(days=30)
    source.update_orders([3, 4], amount=9999.5, updated_at=late)
    source.insert_orders([{**r, "updated_at": late} for r in order_rows(5, start=121)])
    second = refresh(rt, sid)
    assert second["kind"] == "incremental"
    # >= the watermark: the 7 changed rows plus the last row of the first refresh (same instant, re-read)
    assert 7 <= second["rows_read"] <= 8 and second["rows_total"] == 125
    assert wh(rt, "SELECT count(*), count(DISTINCT id) FROM orders_inc")[0] == (125, 125)
    assert wh(rt, "SELECT amount::DOUBLE FROM orders_inc WHERE id = 3") == [(9999.5,)]
    assert second["watermark_after"].startswith(late.isoformat()[:16])
    third = refresh(rt, sid)
    assert third["rows_total"] == 125 and third["rows_read"] <= 7


def test_incremental_by_increasing_key_appends_new_rows(rt: Runtime, source: Source) -> None:
    cid = add_conn(rt, source)
    sid = pick(rt, cid, source, target="orders_key", refresh="incremental", incremental_column="id",
               incremental_kind="key")
    refresh(rt, sid)
    source.insert_orders(order_rows(10, start=121))
    out = refresh(rt, sid)
    assert out["kind"] == "incremental" and out["rows_read"] == 10 and out["rows_total"] == 130
    assert out["watermark_before"] == "120" and out["watermark_after"] == "130"
    full = refresh(rt, sid, full=True)
    assert full["kind"] == "full" and full["rows_read"] == 130


def test_a_failed_refresh_keeps_the_last_good_data_and_records_why(rt: Runtime, pg_source: Source) -> None:
    cid = add_conn(rt, pg_source)
    sid = pick(rt, cid, pg_source, target="orders_keep")
    refresh(rt, sid)
    pg_source.execute(f"DROP TABLE {pg_source.q(pg_source.orders)}")
    with pytest.raises(ShuzhiError) as ei:
        refresh(rt, sid)
    assert ei.value.code == "source_table_missing"
    assert wh(rt, "SELECT count(*) FROM orders_keep") == [(120,)]
    with rt.catalog.session() as db:
        runs = store.list_runs(db, sid)
        assert [r.status for r in runs] == ["failed", "succeeded"]
        assert runs[0].error["code"] == "source_table_missing" and runs[0].finished_at is not None
        assert store.get_source_table(db, sid).last_status == "failed"
    assert wh(rt, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '_shuzhi_stage_%'") == [(0,)]


def test_schema_changes_are_detected(rt: Runtime, pg_source: Source) -> None:
    cid = add_conn(rt, pg_source)
    sid = pick(rt, cid, pg_source, target="orders_schema")
    refresh(rt, sid)
    t = pg_source.q(pg_source.orders)
    pg_source.execute(f"ALTER TABLE {t} ADD COLUMN channel varchar(8) DEFAULT '电商'")
    out = refresh(rt, sid)  # an added column is taken in
    assert out["schema_changes"]["added"] == ["channel"] and not out["schema_changes"]["breaking"]
    assert wh(rt, "SELECT DISTINCT channel FROM orders_schema") == [("电商",)]
    pg_source.execute(f"ALTER TABLE {t} DROP COLUMN qty")
    pg_source.execute(f"ALTER TABLE {t} ALTER COLUMN region TYPE integer USING 1")
    with pytest.raises(ShuzhiError) as ei:
        refresh(rt, sid)
    err = ei.value
    assert err.code == "source_schema_changed" and "qty" in err.en and "region" in err.en
    assert err.details["removed"] == ["qty"] and err.details["retyped"][0]["name"] == "region"
    assert wh(rt, "SELECT count(*), count(qty) FROM orders_schema") == [(120, 120)]
    with rt.catalog.session() as db:
        st = store.get_source_table(db, sid)
        assert st.schema_changes["breaking"] == ["qty", "region"] and st.last_status == "failed"
        assert store.list_runs(db, sid)[0].schema_changes["removed"] == ["qty"]
    ok = refresh(rt, sid, accept_schema_changes=True)
    assert ok["status"] == "succeeded"
    cols = [r[0] for r in wh(rt, "SELECT column_name FROM information_schema.columns "
                                 "WHERE table_name = 'orders_schema'")]
    assert "qty" not in cols and wh(rt, "SELECT DISTINCT region FROM orders_schema") == [(1,)]
