"""Encode an Arrow table for people and programs.

JSON shape (a contract shared by `shuzhi sql`, the query API and later consumers):
    {"columns": [{"name": str, "type": str}], "rows": [[value, ...], ...]}
Dates become ISO strings, decimals become floats, NaN/inf become null, bytes become base64.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import io
import json
import math
from typing import Any

import pyarrow as pa


def arrow_type_name(t: pa.DataType) -> str:
    """A short, stable, engine-neutral type name."""
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "binary"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "list"
    if pa.types.is_struct(t) or pa.types.is_map(t):
        return "struct"
    return str(t)


def json_value(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, decimal.Decimal):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, list | tuple):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    return str(v)


def to_columns(table: pa.Table) -> list[dict[str, str]]:
    return [{"name": f.name, "type": arrow_type_name(f.type)} for f in table.schema]


def to_rows(table: pa.Table) -> list[list[Any]]:
    cols = [c.to_pylist() for c in table.columns]
    return [[json_value(c[i]) for c in cols] for i in range(table.num_rows)]


def to_json_obj(table: pa.Table) -> dict[str, Any]:
    return {"columns": to_columns(table), "rows": to_rows(table)}


def to_json(table: pa.Table) -> str:
    return json.dumps(to_json_obj(table), ensure_ascii=False)


def to_csv(table: pa.Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.column_names)
    for row in to_rows(table):
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()

