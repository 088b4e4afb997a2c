"""Writes on a PostgreSQL warehouse: a CSV import and an extract refresh land there and the next query sees
them; append merges with what is there; data_version agrees across two runtimes sharing the warehouse; a
bad or unreachable SHUZHI_WAREHOUSE_URL fails at start with a bilingual message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import new_database
from shuzhi.catalog import connections as cstore
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime
from shuzhi.service import connections as conns
from shuzhi.service.imports import ImportOptions, run_import_inline
from shuzhi.service.refresh import Pick, pick_tables, refresh
from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings
from shuzhi.sources.databases import ConnectionParts

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def write_url() -> Iterator[str]:
    url, admin, name = new_database("shuzhi_whw")
    yield url
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _rt(url: str, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("SHUZHI_WAREHOUSE_URL", url)
    get_settings.cache_clear()
    rt = Runtime(get_settings())
    rt.start(with_logging=False, create_admin=False)
    wire(rt)
    return rt


def _ext_rows(url: str, sql: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as c:
            return [tuple(r) for r in c.execute(sa.text(sql)).fetchall()]
    finally:
        eng.dispose()


def test_csv_import_lands_in_postgres(write_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rt = _rt(write_url, monkeypatch)
    rt.allow_reading(tmp_path)
    try:
        csv = tmp_path / "sales.csv"
        csv.write_text("区域,金额,日期\n华东,10.5,2026-01-01\n华南,7,2026-01-02\n", encoding="utf-8")
        rt_out = run_import_inline(rt, csv, "sales.csv", ImportOptions(table="sales_x"), user="t")
        assert rt_out["table_rows"] == 2
        assert rt.external().has_table("sales_x")  # type: ignore[union-attr]
        assert not rt.warehouse().tables()  # nothing is kept in the scratch file
        v1 = rt.data_version()
        more = tmp_path / "more.csv"
        more.write_text("区域,金额,日期\n华北,1,2026-01-03\n", encoding="utf-8")
        out = run_import_inline(rt, more, "more.csv", ImportOptions(table="sales_x", mode="append"), user="t")
        assert out["table_rows"] == 3 and rt.data_version() != v1
        cols = [c for c, _ in rt.external().columns("sales_x")]  # type: ignore[union-attr]
        rows = _ext_rows(write_url, f'SELECT count(*), sum("{cols[1]}") FROM sales_x')  # noqa: S608 - a column name read back
        assert rows == [(3, pytest.approx(18.5))]
    finally:
        rt.close()


def test_pull_keeps_types_and_stale_stages_are_swept(write_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import decimal

    import pyarrow as pa

    from shuzhi.engines.external_sync import pull
    from shuzhi.engines.sql_warehouse import STAGE_PREFIX

    rt = _rt(write_url, monkeypatch)
    try:
        ext = rt.external()
        assert ext is not None
        import datetime as dt

        ext.load("typed_t", pa.table({
            "amount": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(12, 2)),
            "day": pa.array([19000, None], pa.int32()).cast(pa.date32()),
            "name": pa.array(["", None]), "ok": pa.array([True, None]),
            "at": pa.array([dt.datetime(2026, 1, 2, 3, 4, 5, 600000), None], pa.timestamp("us")),
            "n": pa.array([7, None], pa.int64())}))
        assert ext.columns("typed_t")[:2] == [("amount", "numeric(12,2)"), ("day", "date")]
        assert pull(rt.warehouse(), ext, "typed_t")
        with rt.warehouse().cursor() as cur:
            types = cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = 'typed_t' ORDER BY ordinal_position").fetchall()
            rows = cur.execute("SELECT * FROM typed_t ORDER BY n NULLS LAST").fetchall()
        assert types == [("amount", "DECIMAL(12,2)"), ("day", "DATE"), ("name", "VARCHAR"), ("ok", "BOOLEAN"),
                         ("at", "TIMESTAMP"), ("n", "BIGINT")]
        assert rows == [(decimal.Decimal("1.25"), dt.date(2022, 1, 8), "", True, dt.datetime(2026, 1, 2, 3, 4, 5, 600000),
                         7), (None, None, None, None, None, None)]
        rt.warehouse().drop_table("typed_t")
        old, fresh = f"{STAGE_PREFIX}1000_deadbeef", f"{STAGE_PREFIX}{2**40}_cafe0000"
        for n in (old, fresh):
            ext.execute_write(f'CREATE TABLE "{n}" (x INT)')
        assert ext.sweep_stages() == [old]  # type: ignore[attr-defined]
        assert ext.has_table(fresh) and not ext.has_table(old)
        ext.drop_table(fresh)
    finally:
        rt.close()


def test_data_version_is_shared(write_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    a, b = _rt(write_url, monkeypatch), Runtime(get_settings())
    try:
        b.start(with_logging=False, create_admin=False)
        before = b.data_version()
        assert a.data_version() == before
        a.external().load("shared_t", __import__("pyarrow").table({"x": [1, 2]}))  # type: ignore[union-attr]
        assert b.data_version() != before and b.data_version() == a.data_version()
        a.external().drop_table("shared_t")  # type: ignore[union-attr]
        assert not b.external().has_table("shared_t")  # type: ignore[union-attr]
    finally:
        a.close()
        b.close()


def test_extract_refresh_lands_in_postgres(write_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    src_url, admin, name = new_database("shuzhi_whsrc")
    src = sa.create_engine(src_url)
    rt = _rt(write_url, monkeypatch)
    try:
        with src.begin() as c:
            c.execute(sa.text("CREATE TABLE orders (id BIGINT PRIMARY KEY, region TEXT, amount NUMERIC(12,2), "
                              "updated_at TIMESTAMP)"))
            c.execute(sa.text("INSERT INTO orders SELECT i, 'r' || (i % 3), i * 1.5, TIMESTAMP '2026-01-01' + i * INTERVAL '1 minute' "
                              "FROM generate_series(1, 50) i"))
        u = sa.engine.make_url(src_url)
        with rt.catalog.session() as db:
            rec = conns.create(rt, db, "erp", ConnectionParts("postgresql", u.host, u.port, u.database, u.username),
                               None)
            (st,) = pick_tables(rt, db, cstore.get_connection(db, rec.id),
                                [Pick(table="orders", schema="public", target="orders_ext", primary_key=["id"],
                                      refresh="incremental", incremental_column="updated_at",
                                      incremental_kind="updated_at")], actor="t")
            sid = st.id
        assert refresh(rt, sid)["rows_total"] == 50
        assert _ext_rows(write_url, "SELECT count(*), sum(amount) FROM orders_ext") == [(50, pytest.approx(1912.5))]
        v = rt.data_version()
        with src.begin() as c:
            c.execute(sa.text("INSERT INTO orders VALUES (51, 'r0', 100, TIMESTAMP '2026-02-01')"))
            c.execute(sa.text("UPDATE orders SET amount = 0, updated_at = TIMESTAMP '2026-02-01' WHERE id = 5"))
        out = refresh(rt, sid)  # only the changed rows (and the watermark's own) travel, merged (upsert on id) in PostgreSQL
        assert out["kind"] == "incremental" and out["rows_read"] == 3 and out["rows_total"] == 51
        assert _ext_rows(write_url, "SELECT count(*), sum(amount) FROM orders_ext") == \
            [(51, pytest.approx(1912.5 - 7.5 + 100))]
        assert rt.data_version() != v
        assert dict(rt.external().columns("orders_ext"))["amount"] == "numeric(12,2)"  # type: ignore[union-attr]
    finally:
        rt.close()
        src.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize(("url", "code"), [
    ("postgresql+psycopg://postgres@127.0.0.1:1/nope", "warehouse_unreachable"),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/shuzhi_no_such_db_pgwh", "warehouse_unreachable"),
    ("oracle://scott:tiger@db/x", "warehouse_url_unsupported"),
])
def test_a_bad_url_fails_at_start(url: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUZHI_WAREHOUSE_URL", url)
    get_settings.cache_clear()
    rt = Runtime(get_settings())
    with pytest.raises(ShuzhiError) as err:
        rt.start(with_logging=False, create_admin=False)
    assert err.value.code == code
    assert "tiger" not in err.value.zh + err.value.en
    assert "SHUZHI_WAREHOUSE_URL" in err.value.en


def test_an_account_that_cannot_create_tables_fails_at_start(write_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    role = "shuzhi_wh_reader_pgwh"
    admin = sa.create_engine(write_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        c.execute(sa.text(f"CREATE ROLE {role} LOGIN"))  # PostgreSQL 15+: no CREATE on schema public
        c.execute(sa.text(f"REVOKE CREATE ON SCHEMA public FROM {role}, PUBLIC"))
    try:
        url = sa.engine.make_url(write_url).set(username=role).render_as_string(hide_password=False)
        monkeypatch.setenv("SHUZHI_WAREHOUSE_URL", url)
        get_settings.cache_clear()
        with pytest.raises(ShuzhiError) as err:
            Runtime(get_settings()).start(with_logging=False, create_admin=False)
        assert err.value.code == "warehouse_cannot_write" and "Grant" in err.value.en and "授予" in err.value.zh
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f"DROP OWNED BY {role}"))
            c.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def test_the_factory_by_scheme() -> None:
    from shuzhi.engines.external import open_external

    for url in ("ftp://x/y", "duckdb:///tmp/x.db", "no-scheme"):
        with pytest.raises(ShuzhiError) as err:
            open_external(url)
        assert err.value.code == "warehouse_url_unsupported" and "postgresql+psycopg://" in err.value.en
    try:
        import shuzhi.engines.spark_warehouse  # noqa: F401
    except ImportError:
        with pytest.raises(ShuzhiError) as err:
            open_external("sc://127.0.0.1:15002")
        assert err.value.code == "warehouse_spark_missing"


def test_a_column_name_too_long_for_postgres_is_refused(write_url: str) -> None:
    import pyarrow as pa

    from shuzhi.engines.external import open_external

    wh = open_external(write_url)
    try:
        with pytest.raises(ShuzhiError) as err:
            wh.load("long_names", pa.table({"很长的列名" * 5: [1]}))  # 25 characters, 75 bytes
        assert err.value.code == "warehouse_name_too_long" and "63" in err.value.zh
        assert not wh.has_table("long_names")
    finally:
        wh.close()


def test_instances_starting_together_agree() -> None:
    import threading

    from shuzhi.engines.external import open_external

    url, admin, name = new_database("shuzhi_whrace")
    try:
        whs = [open_external(url) for _ in range(4)]
        errors: list[BaseException] = []

        def start(wh) -> None:  # type: ignore[no-untyped-def]
            try:
                wh.check()
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(wh,)) for wh in whs]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors
        assert len({wh.data_version() for wh in whs}) == 1
        for wh in whs:
            wh.close()
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
