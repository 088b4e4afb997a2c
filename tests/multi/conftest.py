"""Fixtures of the several-instance tests: fresh PostgreSQL databases and a Redis key prefix of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from instances import REDIS_URL

from shuzhi_testing import PG_ADMIN_URL, port_open, service_unavailable, unique_name


def _fresh_pg(prefix: str) -> Iterator[str]:
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = unique_name(prefix)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def meta_pg() -> Iterator[str]:
    """The metadata store the instances share."""
    yield from _fresh_pg("shuzhi_multi_meta")


@pytest.fixture
def data_pg() -> Iterator[str]:
    """The data the instances read (a direct-mode connection today, SHUZHI_WAREHOUSE_URL later)."""
    yield from _fresh_pg("shuzhi_multi_data")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the shared Redis; its keys are deleted afterwards."""
    if not port_open("127.0.0.1", 6379):
        service_unavailable("Redis", "nothing listens on 127.0.0.1:6379")
    import redis

    prefix = unique_name("shuzhi_multi")
    yield prefix
    r = redis.Redis.from_url(REDIS_URL)
    keys = list(r.scan_iter(f"{prefix}:*"))
    if keys:
        r.delete(*keys)
    r.close()
