"""Real source databases for connection tests: a schema of its own in PostgreSQL's database `test`,
tables with a unique prefix in MariaDB's database `test`, dropped afterwards; and a started runtime."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from source_env import MARIA_TEST_URL, PG_TEST_URL, Source, create_tables

from shuzhi.runtime import Runtime
from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings
from shuzhi_testing import port_open, service_unavailable, unique_name


@pytest.fixture
def pg_source() -> Iterator[Source]:
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    schema = unique_name("shuzhi_src")
    eng = sa.create_engine(PG_TEST_URL)
    try:
        with eng.begin() as c:
            c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        service_unavailable("PostgreSQL", str(exc.orig).splitlines()[0])
    src = Source("postgresql", PG_TEST_URL, schema, "orders", "customers", eng)
    try:
        create_tables(src, 120)
        yield src
    finally:
        with eng.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()


@pytest.fixture
def maria_source() -> Iterator[Source]:
    if not port_open("127.0.0.1", 3306):
        service_unavailable("MariaDB", "nothing listens on 127.0.0.1:3306")
    prefix = unique_name("sz")
    eng = sa.create_engine(MARIA_TEST_URL)
    try:
        with eng.connect() as c:
            c.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        service_unavailable("MariaDB", str(exc.orig).splitlines()[0])
    src = Source("mariadb", "mysql+pymysql://root@127.0.0.1:3306/test", None, f"{prefix}_orders",
                 f"{prefix}_customers", eng)
    try:
        create_tables(src, 120)
        yield src
    finally:
        with eng.begin() as c:
            for t in (src.orders, src.customers):
                c.execute(sa.text(f"DROP TABLE IF EXISTS `{t}`"))
        eng.dispose()


@pytest.fixture
def rt() -> Iterator[Runtime]:
    r = Runtime(get_settings())
    r.start(create_admin=False)
    wire(r)
    yield r
    r.close()
