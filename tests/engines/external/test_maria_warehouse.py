"""SqlWarehouse on MariaDB (a MySQL-protocol engine): check, load over an existing table (RENAME swap),
merge (upsert), columns with their precision, the shared data version, and drops."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator

import pyarrow as pa
import pytest
import sqlalchemy as sa

from conftest import MARIADB_ADMIN_URL
from shuzhi.engines.external import open_external
from shuzhi_testing import port_open, service_unavailable, unique_name

pytestmark = pytest.mark.mariadb


@pytest.fixture(scope="module")
def maria_url() -> Iterator[str]:
    if not port_open("127.0.0.1", 3306):
        service_unavailable("MariaDB", "nothing listens on 127.0.0.1:3306")
    name = unique_name("shuzhi_whm")
    admin = sa.create_engine(MARIADB_ADMIN_URL)
    with admin.begin() as c:
        c.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
    yield f"mysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"  # no driver named: pymysql is used
    with admin.begin() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def _t(ids: list[int], amounts: list[str]) -> pa.Table:
    return pa.table({"id": pa.array(ids, pa.int64()),
                     "amount": pa.array([decimal.Decimal(a) for a in amounts], pa.decimal128(12, 2)),
                     "name": pa.array([f"名{i}" for i in ids]),
                     "at": pa.array([dt.datetime(2026, 1, 1, 8, i) for i in ids], pa.timestamp("us"))})


def test_maria_load_merge_and_version(maria_url: str) -> None:
    wh = open_external(maria_url)
    wh.check()
    try:
        v0 = wh.data_version()
        assert wh.load("orders", _t([1, 2], ["1.50", "2.25"])) == 2
        assert wh.load("orders", _t([1, 2, 3], ["1.50", "2.25", "3.00"])) == 3  # swapped over the old table
        assert wh.tables() == ["orders"] and wh.data_version() != v0
        assert wh.columns("orders") == [("id", "bigint(20)"), ("amount", "decimal(12,2)"), ("name", "longtext"),
                                        ("at", "datetime(6)")]
        assert wh.merge("orders", _t([3, 4], ["0.00", "4.00"]), key=["id"]) == 4  # type: ignore[attr-defined]
        rows = wh.engine().execute("SELECT id, amount, name FROM orders ORDER BY id").to_pylist()
        assert [(r["id"], r["amount"], r["name"]) for r in rows] == \
            [(1, 1.5, "名1"), (2, 2.25, "名2"), (3, 0.0, "名3"), (4, 4.0, "名4")]
        wh.drop_table("orders")
        assert wh.tables() == []
    finally:
        wh.close()
