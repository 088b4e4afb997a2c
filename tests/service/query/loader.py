"""Copy the demo warehouse's tables from DuckDB into PostgreSQL or MariaDB for cross-engine tests."""

from __future__ import annotations

import duckdb
import sqlalchemy as sa

_TYPES = {
    "INTEGER": sa.Integer,
    "BIGINT": sa.BigInteger,
    "DOUBLE": sa.Float(precision=53),
    "DATE": sa.Date,
    "BOOLEAN": sa.Boolean,
    "VARCHAR": sa.String(512),
}


def copy_tables(src: duckdb.DuckDBPyConnection, url: str, tables: list[str]) -> None:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    try:
        with engine.begin() as conn:
            for name in tables:
                cols = src.execute(f'DESCRIBE "{name}"').fetchall()  # noqa: S608 - our table names
                table = sa.Table(name, meta, *[sa.Column(c[0], _TYPES[c[1]]) for c in cols])
                table.drop(conn, checkfirst=True)
                table.create(conn)
                rows = src.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
                keys = [c[0] for c in cols]
                for i in range(0, len(rows), 5000):
                    conn.execute(table.insert(), [dict(zip(keys, r, strict=True)) for r in rows[i:i + 5000]])
    finally:
        engine.dispose()
