"""The demo at scale 0.02 in an embedded DuckDB home and in a PostgreSQL warehouse home (one each per
session), built by `shuzhi demo` as an operator would; PostgreSQL tests skip locally when the server is
absent and fail under CI=true."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from shuzhi.runtime import Runtime
from shuzhi.settings import Settings, get_settings
from shuzhi_testing import PG_ADMIN_URL, port_open, service_unavailable, unique_name

TODAY = "2026-11-26"
MARIADB_ADMIN_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


def build_home(home: Path, warehouse_url: str | None) -> Settings:
    """Run `shuzhi demo --scale 0.02` with SHUZHI_HOME=home (and the warehouse URL); the home's settings."""
    from shuzhi.cli import app

    env = {"SHUZHI_HOME": str(home), "SHUZHI_TODAY": TODAY, "SHUZHI_DUCKDB_THREADS": "2",
           "SHUZHI_DUCKDB_MEMORY_LIMIT": "2GB", "SHUZHI_ADMIN_PASSWORD": "Test-Passw0rd!"}
    if warehouse_url:
        env["SHUZHI_WAREHOUSE_URL"] = warehouse_url
    with pytest.MonkeyPatch.context() as mp:
        for k in [k for k in os.environ if k.startswith("SHUZHI_") and k != "SHUZHI_TEST_PG_URL"]:
            mp.delenv(k)
        for k, v in env.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        res = CliRunner().invoke(app, ["demo", "--scale", "0.02"])
        assert res.exit_code == 0, res.output
        settings = get_settings()
    get_settings.cache_clear()
    return settings


def new_database(prefix: str) -> tuple[str, sa.Engine, str]:
    """(url, admin engine, name) of a fresh PostgreSQL database."""
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = unique_name(prefix)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        service_unavailable("PostgreSQL", str(exc.orig).splitlines()[0])
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), admin, name


@pytest.fixture(scope="session")
def pg_warehouse_url() -> Iterator[str]:
    url, admin, name = new_database("shuzhi_wh")
    yield url
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def duck_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_home(tmp_path_factory.mktemp("duck") / "home", None)


@pytest.fixture(scope="session")
def pg_settings(tmp_path_factory: pytest.TempPathFactory, pg_warehouse_url: str) -> Settings:
    return build_home(tmp_path_factory.mktemp("pgwh") / "home", pg_warehouse_url)


@pytest.fixture(scope="session")
def duck_rt(duck_settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(duck_settings)
    rt.start(with_logging=False, create_admin=False)
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def pg_rt(pg_settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(pg_settings)
    rt.start(with_logging=False, create_admin=False)
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def maria_rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """The demo built by `shuzhi demo` on a MariaDB warehouse (a MySQL-protocol engine)."""
    if not port_open("127.0.0.1", 3306):
        service_unavailable("MariaDB", "nothing listens on 127.0.0.1:3306")
    name = unique_name("shuzhi_wh")
    try:
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        with admin.begin() as c:
            c.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
    except sa.exc.OperationalError as exc:
        service_unavailable("MariaDB", str(exc.orig).splitlines()[0])
    settings = build_home(tmp_path_factory.mktemp("mariawh") / "home",
                          f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4")
    rt = Runtime(settings)
    rt.start(with_logging=False, create_admin=False)
    yield rt
    rt.close()
    with admin.begin() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()
