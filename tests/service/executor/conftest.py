"""Direct-mode fixtures: the demo (scale 0.05, seed 42) in the warehouse and copied once per session
into a PostgreSQL database of its own (and MariaDB, for the tests that ask for it); each test's client
has the demo model `huajing` on the warehouse and the same model as `huajing_pg` (or `huajing_my`)
answered live on that database through a connection (skipped locally without the server, failed
under CI=true)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from direct_env import add_direct_model

from shuzhi_testing import (
    PG_ADMIN_URL,
    client_over,
    demo_file,
    login,
    port_open,
    service_unavailable,
    unique_name,
)

MARIADB_ADMIN_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


def _copy_tables():  # type: ignore[no-untyped-def]
    """tests/service/query/loader.py's copy_tables (DuckDB tables → a SQLAlchemy database)."""
    spec = importlib.util.spec_from_file_location("direct_loader", Path(__file__).parents[1] / "query" / "loader.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.copy_tables


@pytest.fixture(scope="session")
def direct_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-10-31")


def _copy(demo: Path, url: str) -> None:
    import duckdb

    from shuzhi.demo import DEMO_TABLES

    con = duckdb.connect(str(demo), read_only=True)
    try:
        _copy_tables()(con.cursor(), url, list(DEMO_TABLES))
    finally:
        con.close()


@pytest.fixture(scope="session")
def pg_db(direct_demo: Path) -> Iterator[dict[str, object]]:
    """(database name, SQLAlchemy URL) of a PostgreSQL database holding the demo tables."""
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = unique_name("shuzhi_direct")
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _copy(direct_demo, url)
        yield {"kind": "postgresql", "port": 5432, "database": name, "username": "postgres", "url": url}
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def maria_db(direct_demo: Path) -> Iterator[dict[str, object]]:
    if not port_open("127.0.0.1", 3306):
        service_unavailable("MariaDB", "nothing listens on 127.0.0.1:3306")
    name = unique_name("shuzhi_direct")
    try:
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        with admin.begin() as c:
            c.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
    except sa.exc.OperationalError as exc:
        service_unavailable("MariaDB", str(exc.orig).splitlines()[0])
    url = f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    try:
        _copy(direct_demo, url)
        yield {"kind": "mariadb", "port": 3306, "database": name, "username": "root", "url": url}
    finally:
        with admin.begin() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture
def direct(make_client, settings, direct_demo, pg_db):  # type: ignore[no-untyped-def]
    """(client, admin headers): the demo model `huajing` on the warehouse, its dashboards, and
    `huajing_pg` on PostgreSQL (not the default)."""
    c = client_over(make_client, settings, direct_demo, dashboards=True)
    add_direct_model(c.app.state.runtime, pg_db, "huajing_pg")
    return c, login(c)
