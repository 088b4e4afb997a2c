"""Arrow → JSON / CSV encoders keep types honest and values JSON-safe."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pyarrow as pa

from shuzhi.results.encoders import to_csv, to_json, to_json_obj


def test_json_shape_and_values() -> None:
    t = pa.table({
        "region": pa.array(["华东", None]),
        "n": pa.array([1, 2], pa.int32()),
        "amount": pa.array([1.5, float("nan")]),
        "d": pa.array([dt.date(2026, 1, 31), None]),
        "ts": pa.array([dt.datetime(2026, 1, 1, 8), None]),
        "ok": pa.array([True, False]),
        "dec": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(10, 2)),
    })
    obj = to_json_obj(t)
    assert obj["columns"] == [
        {"name": "region", "type": "string"}, {"name": "n", "type": "integer"},
        {"name": "amount", "type": "number"}, {"name": "d", "type": "date"},
        {"name": "ts", "type": "timestamp"}, {"name": "ok", "type": "boolean"},
        {"name": "dec", "type": "number"},
    ]
    assert obj["rows"] == [
        ["华东", 1, 1.5, "2026-01-31", "2026-01-01T08:00:00", True, 1.25],
        [None, 2, None, None, None, False, None],
    ]
    assert json.loads(to_json(t)) == obj  # valid JSON, no NaN tokens
    assert "华东" in to_json(t)


def test_csv() -> None:
    t = pa.table({"a": ["x,y", None], "b": [1, 2]})
    assert to_csv(t) == 'a,b\n"x,y",1\n,2\n'
