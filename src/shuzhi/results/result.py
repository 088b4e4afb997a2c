"""A query result: the Arrow table, its column metadata, the SQL and timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from shuzhi.results.encoders import to_rows


@dataclass
class QueryResult:
    table: pa.Table
    columns: list[dict[str, Any]]
    sql: str
    spec: dict[str, Any] | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    truncated: bool = False
    cached: bool = False
    freshness: dict[str, Any] | None = None  # service.freshness: the data's last date, an empty period
    _rows: list[list[Any]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[list[Any]]:
        """JSON-ready rows, computed once (cached results share them)."""
        if self._rows is None:
            self._rows = to_rows(self.table)
        return self._rows

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "columns": [{"name": c["name"], "type": c["type"], "label": c.get("label", c["name"]),
                         **{k: c[k] for k in ("role", "format", "unit", "metric", "compute") if c.get(k)}}
                        for c in self.columns],
            "rows": self.rows,
            "sql": self.sql,
            "truncated": self.truncated,
            "cached": self.cached,
            "timings_ms": self.timings_ms,
            **({"freshness": self.freshness} if self.freshness is not None else {}),
        }
