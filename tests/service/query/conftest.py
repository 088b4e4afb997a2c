"""The demo company at a small scale, in DuckDB (always) and in PostgreSQL, MariaDB and Spark (CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from loader import copy_tables
from semantic_env import END, TODAY

from shuzhi.demo import DEMO_TABLES, build_demo
from shuzhi.demo.semantic import demo_model
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.spark_warehouse import SparkEngine, SparkWarehouse
from shuzhi.engines.sql_engine import SqlAlchemyEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.model.index import ModelIndex
from shuzhi_testing import PG_ADMIN_URL, port_open, service_unavailable, unique_name

MARIADB_ADMIN_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("semantic") / "warehouse.duckdb")
    con = duckdb.connect(path)
    build_demo(con, scale=0.03, seed=11, end=END, today=TODAY)
    con.close()
    return path


@pytest.fixture(scope="session")
def demo_index() -> ModelIndex:
    return ModelIndex.build(demo_model())


@pytest.fixture(scope="session")
def duck(demo_path: str) -> Iterator[DuckDBEngine]:
    wh = Warehouse(Path(demo_path), read_only=True, threads=2).open()
    yield DuckDBEngine(wh)
    wh.close()


@pytest.fixture(scope="session")
def pg_engine(duck: DuckDBEngine) -> Iterator[SqlAlchemyEngine]:
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = unique_name("shuzhi_golden")
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    copy_tables(duck.warehouse.connection.cursor(), url, list(DEMO_TABLES))
    eng = SqlAlchemyEngine(url)
    yield eng
    eng.dispose()
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def maria_engine(duck: DuckDBEngine) -> Iterator[SqlAlchemyEngine]:
    if not port_open("127.0.0.1", 3306):
        service_unavailable("MariaDB", "nothing listens on 127.0.0.1:3306")
    name = unique_name("shuzhi_golden")
    try:
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        with admin.begin() as c:
            c.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
    except sa.exc.OperationalError as exc:
        service_unavailable("MariaDB", str(exc.orig).splitlines()[0])
    url = f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    copy_tables(duck.warehouse.connection.cursor(), url, list(DEMO_TABLES))
    eng = SqlAlchemyEngine(url)
    yield eng
    eng.dispose()
    with admin.begin() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


@pytest.fixture(scope="session")
def spark_warehouse(duck: DuckDBEngine, spark_url: str) -> Iterator[SparkWarehouse]:
    """The demo's tables loaded into the local Spark Connect server (tests/spark_server.py) as Arrow."""
    wh = SparkWarehouse(spark_url, timeout_s=120)
    cur = duck.warehouse.connection.cursor()
    try:
        wh.check()
        for name in DEMO_TABLES:
            wh.load(name, cur.sql(f'SELECT * FROM "{name}"').to_arrow_table())  # noqa: S608 - our table names
        cur.close()
        yield wh
    finally:
        wh.close()


@pytest.fixture(scope="session")
def spark_engine(spark_warehouse: SparkWarehouse) -> SparkEngine:
    return spark_warehouse.engine()
