"""Helpers for the connection tests: the seeded source tables and a handle on a source database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

PG_TEST_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MARIA_TEST_URL = "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
T0 = dt.datetime(2026, 1, 1, 8, 0, 0)
REGIONS = ["华东", "华南", "华北", "西南"]


def order_rows(n: int, start: int = 1) -> list[dict]:
    return [{"id": i, "region": REGIONS[i % 4], "product": f"伺服电机-{i % 3}", "amount": round(100 + i * 1.25, 2),
             "qty": i % 7 + 1, "order_date": (T0 + dt.timedelta(days=i % 40)).date(),
             "updated_at": T0 + dt.timedelta(minutes=i)} for i in range(start, start + n)]


@dataclass
class Source:
    kind: str
    url: str  # admin URL (the test's own handle on the source)
    schema: str | None  # the schema the tables live in (None: the connection's database)
    orders: str  # table names
    customers: str
    engine: sa.Engine

    def conn_body(self, name: str, password: str | None = None) -> dict:
        u = sa.engine.make_url(self.url)
        body = {"name": name, "kind": self.kind, "host": u.host, "port": u.port, "database": u.database,
                "username": u.username}
        if password is not None:
            body["password"] = password
        return body

    def execute(self, sql: str, params: dict | list | None = None) -> None:
        with self.engine.begin() as c:
            c.execute(sa.text(sql), params or {})

    def table(self, name: str) -> sa.Table:
        return sa.Table(name, sa.MetaData(schema=self.schema), autoload_with=self.engine)

    def insert_orders(self, rows: list[dict]) -> None:
        with self.engine.begin() as c:
            c.execute(self.table(self.orders).insert(), rows)

    def update_orders(self, ids: list[int], **values: object) -> None:
        t = self.table(self.orders)
        with self.engine.begin() as c:
            c.execute(t.update().where(t.c.id.in_(ids)).values(**values))

    def q(self, name: str) -> str:
        """The table name as SQL, qualified with the schema when there is one."""
        prep = self.engine.dialect.identifier_preparer
        t = prep.quote(name)
        return f"{prep.quote(self.schema)}.{t}" if self.schema else t


def create_tables(src: Source, n: int) -> None:
    md = sa.MetaData(schema=src.schema)
    sa.Table(src.orders, md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("region", sa.String(16)), sa.Column("product", sa.String(64)),
             sa.Column("amount", sa.Numeric(12, 2)), sa.Column("qty", sa.Integer),
             sa.Column("order_date", sa.Date), sa.Column("updated_at", sa.DateTime))
    sa.Table(src.customers, md, sa.Column("region", sa.String(16), primary_key=True),
             sa.Column("manager", sa.String(32)))
    md.create_all(src.engine)
    with src.engine.begin() as c:
        c.execute(md.tables[f"{src.schema}.{src.orders}" if src.schema else src.orders].insert(), order_rows(n))
        c.execute(md.tables[f"{src.schema}.{src.customers}" if src.schema else src.customers].insert(),
                  [{"region": r, "manager": f"经理{i}"} for i, r in enumerate(REGIONS)])


