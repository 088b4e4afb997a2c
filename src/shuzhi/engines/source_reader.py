"""Reading a source database: test, browse (schemas, tables, columns, row counts) and stream a table.

Invariants
- SQL here is SQLAlchemy Core (identifiers quoted by the dialect, values as bound parameters), or
  fixed catalog queries with bound parameters; no user text is ever formatted into SQL.
- read_batches() streams through a server-side cursor (yield_per: psycopg named cursor, pymysql
  SSCursor) and yields pyarrow RecordBatches of at most `batch_rows` rows: the table is never held
  in Python memory whole.
- Column types are mapped once to Arrow (`arrow_type`); the text form of that type is what schema
  change detection compares, so harmless driver differences (INT vs BIGINT) do not count as changes.
- Every driver error becomes a ShuzhiError whose message has the password removed (sources.databases.redact).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy import types as T
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from shuzhi.errors import ShuzhiError
from shuzhi.sources.databases import KINDS, connect_args, redact

SYSTEM_SCHEMAS = {
    "postgresql": {"information_schema", "pg_catalog", "pg_toast"},
    "mysql": {"information_schema", "mysql", "performance_schema", "sys"},
}
SYSTEM_SCHEMAS.update({k: SYSTEM_SCHEMAS["mysql"] for k in ("mariadb", "doris", "starrocks")})
SYSTEM_SCHEMAS["doris"] = SYSTEM_SCHEMAS["mysql"] | {"__internal_schema"}
SYSTEM_SCHEMAS["starrocks"] = SYSTEM_SCHEMAS["mysql"] | {"_statistics_"}
EXACT_COUNT_MAX_TABLES = 200


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str  # the Arrow type's text, e.g. "int64", "decimal128(12, 2)", "timestamp[us]"
    source_type: str  # the database's own type name
    nullable: bool = True
    primary_key: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "source_type": self.source_type,
                "nullable": self.nullable, "primary_key": self.primary_key}


def arrow_type(t: T.TypeEngine[Any]) -> pa.DataType:
    """The Arrow type a source column is extracted as (unknown types become text)."""
    if isinstance(t, T.Boolean):
        return pa.bool_()
    if isinstance(t, T.Integer):
        return pa.int64()
    if isinstance(t, T.Float):
        return pa.float64()
    if isinstance(t, T.Numeric):
        p, s = getattr(t, "precision", None), getattr(t, "scale", None)
        if p is not None and s == 0 and p <= 18:
            return pa.int64()
        if p is not None and s is not None and 0 < p <= 38 and 0 <= s <= p:
            return pa.decimal128(p, s)
        return pa.float64()
    if isinstance(t, T.DateTime):
        return pa.timestamp("us", tz="UTC") if getattr(t, "timezone", False) else pa.timestamp("us")
    if isinstance(t, T.Date):
        return pa.date32()
    if isinstance(t, T.Time):
        return pa.time64("us")
    if isinstance(t, T.Interval):
        return pa.duration("us")
    if isinstance(t, T._Binary):
        return pa.binary()
    return pa.string()


def parse_arrow_type(text: str) -> pa.DataType:
    """Inverse of str(arrow_type(...)) for the types arrow_type() produces."""
    simple = {"bool": pa.bool_(), "int64": pa.int64(), "double": pa.float64(), "date32[day]": pa.date32(),
              "time64[us]": pa.time64("us"), "duration[us]": pa.duration("us"), "binary": pa.binary(),
              "string": pa.string(), "timestamp[us]": pa.timestamp("us"),
              "timestamp[us, tz=UTC]": pa.timestamp("us", tz="UTC")}
    if text in simple:
        return simple[text]
    if text.startswith("decimal128("):
        p, s = text[len("decimal128("):-1].split(",")
        return pa.decimal128(int(p), int(s))
    return pa.string()


def _to_text(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v).hex()
    return str(v)


def _column_array(values: list[Any], typ: pa.DataType) -> pa.Array:
    if pa.types.is_string(typ):
        return pa.array([_to_text(v) for v in values], typ)
    if pa.types.is_int64(typ):
        values = [None if v is None else int(v) for v in values]
    elif pa.types.is_floating(typ):
        values = [None if v is None else float(v) for v in values]
    elif pa.types.is_decimal(typ):
        values = [None if v is None else (v if isinstance(v, decimal.Decimal) else decimal.Decimal(str(v)))
                  for v in values]
    elif pa.types.is_boolean(typ):
        values = [None if v is None else bool(v) for v in values]
    elif pa.types.is_timestamp(typ) and typ.tz is None:
        values = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v for v in values]
    return pa.array(values, typ)


class SourceDB:
    """One source database (a SQLAlchemy engine with a small pool); dispose() when done."""

    def __init__(self, kind: str, url: URL, *, password: str | None = None, connect_timeout_s: int = 10) -> None:
        self.kind = kind
        self.label = KINDS[kind].label
        self._password = password
        try:
            self.engine: Engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2,
                                                   connect_args=connect_args(kind, connect_timeout_s)) \
                if kind != "sqlite" else sa.create_engine(url)
        except (ImportError, SQLAlchemyError) as exc:
            raise self._error(exc) from None

    def dispose(self) -> None:
        self.engine.dispose()

    # -- errors ----------------------------------------------------------------------------
    def _error(self, exc: BaseException) -> ShuzhiError:
        orig = getattr(exc, "orig", None) or exc
        text = str(orig).strip().splitlines()[0][:300] if str(orig).strip() else type(orig).__name__
        text = redact(text, self._password)
        if isinstance(exc, ImportError):
            return ShuzhiError("connection_driver_missing", f"{self.label} 的驱动未安装：{text}",
                               f"The {self.label} driver is not installed: {text}", 400)
        if isinstance(exc, NoSuchTableError):
            return ShuzhiError("source_table_missing", f"源数据库中找不到表 {text}。",
                               f"The table {text} does not exist in the source database.", 404)
        if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) or "connect" in text.lower():
            return ShuzhiError("connection_failed", f"无法连接 {self.label}：{text}",
                               f"Cannot connect to {self.label}: {text}", 502)
        return ShuzhiError("source_query_failed", f"{self.label} 返回错误：{text}",
                           f"{self.label} returned an error: {text}", 502)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except ShuzhiError:
            raise
        except (SQLAlchemyError, ImportError, OSError) as exc:
            raise self._error(exc) from None
        except Exception as exc:  # driver errors raised outside SQLAlchemy's wrapping
            if type(exc).__module__.split(".")[0] in ("psycopg", "pymysql", "sqlite3"):
                raise self._error(exc) from None
            raise

    # -- browse ----------------------------------------------------------------------------
    def test(self) -> dict[str, Any]:
        """Open a connection and ask for the server version; returns {"ok", "server_version", "latency_ms"}."""
        t0 = time.perf_counter()
        with self._guard(), self.engine.connect() as conn:
            conn.execute(sa.select(sa.literal(1))).scalar()
            info = conn.dialect.server_version_info
        version = ".".join(str(p) for p in info) if info else None
        return {"ok": True, "server_version": version, "latency_ms": round((time.perf_counter() - t0) * 1000, 1)}

    def default_schema(self) -> str | None:
        with self._guard():
            return sa.inspect(self.engine).default_schema_name

    def schemas(self) -> list[str]:
        skip = SYSTEM_SCHEMAS.get(self.kind, set())
        with self._guard():
            names = sa.inspect(self.engine).get_schema_names()
        return [n for n in names if n not in skip and not n.startswith("pg_")]

    def tables(self, schema: str | None) -> list[dict[str, Any]]:
        """Tables and views of `schema` with row counts (catalog estimates where the database keeps
        them, exact counts otherwise; `row_count_estimated` says which)."""
        with self._guard():
            ins = sa.inspect(self.engine)
            names = [(n, "table") for n in ins.get_table_names(schema=schema)]
            names += [(n, "view") for n in ins.get_view_names(schema=schema)]
            estimates = self._estimates(schema)
            out = []
            for i, (name, kind) in enumerate(sorted(names)):
                est = estimates.get(name)
                exact = None
                if (est is None or est < 0) and i < EXACT_COUNT_MAX_TABLES:
                    exact = self.count(schema, name)
                out.append({"name": name, "type": kind,
                            "row_count": exact if exact is not None else (est if est is not None and est >= 0
                                                                          else None),
                            "row_count_estimated": exact is None})
        return out

    def _estimates(self, schema: str | None) -> dict[str, int]:
        if self.kind == "postgresql":
            q = sa.text("SELECT c.relname, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind IN ('r', 'p', 'm')")
            params = {"s": schema or self.default_schema()}
        elif self.kind in ("mysql", "mariadb", "doris", "starrocks"):
            q = sa.text("SELECT table_name, table_rows FROM information_schema.tables WHERE table_schema = :s "
                        "AND table_type = 'BASE TABLE'")
            params = {"s": schema or self.default_schema()}
        else:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(q, params).all()
        # PostgreSQL: -1 = never analyzed; MySQL: 0 may just mean "no statistics yet".
        return {r[0]: int(r[1]) for r in rows if r[1] is not None and int(r[1]) > 0}

    def count(self, schema: str | None, table: str) -> int:
        with self._guard(), self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(table, schema=schema)))
                       .scalar() or 0)

    def columns(self, schema: str | None, table: str) -> list[ColumnInfo]:
        with self._guard():
            ins = sa.inspect(self.engine)
            cols = ins.get_columns(table, schema=schema)
            try:
                pk = set(ins.get_pk_constraint(table, schema=schema).get("constrained_columns") or [])
            except NotImplementedError:
                pk = set()
        return [ColumnInfo(c["name"], str(arrow_type(c["type"])), str(c["type"]), bool(c.get("nullable", True)),
                           c["name"] in pk) for c in cols]

    # -- read ------------------------------------------------------------------------------
    def read_batches(self, schema: str | None, table: str, columns: list[tuple[str, pa.DataType]], *,
                     since: tuple[str, str, Any] | None = None, batch_rows: int = 50_000
                     ) -> Iterator[pa.RecordBatch]:
        """Stream `columns` of a table as RecordBatches; `since` = (column, ">" or ">=", value)
        keeps only rows past a watermark."""
        t = sa.table(table, *[sa.column(n) for n, _ in columns], schema=schema)
        q = sa.select(*[t.c[n] for n, _ in columns])
        if since is not None:
            col, op, value = since
            q = q.where(t.c[col] > sa.bindparam("wm", value) if op == ">" else t.c[col] >= sa.bindparam("wm", value))
        arrow_schema = pa.schema([pa.field(n, typ) for n, typ in columns])
        with self._guard(), self.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch_rows).execute(q)
            for part in result.partitions():
                cols = list(zip(*part, strict=True)) if part else [() for _ in columns]
                arrays = [_column_array(list(vals), typ) for vals, (_, typ) in zip(cols, columns, strict=True)]
                yield pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)


def watermark_value(wm: dict[str, Any] | None) -> Any:
    """The Python value of a stored watermark {"type", "value"}."""
    if not wm:
        return None
    typ, v = wm.get("type"), wm.get("value")
    if v is None:
        return None
    if typ == "int":
        return int(v)
    if typ == "float":
        return float(v)
    if typ == "decimal":
        return decimal.Decimal(v)
    if typ == "datetime":
        return dt.datetime.fromisoformat(v)
    if typ == "date":
        return dt.date.fromisoformat(v)
    return str(v)


def watermark_of(value: Any) -> dict[str, Any] | None:
    """The stored form of a watermark value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"type": "str", "value": str(value)}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, dt.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"type": "str", "value": str(value)}
    return {"type": "str", "value": str(value)}
