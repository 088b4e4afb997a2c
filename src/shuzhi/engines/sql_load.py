"""Writing Arrow into PostgreSQL and MySQL-protocol tables (engines/sql_warehouse.py's loads).

- Column types follow the Arrow types (pg_type / mysql_type); a decimal keeps its precision and scale.
- PostgreSQL: COPY … FROM STDIN with CSV text written by pyarrow (scalar columns), else COPY rows.
  MySQL: batched executemany of one parameterized INSERT (pymysql sends multi-row INSERTs).
  LOAD DATA LOCAL INFILE is not used: it lets the server ask the client for any file it names.
- Identifiers are quoted by sqlglot; values travel as COPY data or bound parameters, never as SQL.
"""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlglot import exp

INSERT_BATCH = 5_000


def _q(dialect: str, name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def column_type(dialect: str, t: pa.DataType) -> str:
    return pg_type(t) if dialect == "postgres" else mysql_type(t)


def pg_type(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "SMALLINT"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "INTEGER"
    if pa.types.is_integer(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE PRECISION" if t.bit_width == 64 else "REAL"
    if pa.types.is_decimal(t):
        return f"NUMERIC({t.precision},{t.scale})"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_time(t):
        return "TIME"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "BYTEA"
    return "TEXT"


def mysql_type(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "SMALLINT"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "INT"
    if pa.types.is_integer(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE" if t.bit_width == 64 else "FLOAT"
    if pa.types.is_decimal(t):
        return f"DECIMAL({min(t.precision, 65)},{min(t.scale, 30)})"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "DATETIME(6)"
    if pa.types.is_time(t):
        return "TIME(6)"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "LONGBLOB"
    return "LONGTEXT"


def csv_safe(schema: pa.Schema) -> bool:
    """Whether COPY … CSV can take these columns as pyarrow writes them (scalars, no binary)."""
    return all(not (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type) or pa.types.is_nested(f.type)
                    or pa.types.is_dictionary(f.type) or pa.types.is_time(f.type)) for f in schema)


def write_batch(raw: Any, dialect: str, stage: str, batch: pa.RecordBatch) -> int:
    """Append one Arrow batch to table `stage` on a raw DB-API connection; the rows written."""
    names = [f.name for f in batch.schema]
    collist = ", ".join(_q(dialect, n) for n in names)
    if dialect == "postgres":
        with raw.cursor() as cur:
            if csv_safe(batch.schema):
                buf = io.BytesIO()
                pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
                with cur.copy(f"COPY {_q(dialect, stage)} ({collist}) FROM STDIN (FORMAT csv)") as cp:  # noqa: S608
                    cp.write(buf.getvalue())
            else:
                with cur.copy(f"COPY {_q(dialect, stage)} ({collist}) FROM STDIN") as cp:  # noqa: S608
                    for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                        cp.write_row(row)
        return batch.num_rows
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {_q(dialect, stage)} ({collist}) VALUES ({marks})"  # noqa: S608 - quoted identifiers
    cur = raw.cursor()
    try:
        data = [c.to_pylist() for c in batch.columns]
        rows = list(zip(*data, strict=True))
        for i in range(0, len(rows), INSERT_BATCH):
            cur.executemany(sql, rows[i:i + INSERT_BATCH])
    finally:
        cur.close()
    return batch.num_rows


_TEXT_SAFE = ("smallint", "integer", "bigint", "numeric", "real", "double precision", "text", "character",
              "date", "timestamp", "boolean")


def copy_out(raw: Any, dialect: str, name: str, columns: list[tuple[str, str]]) -> pa.Table | None:
    """PostgreSQL: the whole table as text columns through COPY … TO STDOUT (CSV), NULL kept apart from
    '' (the caller casts each column back to its type); None when COPY does not apply (another engine, or a
    column whose text form is not a plain value, e.g. bytea or arrays)."""
    if dialect != "postgres" or not columns or not all(t.startswith(_TEXT_SAFE) and not t.endswith("[]")
                                                      for _, t in columns):
        return None
    buf = io.BytesIO()
    with raw.cursor() as cur, cur.copy(f"COPY {_q(dialect, name)} TO STDOUT (FORMAT csv)") as cp:  # noqa: S608
        for chunk in cp:
            buf.write(chunk)
    names = [c for c, _ in columns]
    buf.seek(0)
    return pacsv.read_csv(buf, read_options=pacsv.ReadOptions(column_names=names),
                          convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                               strings_can_be_null=True,
                                                               quoted_strings_can_be_null=False,
                                                               null_values=[""]))
